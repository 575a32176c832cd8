import ArgumentParser
import Crystal
import Foundation
import KilnSupport
import Potentials
import Properties

/// `kiln predict FILE… --property NAME [--property NAME…] [--explain [--top N]] [--json]`:
/// physics-based properties from CHGNet 0.3.0 and learned composition-model properties with σ,
/// the latter optionally explained by their TreeSHAP feature contributions.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Properties of structures: elastic tensor, moduli, equation of state, magnetism, density (CHGNet 0.3.0); band gap, metallicity, formation energy (learned).",
        discussion: """
            Properties (--property, repeatable): \(PredictedProperty.allCases.map(\.rawValue).joined(separator: ", ")). \
            bulk_modulus and shear_modulus are the Voigt–Reuss–Hill averages (GPa) of the elastic tensor; \
            elastic_tensor prints the 6×6 tensor (GPa, Voigt order xx yy zz yz xz xy), the Voigt, Reuss and \
            Hill moduli, Young's modulus, the Poisson ratio and Born's stability verdict. The elastic tensor \
            follows matcalc's ElasticityCalc (structure relaxed first; ±0.5 %, ±1 % normal and ±3 %, ±6 % \
            shear strains, ions relaxed at each); eos is matcalc's EOSCalc (11 volumes over ±10 % volumetric \
            strain) with a Birch–Murnaghan fit: E0, V0, B0 ± its fit standard error, B0′ (refused when the scan has \
            no energy minimum inside it or the fit's R² is below 0.95). magnetic_density is \
            Σ|m_i|/V (µB/Å³, MatterGen's total magnetization per volume), magnetic_moment Σ|m_i| (µB), density \
            in g/cm³, volume_per_atom in Å³/atom, all for the structure as given. band_gap (eV), \
            formation_energy (eV/atom, legacy MP scale) and is_metal (probability) come from the bundled \
            learned models (`kiln train`; docs/benchmarks.md has their test metrics) as mean ± σ, σ the \
            calibrated spread of the ensemble: by default the structure models, which read the composition \
            and one CHGNet pass over the structure as given (give relaxed structures), or with --model \
            composition the composition models; compositions with an element absent from their training \
            data are refused. --explain adds, under each learned property, its top --top (default 8) feature \
            contributions by exact TreeSHAP: base value + all contributions = the explained value, the \
            ensemble's mean before band gaps are clipped at 0, and for is_metal its mean log-odds (not a \
            probability); --json puts them in an "explanation" object of the property (docs/learning.md). \
            Structures that cannot be \
            evaluated (unsupported elements, relaxations that do not converge, refused fits) are reported on stderr; the exit \
            code is then 1.
            """)

    @OptionGroup var inputs: StructureFiles

    @Option(name: .customLong("property"), help: "A property to compute (repeatable).")
    var properties: [String] = []

    @Option(help: "Learned models: structure (composition and CHGNet's description of the structure) or composition (composition alone; faster, for screening).")
    var model = FeatureSet.structure

    @Flag(help: "Print one JSON array with a record per structure.")
    var json = false

    @Flag(help: "Explain learned properties by their TreeSHAP feature contributions.")
    var explain = false

    @Option(help: "Contributions shown per explained property (with --explain; default 8).")
    var top: Int?

    @OptionGroup var chgnet: CHGNetOptions

    func validate() throws {
        guard !properties.isEmpty else { throw ValidationError("name at least one --property") }
        for name in properties where PredictedProperty(rawValue: name) == nil {
            throw ValidationError("unknown property '\(name)'; known: \(PredictedProperty.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if explain, let name = properties.first(where: { LearnedProperty(rawValue: $0) == nil }) {
            throw ValidationError("--explain explains learned properties only (\(LearnedProperty.allCases.map(\.rawValue).joined(separator: ", "))); "
                                  + "'\(name)' comes from CHGNet")
        }
        if let top {
            guard explain else { throw ValidationError("--top needs --explain") }
            guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        }
    }

    func run() throws {
        let wanted = properties.compactMap(PredictedProperty.init(rawValue:))
        let (entries, skipped) = try inputs.loadReadable(command: "predict")
        let needsCHGNet = model == .structure || wanted.contains { LearnedProperty(rawValue: $0.rawValue) == nil }
        let calculator = needsCHGNet ? try chgnet.model() : nil
        var learned: [PredictedProperty: LearnedPropertyPredictor] = [:]
        for p in wanted {
            if let l = LearnedProperty(rawValue: p.rawValue) { learned[p] = try LearnedPropertyPredictor(property: l, features: model, chgnet: calculator) }
        }
        let physical = wanted.allSatisfy { learned[$0] != nil } ? nil : calculator
        var records: [[String: Any]] = []
        var failed = skipped > 0
        // Structures run side by side (one per core), reported in input order as they complete.
        var done: [Int: Outcome] = [:], reported = 0
        _ = WorkQueue.map(entries.count, progress: { _, finished in
            done[finished.index] = finished
            while let outcome = done.removeValue(forKey: reported) {
                outcome.errors.forEach { printError($0) }
                failed = failed || !outcome.errors.isEmpty
                if json { records.append(outcome.record) } else { print(outcome.lines.joined(separator: "\n")) }
                reported += 1
            }
        }) { i -> Outcome in
            let input = entries[i]
            var outcome = Outcome(index: i, record: ["file": input.name, "formula": input.structure.formula],
                                  lines: ["\(input.name): \(input.structure.formula) (\(input.structure.count) sites)"])
            var evaluation = physical.map { Evaluation(structure: input.structure, calculator: $0) }
            for p in wanted {
                do {
                    let (value, text) = try learned[p].map { try learnedReport(p.rawValue, $0, input.structure) }
                        ?? evaluation!.report(p)
                    outcome.record[p.rawValue] = value
                    outcome.lines.append(text)
                } catch {
                    outcome.errors.append("kiln predict: \(input.name): \(p.rawValue): \(describe(error))")
                }
            }
            return outcome
        }
        if json { print(try jsonText(records)) }
        if failed { throw ExitCode.failure }
    }
}

