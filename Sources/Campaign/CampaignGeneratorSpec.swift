import Generation
import Search

extension CampaignSpec.GeneratorSpec {
    /// Reads one `[[generators]]` table; the keys of a kind are accepted only for that kind.
    init(_ g: inout TableReader, index i: Int) throws {
        let kindText = try g.string("kind") ?? ""
        guard let kind = Kind(rawValue: kindText) else {
            throw CampaignSpecError(key: "generators[\(i)].kind", reason: "must be one of \(Kind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(kindText)'")
        }
        self.init(kind: kind, budget: try g.int("budget", in: 1...1_000_000) ?? 50,
                  seed: UInt64(try g.int("seed", in: 0...Int.max) ?? 0),
                  maxAttempts: try g.int("max_attempts", in: 1...1_000_000) ?? 200,
                  timeLimit: try g.double("time_limit", in: 0.1...86_400) ?? 60)
        if kind == .evolutionary {
            var p = EvolutionParameters()
            for (key, path) in [("heredity", \EvolutionParameters.heredity), ("strain", \.strain), ("permutation", \.permutation),
                                ("perturbation", \.perturbation), ("transmutation", \.transmutation), ("injection", \.injection)] {
                p[keyPath: path] = try g.double(key, in: 0...1000) ?? p[keyPath: path]
            }
            p.populationSize = try g.int("population_size", in: 1...100_000) ?? p.populationSize
            p.tournamentSize = try g.int("tournament_size", in: 1...1000) ?? p.tournamentSize
            p.substitutionSeeds = try g.int("substitution_seeds", in: 0...100_000) ?? p.substitutionSeeds
            p.attemptsPerChild = try g.int("attempts_per_child", in: 1...10_000) ?? p.attemptsPerChild
            p.strainSigma = try g.double("strain_sigma", in: 0...2) ?? p.strainSigma
            p.displacement = try g.double("displacement", in: 0...5) ?? p.displacement
            do { try p.validate() } catch GenerationError.invalidTarget(let why) {
                throw CampaignSpecError(key: "generators[\(i)]", reason: why)
            }
            evolution = p
        }
        if kind == .particleSwarm {
            var p = ParticleSwarmSearch.Parameters()
            p.swarmSize = try g.int("swarm_size", in: 1...100_000) ?? p.swarmSize
            p.inertia = try g.double("inertia", in: 0...0.999) ?? p.inertia
            p.cognitive = try g.double("cognitive", in: 0...10) ?? p.cognitive
            p.social = try g.double("social", in: 0...10) ?? p.social
            p.regenerationShare = try g.double("regeneration_share", in: 0...1) ?? p.regenerationShare
            swarm = p
        }
        try g.finish()
    }
}
