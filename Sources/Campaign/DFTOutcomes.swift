import Crystal
import CrystalIO
import DFT
import Foundation
import Thermo

/// DFT results read from the codes' own outputs (`kiln ingest --dft`), matched to a campaign's
/// candidates and turned into `dft` outcomes on a consistent scale: a VASP energy with MP's settings
/// goes on the MP hull with the MP2020 corrections (the campaign's scoring does that), a VASP energy
/// with other settings is kept without a hull, and a QE energy gets a hull only against QE references
/// computed the same way (same functional, cut-offs and pseudopotentials), built by Thermo's
/// `HullService` on raw total energies.
public enum DFTOutcomes {
    /// One result ready to store, with the line that reports it.
    public struct Ingested: Sendable {
        public var outcome: LabOutcome
        public var report: String
    }

    /// The runs under `path`: the path itself when it is an output file or a folder holding one,
    /// else each of its subfolders (a `kiln export dft --out` folder after the runs). A subfolder
    /// without a result is an error naming it, so a batch is read whole or not at all.
    public static func read(_ path: String) throws -> [DFTResult] {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw OutcomeError(field: "", reason: "\(path): no such file or folder") }
        if !isDirectory.boolValue || DFTResult.isRunFolder(url) { return [try DFTResult.read(url)] }
        let folders = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: [.isDirectoryKey])
            .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true && !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !folders.isEmpty else { throw OutcomeError(field: "", reason: "\(path): no vasprun.xml, OUTCAR or pw.x output, and no run folders") }
        return try folders.map { try DFTResult.read($0) }
    }

    /// The candidate a run belongs to: the run's name is the candidate id, or ends with "-" and the id
    /// (a campaign's structure files are named RANK-FORMULA-ID); the longest matching id wins. The
    /// final structure must have the candidate's composition.
    public static func candidate(for result: DFTResult, among candidates: [CandidateRecord]) throws -> CandidateRecord {
        let name = result.runName
        let matches = candidates.filter { name == $0.id || name.hasSuffix("-" + $0.id) }
        guard let best = matches.max(by: { $0.id.count < $1.id.count }) else {
            throw OutcomeError(field: "", reason: "\(result.file.path): no candidate of this campaign is called '\(name)' (the run folder's name must be the candidate id, or end with -ID as the campaign's structure files do)")
        }
        let expected = try best.structure().composition.reducedFormula
        let found = result.structure.composition.reducedFormula
        guard expected == found else {
            throw OutcomeError(field: "", reason: "\(result.file.path): the run's structure is \(found), candidate \(best.id) is \(expected)")
        }
        return best
    }

    /// Outcomes for `results`, each matched to a candidate; QE results placed on the hull of
    /// `references` (pw.x runs of the competing phases) where they cover the candidate's elements.
    /// Every result and reference is checked first; nothing is stored here.
    public static func outcomes(_ results: [DFTResult], candidates: [CandidateRecord], references: [DFTResult],
                         author: String) throws -> [Ingested] {
        if let vasp = references.first(where: { $0.code != .qe }) {
            throw OutcomeError(field: "", reason: "\(vasp.file.path): --references takes pw.x outputs (QE references); VASP energies with MP's settings use MP's hull")
        }
        var seen: [String: String] = [:]
        return try results.map { r in
            let c = try candidate(for: r, among: candidates)
            if let earlier = seen[c.id] { throw OutcomeError(field: "", reason: "\(r.file.path): candidate \(c.id) already has a result in this batch (\(earlier))") }
            seen[c.id] = r.file.path
            var o = LabOutcome(candidateId: c.id, kind: .dft, author: author, method: (r.code == .vasp ? "VASP: " : "pw.x: ") + r.settings,
                               source: r.runName + "/" + r.file.lastPathComponent)
            o.energyPerAtom = r.energyPerAtom
            o.code = r.code.rawValue
            o.structure = StructureCoding.encode(r.structure)
            o.forces = r.forces.map { [$0.x, $0.y, $0.z] }
            o.maxForce = r.maxForce
            o.converged = true
            o.functional = r.functional
            o.hubbardU = r.hubbardU.isEmpty ? nil : r.hubbardU
            o.notes = r.notes.isEmpty ? nil : r.notes.joined(separator: "; ")
            let head = "\(c.id) (\(c.formula), \(r.code.rawValue)): " + String(format: "%.6f eV/atom", r.energyPerAtom)
                + (r.maxForce.map { String(format: ", max force %.4f eV/Å", $0) } ?? "")
            switch r.code {
            case .vasp:
                if let why = r.mpIncompatibility {
                    o.hullScale = HullScale.none
                    o.hullNote = "no hull: not on MP's scale (\(why))"
                    return Ingested(outcome: o, report: head + "; " + o.hullNote!)
                }
                o.hullScale = .mp2020
                return Ingested(outcome: o, report: head + "; on MP's hull with the MP2020 corrections (\(r.functional))")
            case .qe:
                try qeHull(&o, r, references: references)
                let where_ = o.energyAboveHull.map { String(format: "E_hull(QE) %.4f eV/atom, formation energy(QE) %.4f eV/atom", $0, o.formationEnergyPerAtom ?? .nan) }
                return Ingested(outcome: o, report: head + "; " + (where_ ?? o.hullNote!))
            }
        }
    }

    public typealias HullScale = LabOutcome.HullScale

    /// E_hull and formation energy of a QE result against the QE references of its chemical system,
    /// or a note naming the elements without a reference. References computed differently (functional,
    /// cut-offs, a pseudopotential of a shared element) are an error naming the difference.
    static func qeHull(_ o: inout LabOutcome, _ r: DFTResult, references: [DFTResult]) throws {
        guard let pw = r.pw else { return }
        let elements = Set(r.structure.composition.elements)
        let relevant = references.filter { Set($0.structure.composition.elements).isSubset(of: elements) }
        for ref in relevant {
            guard let p = ref.pw else { continue }
            var differences: [String] = []
            if p.functional != pw.functional { differences.append("functional \(p.functional ?? "?") vs \(pw.functional ?? "?")") }
            if abs((p.ecutwfc ?? 0) - (pw.ecutwfc ?? 0)) > 1e-3 || abs((p.ecutrho ?? 0) - (pw.ecutrho ?? 0)) > 1e-3 {
                differences.append(String(format: "cut-offs %g/%g Ry vs %g/%g Ry", p.ecutwfc ?? 0, p.ecutrho ?? 0, pw.ecutwfc ?? 0, pw.ecutrho ?? 0))
            }
            for (el, file) in p.pseudopotentials where pw.pseudopotentials[el] != file {
                differences.append("\(el) pseudopotential \(file) vs \(pw.pseudopotentials[el] ?? "none")")
            }
            if !differences.isEmpty {
                throw OutcomeError(field: "", reason: "\(ref.file.path): this QE reference was not computed as \(r.file.path) (\(differences.joined(separator: "; "))); QE energies compare only with the same settings")
            }
        }
        let pure = Set(relevant.filter { $0.structure.composition.elements.count == 1 }.map { $0.structure.composition.elements[0] })
        let missing = elements.subtracting(pure).sorted { $0.z < $1.z }
        o.hullScale = .qe
        guard missing.isEmpty else {
            o.hullScale = HullScale.none
            o.hullNote = "no QE hull (references missing: \(missing.map(\.symbol).joined(separator: ", ")))"
            return
        }
        let entries = try relevant.map { try ThermoEntry(composition: $0.structure.composition, energy: $0.energy, id: $0.file.path) }
        let hull = try HullService(reference: .none)
        let candidate = try ThermoEntry(composition: r.structure.composition, energy: r.energy, id: o.candidateId)
        let result = try hull.join(entries + [candidate], scale: .raw, phaseSeparation: false).results.last!
        o.energyAboveHull = max(0, result.energyAboveHull)
        o.formationEnergyPerAtom = result.formationEnergyPerAtom
        o.hullNote = "QE hull of \(relevant.count) reference(s) computed the same way: " + relevant.map { $0.runName }.joined(separator: ", ")
    }
}