extension PredictCommand {
    /// What one structure's properties came to: its JSON record, text lines and error lines.
    private struct Outcome {
        var index: Int
        var record: [String: Any]
        var lines: [String]
        var errors: [String] = []
    }

    /// The JSON value and text lines of a learned property, with its explanation under --explain.
    private func learnedReport(_ name: String, _ predictor: LearnedPropertyPredictor, _ structure: Structure) throws -> (Any, String) {
        let predicted = try predictor.predict(structure, explained: explain)
        let (value, text) = valueReport(name, predicted.value)
        guard let explanation = predicted.explanation, var record = value as? [String: Any] else { return (value, text) }
        let e = try explanation.get(), shown = e.contributions.prefix(top ?? 8)
        record["explanation"] = [
            "method": "TreeSHAP", "unit": e.unit, "base": e.base, "prediction": e.prediction,
            "contributions": shown.map { ["feature": $0.feature, "value": $0.value, "contribution": $0.contribution] as [String: Any] },
        ] as [String: Any]
        var lines = [text, String(format: "    TreeSHAP (%@): base %.4g, explained %.4g; top %d of %d contributions",
                                  e.unit, e.base, e.prediction, shown.count, e.contributions.count)]
        lines += shown.map { String(format: "    %+.3f %@  %@ = %.4g", $0.contribution, e.unit, $0.feature, $0.value) }
        return (record, lines.joined(separator: "\n"))
    }
}

/// The names `kiln predict --property` accepts: the `PhysicalProperty` keys they share, the
/// two multi-valued results, and the `LearnedProperty` keys.
enum PredictedProperty: String, CaseIterable {
    case bulkModulus = "bulk_modulus"
    case shearModulus = "shear_modulus"
    case elasticTensor = "elastic_tensor"
    case eos
    case magneticDensity = "magnetic_density"
    case magneticMoment = "magnetic_moment"
    case density
    case volumePerAtom = "volume_per_atom"
    case bandGap = "band_gap"
    case formationEnergy = "formation_energy"
    case isMetal = "is_metal"
}

/// The JSON value and text line of one value ± σ.
private func valueReport(_ name: String, _ v: PropertyValue) -> (Any, String) {
    var json: [String: Any] = ["mean": v.mean, "unit": v.unit]
    if let s = v.sigma { json["sigma"] = s }
    let sigma = v.sigma.map { String(format: " ± %.4g", $0) } ?? ""
    return (json, "  \(name) = " + String(format: "%.6g", v.mean) + sigma + " \(v.unit)")
}

