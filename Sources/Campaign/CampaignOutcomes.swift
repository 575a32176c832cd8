import Crystal
import Thermo

extension CampaignRunner {
    /// The records with their lab evidence as the store holds it now (`LabEvidence`): DFT energy,
    /// synthesis verdict, measured properties. A DFT energy is used only on the MP hull reference
    /// (it is on MP's scale); with the mlip reference it is kept but not used, and said so.
    func withLabEvidence(_ records: [CandidateRecord], _ store: KnowledgeStore) throws -> [CandidateRecord] {
        let evidence = LabEvidence.byCandidate(try store.outcomes())
        return records.map { r in
            var r = r
            let e = evidence[r.id]
            r.dftEnergyPerAtom = e?.dftEnergyPerAtom
            r.synthesis = e?.synthesis
            r.measuredProperties = (e?.measured.isEmpty ?? true) ? nil : e?.measured
            return r
        }
    }

    /// The total energy (eV, as `HullService.entry` takes it) that places a relaxed candidate on the
    /// hull: its DFT energy when the lab sent one — with the MP2020 corrections MP's own GGA/GGA+U
    /// entries carry, whatever the potential's energies get — else the potential's.
    func hullEnergy(_ r: CandidateRecord, _ c: Composition, hull: HullService, mp2020: () throws -> MP2020Compatibility) rethrows -> Double? {
        if let dft = r.dftEnergyPerAtom, spec.hullReference == .materialsProject {
            return dft * c.numAtoms + (try mp2020().correction(for: c)) - hull.correction(for: c)
        }
        return r.finalEnergyPerAtom.map { $0 * c.numAtoms }
    }

    /// The campaign's DFT scale, loaded once when first needed.
    static func mp2020Loader() -> () throws -> MP2020Compatibility {
        var loaded: MP2020Compatibility?
        return {
            if let loaded { return loaded }
            let m = try MP2020Compatibility.bundled()
            loaded = m
            return m
        }
    }
}
