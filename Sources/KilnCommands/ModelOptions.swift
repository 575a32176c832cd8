import ArgumentParser
import Foundation
import Potentials

/// `--model NAME` (and CHGNet's `--engine`) for the commands that judge with a universal potential.
public struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The universal potential.", valueName: "name"))
    public var model: PotentialModel = .default

    @Option(help: "CHGNet engine: fused (fast kernels, default) or tensor (Tensor ops, forces and stress by autodiff). CHGNet only.")
    public var engine: CHGNet.Engine?

    public init() {}

    public func validate() throws {
        if engine != nil && model != .chgnet {
            throw ValidationError("--engine applies to --model chgnet only, not \(model.rawValue)")
        }
    }

    /// The chosen model with its engine; a failure to load it is a run-time error.
    public func load() throws -> LoadedPotential {
        guard let engine else { return try Self.load(model) }
        do { return try LoadedPotential(model, calculator: try CHGNet(engine: engine)) } catch {
            throw CommandError("cannot load \(model.rawValue): \(describe(error))")
        }
    }

    /// `model` with its bundled weights; a failure to load it is a run-time error.
    public static func load(_ model: PotentialModel) throws -> LoadedPotential {
        do { return try LoadedPotential(model) } catch { throw CommandError("cannot load \(model.rawValue): \(describe(error))") }
    }

    /// The model (and a non-default engine) in words, e.g. "chgnet" or "chgnet (tensor engine)".
    public var summary: String { model.rawValue + (engine.map { $0 == .fused ? "" : " (\($0) engine)" } ?? "") }
}

/// `--committee a,b`: other models that judge each relaxed structure by a single point.
public struct CommitteeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Other models that judge each relaxed structure by a single point, comma-separated: "
                               + "each model's E_hull and their spread.", valueName: "names"))
    public var committee: String?

    public init() {}

    /// The models: known, distinct and not `main`; empty without the option.
    public func models(main: PotentialModel) throws -> [PotentialModel] {
        guard let committee else { return [] }
        let models = try committee.split(separator: ",", omittingEmptySubsequences: false).map { name in
            let name = name.trimmingCharacters(in: .whitespaces)
            guard let m = PotentialModel(rawValue: name) else {
                throw ValidationError("--committee: unknown model '\(name)'; use \(PotentialModel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return m
        }
        if let m = models.first(where: { m in m == main || models.filter { $0 == m }.count > 1 }) {
            throw ValidationError("--committee: '\(m.rawValue)' is " + (m == main ? "--model; list the other models" : "listed twice"))
        }
        return models
    }
}

extension PotentialModel: ExpressibleByArgument {}