/// One structure's calculations, each run at most once however many properties need it.
private struct Evaluation {
    let structure: Structure
    let calculator: any Calculator
    private var elastic: ElasticCalculator.Result?
    private var eos: EOSCalculator.Result?
    private var magnetism: MagneticSummary?

    init(structure: Structure, calculator: any Calculator) {
        self.structure = structure
        self.calculator = calculator
    }

    /// The JSON value and the text lines of property `p`.
    mutating func report(_ p: PredictedProperty) throws -> (Any, String) {
        switch p {
        case .bulkModulus: return scalar(p, try elasticResult().tensor.kVRH)
        case .shearModulus: return scalar(p, try elasticResult().tensor.gVRH)
        case .magneticDensity: return scalar(p, try magneticSummary().magneticDensity)
        case .magneticMoment: return scalar(p, try magneticSummary().totalMoment)
        case .density: return scalar(p, try magneticSummary().density)
        case .volumePerAtom: return scalar(p, try magneticSummary().volumePerAtom)
        case .bandGap, .formationEnergy, .isMetal:
            throw PropertyError.undefined("\(p.rawValue) comes from a learned model, not from the calculator")
        case .elasticTensor:
            let t = try elasticResult().tensor
            let json: [String: Any] = [
                "voigt_GPa": t.voigt, "k_voigt": t.kVoigt, "k_reuss": t.kReuss, "k_vrh": t.kVRH,
                "g_voigt": t.gVoigt, "g_reuss": t.gReuss, "g_vrh": t.gVRH, "youngs_modulus": t.youngsModulus,
                "poisson_ratio": t.poissonRatio, "eigenvalues_GPa": t.eigenvalues, "born_stable": t.isMechanicallyStable,
            ]
            var lines = ["  elastic tensor (GPa, Voigt xx yy zz yz xz xy)"]
            lines += t.voigt.map { "    " + $0.map { String(format: "%9.2f", $0) }.joined(separator: " ") }
            lines.append(String(format: "  K  Voigt %.2f  Reuss %.2f  Hill %.2f GPa", t.kVoigt, t.kReuss, t.kVRH))
            lines.append(String(format: "  G  Voigt %.2f  Reuss %.2f  Hill %.2f GPa", t.gVoigt, t.gReuss, t.gVRH))
            lines.append(String(format: "  Young's modulus %.2f GPa, Poisson ratio %.3f", t.youngsModulus, t.poissonRatio))
            lines.append("  Born stability: " + (t.isMechanicallyStable ? "stable" : "unstable")
                + String(format: " (smallest eigenvalue %.2f GPa)", t.eigenvalues[0]))
            return (json, lines.joined(separator: "\n"))
        case .eos:
            let r = try eosResult(), f = r.fit
            let json: [String: Any] = [
                "volumes_A3": r.volumes, "energies_eV": r.energies, "e0_eV": f.e0, "v0_A3": f.v0,
                "b0_GPa": f.b0GPa, "b0_sigma_GPa": f.b0StandardErrorGPa as Any, "b1": f.b1, "r2": f.r2,
            ]
            let sigma = f.b0StandardErrorGPa.map { String(format: " ± %.2f", $0) } ?? ""
            let text = String(format: "  eos (Birch–Murnaghan): E0 %.4f eV, V0 %.3f Å³, B0 %.2f", f.e0, f.v0, f.b0GPa)
                + sigma + String(format: " GPa, B0′ %.2f, R² %.5f", f.b1, f.r2)
            return (json, text)
        }
    }

    /// A physics-based value (σ nil) in its `PhysicalProperty` unit.
    private func scalar(_ p: PredictedProperty, _ mean: Double) -> (Any, String) {
        valueReport(p.rawValue, PropertyValue(mean: mean, unit: PhysicalProperty(rawValue: p.rawValue)!.unit))
    }

    private mutating func elasticResult() throws -> ElasticCalculator.Result {
        if let elastic { return elastic }
        let r = try ElasticCalculator(calculator: calculator).calculate(structure)
        elastic = r
        return r
    }

    private mutating func eosResult() throws -> EOSCalculator.Result {
        if let eos { return eos }
        let r = try EOSCalculator(calculator: calculator).calculate(structure)
        eos = r
        return r
    }

    private mutating func magneticSummary() throws -> MagneticSummary {
        if let magnetism { return magnetism }
        let m = try MagneticSummary(structure: structure, calculator: calculator)
        magnetism = m
        return m
    }
}
