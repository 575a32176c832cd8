import Campaign
import Crystal
import Search
import XCTest

/// `[loop]` and `[target] formulas`: values read, and every bad value named by its key.
final class LoopSpecTests: XCTestCase {
    let base = """
        [target]
        chemical_systems = ["Na-Cl"]
        [[generators]]
        kind = "random_symmetric"
        """

    func testReadsLoop() throws {
        let s = try CampaignSpec(toml: base + "\n[loop]\nrounds = 5\nbatch = 3\nmax_relaxations = 12\npatience = 2\nacquisition = \"ucb\"\npool_factor = 6\nkappa = 2\n")
        let loop = try XCTUnwrap(s.loop)
        XCTAssertEqual(loop.rounds, 5)
        XCTAssertEqual(loop.batch, 3)
        XCTAssertEqual(loop.maxRelaxations, 12)
        XCTAssertEqual(loop.patience, 2)
        XCTAssertEqual(loop.acquisition, .ucb(kappa: 2))
        XCTAssertEqual(loop.proposalsPerRound, 18)
        XCTAssertNil(try CampaignSpec(toml: base).loop, "no [loop]: one round")
    }

    func testReadsEvolutionKeys() throws {
        let s = try CampaignSpec(toml: base.replacingOccurrences(of: "random_symmetric\"", with: "evolutionary\"\nheredity = 0.7\npopulation_size = 12\ndisplacement = 0.2"))
        XCTAssertEqual(s.generators[0].kind, .evolutionary)
        XCTAssertEqual(s.generators[0].evolution.heredity, 0.7)
        XCTAssertEqual(s.generators[0].evolution.populationSize, 12)
        XCTAssertEqual(s.generators[0].evolution.displacement, 0.2)
        XCTAssertEqual(s.generators[0].evolution.strain, 0.1, "unset keys keep their defaults")
    }

    func testReadsDiffusionKeys() throws {
        let s = try CampaignSpec(toml: base.replacingOccurrences(of: "random_symmetric\"", with: "diffusion\"\nmodel = \"perov5\"\nguidance = 2\nproperty = 1.5"))
        XCTAssertEqual(s.generators[0].kind, .diffusion)
        XCTAssertEqual(s.generators[0].diffusion.model, "perov5")
        XCTAssertEqual(s.generators[0].diffusion.guidance, 2)
        XCTAssertEqual(s.generators[0].diffusion.property, 1.5)
        XCTAssertThrowsError(try CampaignSpec(toml: base.replacingOccurrences(of: "random_symmetric\"", with: "diffusion\""))) {
            XCTAssert("\($0)".contains("generators[0].model"), "\($0)")
        }
        XCTAssertThrowsError(try CampaignSpec(toml: base.replacingOccurrences(of: "random_symmetric\"", with: "random_symmetric\"\nmodel = \"x\"")),
                             "model is a diffusion key only")
    }

    func testFormulasSetTheSystems() throws {
        let s = try CampaignSpec(toml: "[target]\nformulas = [\"Mg2SiO4\", \"MgO\"]\nmax_atoms = 14\n[[generators]]\nkind = \"random_symmetric\"\n")
        XCTAssertEqual(s.formulas.map(\.reducedFormula), ["Mg2SiO4", "MgO"])
        XCTAssertEqual(s.chemicalSystems.map { $0.map(\.symbol) }, [["Mg", "O", "Si"], ["Mg", "O"]])
        XCTAssertFalse(s.requireChargeBalance, "structure prediction of given formulas does not ask for charge balance")
    }

    func testBadInputNamesTheKey() {
        let cases: [(String, String, String)] = [
            (base + "\n[loop]\nbatch = 0\n", "loop.batch", "between 1"),
            (base + "\n[loop]\nrounds = -2\n", "loop.rounds", "between 1"),
            (base + "\n[loop]\nacquisition = \"best\"\n", "loop.acquisition", "greedy"),
            (base + "\n[loop]\nkappa = 2\n", "loop.kappa", "ucb"),
            (base + "\n[loop]\npool_factor = 3\n", "loop.pool_factor", "acquisition"),
            (base + "\n[loop]\nmax_relaxations = 0\n", "loop.max_relaxations", "between 1"),
            (base + "\n[loop]\nround = 3\n", "loop.round", "unknown key"),
            (base.replacingOccurrences(of: "random_symmetric\"", with: "random_symmetric\"\nbudget = 0"),
             "generators[0].budget", "between 1"),
            ("[target]\nformulas = [\"Xy2O3\"]\n[[generators]]\nkind = \"random_symmetric\"\n", "target.formulas", "Xy"),
            ("[target]\nformulas = [\"Mg2SiO4\"]\nmax_atoms = 5\n[[generators]]\nkind = \"random_symmetric\"\n",
             "target.formulas", "more than max_atoms 5"),
            ("[target]\nformulas = [\"MgO\"]\nchemical_systems = [\"Mg-O\"]\n[[generators]]\nkind = \"random_symmetric\"\n",
             "target.formulas", "either"),
            (base.replacingOccurrences(of: "random_symmetric\"", with: "evolutionary\"\nheredity = -1"),
             "generators[0].heredity", "between 0"),
            (base.replacingOccurrences(of: "random_symmetric\"", with: "evolutionary\"\nheredity = 0\nstrain = 0\npermutation = 0\n"
                + "perturbation = 0\ntransmutation = 0\ninjection = 0"), "generators[0]", "at least one operator rate"),
            (base.replacingOccurrences(of: "random_symmetric\"", with: "evolutionary\"\npopulation_size = 0"),
             "generators[0].population_size", "between 1"),
            (base + "\nheredity = 0.5\n", "generators[0].heredity", "unknown key"),
            (base.replacingOccurrences(of: "random_symmetric\"", with: "rl_composition\"\nagent = \"sarsa\""),
             "generators[0].agent", "deep_q"),
            (base.replacingOccurrences(of: "random_symmetric\"", with: "rl_composition\"\nbatch_size = 64\nreplay_capacity = 10"),
             "generators[0]", "replay_capacity"),
            ("[target]\nformulas = [\"MgO\"]\n[[generators]]\nkind = \"rl_composition\"\n", "generators[0].kind", "formulas"),
            ("[target]\nformulas = [\"MgO0.5\"]\n[[generators]]\nkind = \"random_symmetric\"\n", "target.formulas", "whole"),
        ]
        for (text, key, words) in cases {
            XCTAssertThrowsError(try CampaignSpec(toml: text), key) { error in
                let e = error as? CampaignSpecError
                XCTAssertEqual(e?.key, key, "\(error)")
                XCTAssertTrue("\(error)".contains(words), "\(error)")
            }
        }
    }
}
