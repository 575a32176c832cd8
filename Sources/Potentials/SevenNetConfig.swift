import Foundation
import KilnSupport
import Tensor

/// The architecture of a converted SevenNet or HIENet checkpoint (`config.json` written by
/// scripts/convert_sevennet.py): cutoff and radial basis, HIENet's invariant attention layers, and
/// per interaction layer the irreps, tensor-product paths, convolution denominator and activation
/// constants.
public struct SevenNetConfig: Sendable, Decodable {
    /// Kiln's name of the model, e.g. "sevennet-0".
    public var model: String
    /// Checkpoint and package version it was converted from.
    public var version: String
    /// Neighbour cutoff r_c (Å).
    public var cutoff: Double
    public var cutoffFunction: CutoffFunction
    /// Prefactor of the Bessel basis (2 / r_c).
    public var besselPrefactor: Double
    public var lmax: Int
    /// Atomic numbers in the model's species order.
    public var species: [Int]
    /// Invariant attention layers on the embedded scalars before the interactions (HIENet; none in SevenNet).
    public var invariantLayers: [InvariantLayer]
    public var layers: [Layer]
    /// eV/Å³ → GPa.
    public var stressUnitFactor: Double

    /// Smooth envelope of the radial basis.
    public struct CutoffFunction: Sendable, Decodable {
        /// "xplor" (switch between r_on and r_c) or "poly_cut" (NequIP's polynomial, exponent p).
        public var name: String
        public var rOn: Double?
        public var p: Int?

        enum CodingKeys: String, CodingKey {
            case name, p
            case rOn = "r_on"
        }
    }

    /// One invariant attention layer of width `channels` (see `InvariantAttention`).
    public struct InvariantLayer: Sendable, Decodable {
        public var channels: Int
        public var layerNormEpsilon: Double

        enum CodingKeys: String, CodingKey {
            case channels
            case layerNormEpsilon = "layer_norm_epsilon"
        }
    }

    /// One NequIP interaction: self-connection, linear, convolution, linear, gate.
    public struct Layer: Sendable, Decodable {
        public var irrepsIn: [IrrepBlock]
        public var irrepsGateIn: [IrrepBlock]
        public var irrepsOut: [IrrepBlock]
        public var scalars: Int
        public var gates: Int
        public var scalarActivationConstant: Double
        public var gateActivationConstant: Double?
        public var convDenominator: Double
        public var instructions: [TensorProductPath]
        public var radialHidden: [Int]
        public var radialActivationConstant: Double

        enum CodingKeys: String, CodingKey {
            case scalars, gates, instructions
            case irrepsIn = "irreps_in", irrepsGateIn = "irreps_gate_in", irrepsOut = "irreps_out"
            case scalarActivationConstant = "scalar_activation_constant"
            case gateActivationConstant = "gate_activation_constant"
            case convDenominator = "conv_denominator"
            case radialHidden = "radial_hidden"
            case radialActivationConstant = "radial_activation_constant"
        }
    }

    enum CodingKeys: String, CodingKey {
        case model, version, cutoff, lmax, species, layers
        case cutoffFunction = "cutoff_function"
        case besselPrefactor = "bessel_prefactor"
        case stressUnitFactor = "stress_unit_factor_eV_per_A3_to_GPa"
        case invariantLayers = "invariant_layers"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        version = try c.decode(String.self, forKey: .version)
        cutoff = try c.decode(Double.self, forKey: .cutoff)
        cutoffFunction = try c.decode(CutoffFunction.self, forKey: .cutoffFunction)
        besselPrefactor = try c.decode(Double.self, forKey: .besselPrefactor)
        lmax = try c.decode(Int.self, forKey: .lmax)
        species = try c.decode([Int].self, forKey: .species)
        invariantLayers = try c.decodeIfPresent([InvariantLayer].self, forKey: .invariantLayers) ?? []
        layers = try c.decode([Layer].self, forKey: .layers)
        stressUnitFactor = try c.decode(Double.self, forKey: .stressUnitFactor)
    }

    /// Reads and checks a `config.json`.
    public init(contentsOf url: URL) throws {
        do {
            self = try JSONDecoder().decode(SevenNetConfig.self, from: Data(contentsOf: url))
        } catch {
            throw CalculatorError.modelFile("\(url.path): \(ErrorText.describe(error))")
        }
        func fail(_ why: String) -> CalculatorError { .modelFile("\(url.path): \(why)") }
        guard cutoff > 0, !layers.isEmpty, !species.isEmpty else { throw fail("needs a positive cutoff, layers and species") }
        guard (0...3).contains(lmax) else { throw fail("lmax \(lmax) outside 0...3") }
        switch cutoffFunction.name {
        case "xplor": guard let r = cutoffFunction.rOn, r > 0, r < cutoff else { throw fail("xplor needs 0 < r_on < cutoff") }
        case "poly_cut": guard let p = cutoffFunction.p, p > 0 else { throw fail("poly_cut needs p > 0") }
        default: throw fail("unknown cutoff function '\(cutoffFunction.name)'")
        }
        let channels = layers[0].irrepsIn.first { $0.degree == 0 }?.multiplicity ?? 0
        for (k, layer) in invariantLayers.enumerated() where layer.channels != channels || !(layer.layerNormEpsilon > 0) {
            throw fail("invariant layer \(k): width \(layer.channels) (the embedding has \(channels)) or a non-positive LayerNorm epsilon")
        }
        for (k, layer) in layers.enumerated() {
            let degrees = Set(layer.irrepsIn.map(\.degree))
            guard layer.instructions.allSatisfy({ degrees.contains($0.l1) && $0.l2 <= lmax && $0.l3 <= lmax }) else {
                throw fail("layer \(k): a tensor-product path uses a degree the layer does not have")
            }
            let gated = layer.irrepsGateIn.filter { $0.degree > 0 }.reduce(0) { $0 + $1.multiplicity }
            guard gated == layer.gates, gated == 0 || layer.gateActivationConstant != nil else {
                throw fail("layer \(k): \(layer.gates) gates for \(gated) gated channels")
            }
        }
    }
}
