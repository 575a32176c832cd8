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
        if kind == .rlComposition {
            var p = RLCompositionSearch.Parameters()
            if let a = try g.string("agent") {
                guard let agent = RLCompositionSearch.Agent(rawValue: a) else {
                    throw CampaignSpecError(key: "generators[\(i)].agent", reason: "must be \"policy_gradient\" or \"deep_q\", not '\(a)'")
                }
                p.agent = agent
            }
            p.episodes = try g.int("episodes", in: 1...100_000) ?? p.episodes
            p.steps = try g.int("steps", in: 1...20) ?? p.steps
            p.maxAmount = try g.int("max_amount", in: 1...20) ?? p.maxAmount
            p.hidden = try g.int("hidden", in: 1...1024) ?? p.hidden
            p.learningRate = try g.double("learning_rate", in: 1e-6...1) ?? p.learningRate
            p.batchSize = try g.int("batch_size", in: 1...4096) ?? p.batchSize
            p.replayCapacity = try g.int("replay_capacity", in: 1...1_000_000) ?? p.replayCapacity
            p.targetSync = try g.int("target_sync", in: 1...100_000) ?? p.targetSync
            p.temperature = try g.double("temperature", in: 1e-6...100) ?? p.temperature
            p.weights.stability = try g.double("stability_weight", in: 0...100) ?? p.weights.stability
            p.weights.chargeBalance = try g.double("charge_balance_weight", in: 0...100) ?? p.weights.chargeBalance
            p.weights.novelty = try g.double("novelty_weight", in: 0...100) ?? p.weights.novelty
            p.weights.target = try g.double("target_weight", in: 0...100) ?? p.weights.target
            do { try p.validate() } catch GenerationError.invalidTarget(let why) {
                throw CampaignSpecError(key: "generators[\(i)]", reason: why)
            }
            agent = p
        }
        if kind == .diffusion {
            guard let model = try g.string("model"), !model.isEmpty else {
                throw CampaignSpecError(key: "generators[\(i)].model", reason: "a diffusion generator needs a model (a shipped name or a model.safetensors path)")
            }
            diffusion.model = model
            diffusion.guidance = try g.double("guidance", in: 0...100) ?? diffusion.guidance
            diffusion.stepSize = try g.double("step_size", in: 0...1)
            diffusion.property = try g.double("property", in: -1e6...1e6)
        }
        try g.finish()
    }
}
