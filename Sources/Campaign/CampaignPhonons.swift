import Crystal
import Dynamics
import Foundation
import KilnSupport
import Properties

/// `[constraints] dynamically_stable = true`: phonons (Dynamics.PhononCalculator, the campaign's
/// potential) of the unique candidates with E_hull ≤ the stability threshold, the cheaper filters
/// first. Each result is stored as it finishes (the lowest frequency in `properties`, band structure
/// in OUT/phonons/ID.svg and .csv), so a killed run repeats none.
extension CampaignRunner {
    static let phononKey = "lowest_phonon_frequency"

    /// The phonon calculator campaigns use (defaults of `kiln phonons`).
    var phononCalculator: PhononCalculator { PhononCalculator(calculator: potential.calculator) }

    func phononStage(_ all: inout [CandidateRecord], relaxed: [Int], structures: [Structure], store: KnowledgeStore) throws {
        let due = relaxed.enumerated().filter { _, i in
            all[i].isUnique == true && (all[i].energyAboveHull ?? .infinity) <= spec.stabilityThreshold && all[i].relaxOutcome == "converged"
                && all[i].properties?[Self.phononKey] == nil && all[i].propertyErrors?[Self.phononKey] == nil
        }
        guard !due.isEmpty else { return }
        log("phonons of \(due.count) stable unique candidates")
        let folder = outputDirectory.appendingPathComponent("phonons")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let phonons = phononCalculator
        try storeEach(&all, due: due, errorKey: Self.phononKey, what: "phonons", store: store) { k, r, values in
            let result = try phonons.calculate(structures[k])
            values[Self.phononKey] = PropertyValue(mean: result.minimumFrequency, sigma: 0, unit: "THz")
            let stem = folder.appendingPathComponent(r.id)
            try Data(PhononBandPlot.svg(result, title: "\(r.formula) (\(potential.label))").utf8).write(to: stem.appendingPathExtension("svg"), options: .atomic)
            try Data(PhononBandPlot.csv(result).utf8).write(to: stem.appendingPathExtension("csv"), options: .atomic)
        }
    }

    /// Computes a stage's properties of the candidates `due` (structure index, record index), each
    /// stored as soon as it is done — its values, or the error under `errorKey` — so a killed run
    /// repeats none; `what` names the stage in errors and, with `progress`, in the log.
    func storeEach(_ all: inout [CandidateRecord], due: [(offset: Int, element: Int)], errorKey: String, what: String, progress: Bool = true,
                   store: KnowledgeStore, _ compute: (_ k: Int, _ r: CandidateRecord, _ values: inout [String: PropertyValue]) throws -> Void) throws {
        for (n, (k, i)) in due.enumerated() {
            var values = all[i].properties ?? [:], errors = all[i].propertyErrors ?? [:]
            do { try compute(k, all[i], &values) } catch { errors[errorKey] = "\(what): " + ErrorText.describe(error) }
            all[i].properties = values.isEmpty ? nil : values
            all[i].propertyErrors = errors.isEmpty ? nil : errors
            try store.update(all[i])
            if progress { log("\(what) \(n + 1)/\(due.count): \(all[i].formula) (\(all[i].id))") }
        }
    }

    /// Why a candidate fails `dynamically_stable`, or nil when it passes.
    func dynamicStabilityViolation(_ r: CandidateRecord) -> String? {
        if let v = r.properties?[Self.phononKey] {
            return v.mean < -PhononCalculator.defaultTolerance ? String(format: "dynamically unstable (lowest phonon %.2f THz)", v.mean) : nil
        }
        return "dynamic stability unknown: " + (r.propertyErrors?[Self.phononKey]
            ?? "phonons are computed only for converged unique candidates with E_hull ≤ \(spec.stabilityThreshold) eV/atom")
    }
}
