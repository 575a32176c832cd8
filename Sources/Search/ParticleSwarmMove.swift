import Crystal
import Foundation
import Generation

/// The swarm update of one particle in the parameter space of its template, with its bounds: edges
/// within `edgeFactor` × ∛(estimated volume), cell volume rescaled into `volumeFactor` × the
/// estimate, angles within the ranges `RandomSymmetricGenerator` draws from (which keep every
/// triclinic cell non-degenerate), coordinates wrapped into [0, 1).
struct ParticleSwarmMove {
    let template: WyckoffCell.Template
    let inertia: Double
    let cognitive: Double
    let social: Double
    /// Estimated cell volume (Å³) of the template's composition.
    let volume: Double

    /// Draws of (r1, r2) tried before a move that cannot be spaced is given up.
    static let tries = 10
    static let edgeFactor = (1.0 / 3)...3.0
    static let volumeFactor = 0.5...2.0
    /// Largest coordinate speed: half a period (a longer step is a shorter one the other way).
    static let maxCoordinateSpeed = 0.5

    /// Difference a − b, for coordinates to the nearest periodic image.
    static func difference(_ a: Double, _ b: Double, _ kind: WyckoffCell.Parameter) -> Double {
        let d = a - b
        return kind == .coordinate ? d - d.rounded(.toNearestOrEven) : d
    }

    /// v ← w·v + c1·r1·(pbest − x) + c2·r2·(gbest − x), x ← x + v, then the bounds.
    func step(x: [Double], v: [Double], pbest: [Double], gbest: [Double],
              rng: inout SeededGenerator) -> (x: [Double], v: [Double]) {
        let kinds = template.parameters
        var nx = x, nv = v
        for i in kinds.indices {
            let r1 = Double.random(in: 0..<1, using: &rng), r2 = Double.random(in: 0..<1, using: &rng)
            var vi = inertia * v[i] + cognitive * r1 * Self.difference(pbest[i], x[i], kinds[i])
                + social * r2 * Self.difference(gbest[i], x[i], kinds[i])
            if kinds[i] == .coordinate {
                vi = min(max(vi, -Self.maxCoordinateSpeed), Self.maxCoordinateSpeed)
                let xi = x[i] + vi
                nx[i] = xi - xi.rounded(.down)
            } else {
                nx[i] = x[i] + vi
            }
            nv[i] = vi
        }
        return (bounded(nx), nv)
    }

    private func bounded(_ x: [Double]) -> [Double] {
        var x = x
        let kinds = template.parameters
        let angles: ClosedRange<Double> = template.spaceGroup <= 2 ? 70...110 : 75...115
        for i in kinds.indices where kinds[i] == .angle { x[i] = min(max(x[i], angles.lowerBound), angles.upperBound) }
        let edges = (Self.edgeFactor.lowerBound * cbrt(volume))...(Self.edgeFactor.upperBound * cbrt(volume))
        for i in kinds.indices where kinds[i] == .length { x[i] = min(max(x[i], edges.lowerBound), edges.upperBound) }
        let v = WyckoffCell(template: template, parameters: x).lattice.volume
        let wanted = min(max(v, Self.volumeFactor.lowerBound * volume), Self.volumeFactor.upperBound * volume)
        if v != wanted {
            let k = cbrt(wanted / v)
            for i in kinds.indices where kinds[i] == .length { x[i] *= k }
        }
        return x
    }
}

/// The swarm as the history tells it: each particle's evaluations since it was last generated,
/// and every evaluated particle by template.
struct Swarm {
    struct Entry {
        let id: String
        let particle: Int
        let template: WyckoffCell.Template
        let position: [Double]
        let velocity: [Double]
        let fitness: Double?
    }

    /// Per particle, its entries since its last regeneration, oldest first.
    private(set) var segments: [Int: [Entry]] = [:]
    private var byTemplate: [WyckoffCell.Template: [Entry]] = [:]
    let size: Int

    init(_ told: [ParticleSwarmSearch.Told], size: Int) {
        self.size = size
        for t in told {
            guard let p = t.particle, p.index < size else { continue }
            let e = Entry(id: t.evaluation.id, particle: p.index, template: p.cell.template, position: p.position,
                          velocity: p.velocity, fitness: ParticleSwarmSearch.fitness(t.evaluation))
            if t.evaluation.provenance.operation == "swarm" {
                segments[p.index, default: []].append(e)
            } else {
                segments[p.index] = [e]
            }
            byTemplate[e.template, default: []].append(e)
        }
    }

    /// The particle's last entry.
    func latest(_ k: Int) -> Entry? { segments[k]?.last }

    /// The particle's best relaxed entry since it was generated.
    func best(particle k: Int) -> Entry? { Self.best(segments[k] ?? []) }

    /// The best relaxed entry of any particle with this template; nil when no other particle than
    /// `k` has a relaxed entry of it.
    func best(template: WyckoffCell.Template, comparableTo k: Int) -> Entry? {
        let entries = byTemplate[template] ?? []
        guard entries.contains(where: { $0.particle != k && $0.fitness != nil }) else { return nil }
        return Self.best(entries)
    }

    private static func best(_ entries: [Entry]) -> Entry? {
        entries.filter { $0.fitness != nil }.min { $0.fitness! < $1.fitness! }
    }

    /// The `share` of the swarm whose last entries are worst (no fitness is worst; ties: higher index first).
    func worst(share: Double) -> Set<Int> {
        let n = Int((share * Double(size)).rounded(.down))
        let ranked = segments.keys.sorted { a, b in
            let fa = latest(a)?.fitness ?? .infinity, fb = latest(b)?.fitness ?? .infinity
            return fa != fb ? fa > fb : a > b
        }
        return Set(ranked.prefix(n))
    }
}
