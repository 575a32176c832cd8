import Crystal
import Foundation

/// CHGNet (Deng et al., Nat. Mach. Intell. 5, 1031 (2023)), pretrained model 0.3.0, as a
/// `Calculator`: energy (the network energy plus AtomRef), forces −∂E/∂r, stress
/// (1/V)·∂E/∂ε in GPa with CHGNet's (ASE's) sign (V = a·(b×c), signed, as CHGNet has it),
/// and site magnetic moments (µB).
/// The pass runs in float32 like CHGNet; geometry and gradients of the geometry in Double.
public struct CHGNet: Calculator {
    /// How the pass is evaluated; both give the same results within float32 rounding.
    public enum Engine: String, Sendable, CaseIterable {
        /// Fused float32 kernels with a hand-derived backward pass (fast; the default).
        case fused
        /// `Tensor` operations with forces and stress by reverse-mode autodiff on a `Tape`.
        case tensor
    }

    public let config: CHGNetConfig
    let weights: CHGNetWeights
    /// The engine `calculate` uses.
    public var engine: Engine = .fused
    /// Structures whose graph would need more memory than this (bytes) are refused with
    /// `CalculatorError.graphTooLarge` before the graph is built. Default 4 GB.
    public var memoryLimit: Int = 4_000_000_000

    public var name: String { "CHGNet \(config.version)" }

    /// Loads the bundled CHGNet 0.3.0 weights (Resources/chgnet-0.3.0, BSD-3-Clause-LBNL, see LICENSE.chgnet).
    public init(engine: Engine = .fused) throws {
        guard let dir = Bundle.module.url(forResource: "chgnet-0.3.0", withExtension: nil) else {
            throw CalculatorError.modelFile("bundled resource chgnet-0.3.0 not found")
        }
        try self.init(directory: dir)
        self.engine = engine
    }

    /// Loads a model directory holding `config.json` and `weights.safetensors`. Programs should
    /// call `ProcessSettings.applyForInference()` (module Tensor) once first: the pass splits
    /// rows over cores itself and expects single-threaded OpenBLAS.
    public init(directory: URL) throws {
        config = try CHGNetConfig(contentsOf: directory.appendingPathComponent("config.json"))
        weights = try CHGNetWeights(SafeTensors(contentsOf: directory.appendingPathComponent("weights.safetensors")))
    }

    /// The crystal graph CHGNet would build for `structure` (checks elements and size first).
    public func graph(for structure: Structure) throws -> CHGNetGraph {
        try check(structure)
        return try CHGNetGraph(structure: structure, atomCutoff: config.atomGraphCutoff,
                               bondCutoff: config.bondGraphCutoff, memoryLimit: memoryLimit)
    }

    public func calculate(_ structure: Structure, properties: Properties) throws -> CalculationResult {
        try calculate(structure, graph: graph(for: structure), properties: properties)
    }

    /// Evaluates `structure` on a graph built beforehand (by `graph(for:)` on this structure
    /// or on one with the same sites and only slightly different geometry).
    public func calculate(_ structure: Structure, graph: CHGNetGraph, properties: Properties) throws -> CalculationResult {
        guard graph.atoms == structure.count else {
            throw CalculatorError.invalidStructure("graph has \(graph.atoms) atoms, structure \(structure.count)")
        }
        let z = structure.atomicNumbers
        let wantGradients = !properties.isDisjoint(with: [.forces, .stress])
        let (frac, lattice) = (structure.fracCoords, structure.lattice.matrix)
        let out = switch engine {
        case .fused:
            CHGNetPass(weights: weights, config: config, graph: graph)
                .run(atomicNumbers: z, frac: frac, lattice: lattice, gradients: wantGradients)
        case .tensor:
            CHGNetTensorPass(weights: weights, config: config, graph: graph)
                .run(atomicNumbers: z, frac: frac, lattice: lattice, gradients: wantGradients)
        }
        var result = CalculationResult(energy: out.networkEnergy + atomReferenceEnergy(z))
        if properties.contains(.forces) { result.forces = out.positionGradient.map { -$0 } }
        if properties.contains(.stress), let g = out.strainGradient {
            // CHGNet divides by the signed volume a·(b×c), so a left-handed cell gets the
            // opposite sign; reproduced here to agree with CHGNet.
            result.stress = g * (config.stressUnitFactor / structure.lattice.signedVolume)
        }
        if properties.contains(.magmoms) { result.magmoms = out.magmoms }
        return result
    }

    /// Wall time (s) of each stage of one fused energy + forces + stress evaluation of
    /// `structure`, graph construction first, in the order the stages run (profiling).
    public func stageTimes(_ structure: Structure) throws -> [(stage: String, seconds: Double)] {
        let clock = StageClock()
        let g = try graph(for: structure)
        clock.mark("graph")
        var pass = CHGNetPass(weights: weights, config: config, graph: g)
        pass.clock = clock
        _ = pass.run(atomicNumbers: structure.atomicNumbers, frac: structure.fracCoords,
                     lattice: structure.lattice.matrix, gradients: true)
        return clock.stages
    }

    /// Σ of CHGNet's AtomRef energies over the sites (eV).
    func atomReferenceEnergy(_ z: [Int]) -> Double {
        z.reduce(0.0) { $0 + Double(weights.atomReference[$1 - 1]) }
    }

    private func check(_ s: Structure) throws {
        guard s.count > 0 else { throw CalculatorError.invalidStructure("structure has no sites") }
        if let i = s.disorderedSiteIndices.first {
            throw CalculatorError.invalidStructure("site \(i) is disordered (partial occupancy); CHGNet needs an ordered structure")
        }
        for (i, site) in s.sites.enumerated() where !(1...CHGNetWeights.elements).contains(site.element.z) {
            throw CalculatorError.unsupportedElement("\(site.element.symbol) (site \(i)): CHGNet covers H–Pu (Z 1–94)")
        }
        let lattice = s.lattice.problems(allowLeftHanded: true)
        if !lattice.isEmpty { throw CalculatorError.invalidStructure(lattice.joined(separator: "; ")) }
        if s.sites.contains(where: { !($0.frac.x.isFinite && $0.frac.y.isFinite && $0.frac.z.isFinite) }) {
            throw CalculatorError.invalidStructure("site coordinates contain NaN or infinite values")
        }
    }
}
