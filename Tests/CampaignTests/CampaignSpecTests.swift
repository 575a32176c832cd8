import Campaign
import Crystal
import Foundation
import XCTest

final class CampaignSpecTests: XCTestCase {
    let good = """
        name = "limno"
        output = "out/limno"
        [target]
        chemical_systems = ["Li-Mn-O"]
        forbidden_elements = ["Co"]
        max_atoms = 16
        [stability]
        threshold = 0.08
        [relax]
        fmax = 0.05
        steps = 300
        [objectives]
        supply_risk = 1.0
        [constraints]
        max_e_hull = 0.1
        max_elements = 3
        [[generators]]
        kind = "substitution"
        budget = 40
        seed = 3
        [[generators]]
        kind = "random_symmetric"
        budget = 10
        seed = 4
        time_limit = 20
        """

    func testParsesEveryKey() throws {
        let s = try CampaignSpec(toml: good)
        XCTAssertEqual(s.name, "limno")
        XCTAssertEqual(s.output, "out/limno")
        XCTAssertEqual(s.chemicalSystems.map { $0.map(\.symbol) }, [["Li", "Mn", "O"]])
        XCTAssertEqual(s.forbiddenElements, [try Element("Co")])
        XCTAssertEqual(s.maxAtoms, 16)
        XCTAssertEqual(s.stabilityThreshold, 0.08)
        XCTAssertEqual(s.relaxSteps, 300)
        XCTAssertEqual(s.objectives.supplyRisk, 1)
        XCTAssertEqual(s.constraints.maxEHull, 0.1)
        XCTAssertEqual(s.constraints.maxElements, 3)
        XCTAssertEqual(s.generators.map(\.kind), [.substitution, .randomSymmetric])
        XCTAssertEqual(s.generators[1].timeLimit, 20)
        XCTAssertEqual(s.generators[0].seed, 3)
    }

    /// The same campaign as JSON (`kiln serve` takes both) reads as the same spec: tables, arrays
    /// of tables, integers kept apart from reals; JSON's null and non-object documents refused.
    func testJSONIsTheSameCampaign() throws {
        let json = #"""
            {"name": "limno", "output": "out/limno",
             "target": {"chemical_systems": ["Li-Mn-O"], "forbidden_elements": ["Co"], "max_atoms": 16},
             "stability": {"threshold": 0.08}, "relax": {"fmax": 0.05, "steps": 300}, "objectives": {"supply_risk": 1.0},
             "constraints": {"max_e_hull": 0.1, "max_elements": 3},
             "generators": [{"kind": "substitution", "budget": 40, "seed": 3},
                            {"kind": "random_symmetric", "budget": 10, "seed": 4, "time_limit": 20}]}
            """#
        let fromJSON = try CampaignSpec(toml: try CampaignSpec.toml(fromJSON: Data(json.utf8)))
        let fromTOML = try CampaignSpec(toml: good)
        XCTAssertEqual(fromJSON.name, fromTOML.name)
        XCTAssertEqual(fromJSON.chemicalSystems, fromTOML.chemicalSystems)
        XCTAssertEqual(fromJSON.forbiddenElements, fromTOML.forbiddenElements)
        XCTAssertEqual(fromJSON.maxAtoms, 16)
        XCTAssertEqual(fromJSON.stabilityThreshold, 0.08)
        XCTAssertEqual(fromJSON.constraints.maxElements, 3)
        XCTAssertEqual(fromJSON.generators.map(\.kind), fromTOML.generators.map(\.kind))
        XCTAssertEqual(fromJSON.generators.map(\.seed), [3, 4])
        XCTAssertEqual(fromJSON.generators[1].timeLimit, 20)
        // A real where TOML wants an integer is the campaign's own error, naming the key.
        let real = try CampaignSpec.toml(fromJSON: Data(#"{"target": {"chemical_systems": ["Na-Cl"], "max_atoms": 4.5}}"#.utf8))
        XCTAssertThrowsError(try CampaignSpec(toml: real)) { XCTAssertEqual(($0 as? CampaignSpecError)?.key, "target.max_atoms") }
        XCTAssertThrowsError(try CampaignSpec.toml(fromJSON: Data(#"{"relax": {"steps": null}}"#.utf8))) {
            XCTAssertEqual(($0 as? CampaignSpecError)?.key, "relax.steps")
        }
        XCTAssertThrowsError(try CampaignSpec.toml(fromJSON: Data("[1]".utf8)))
        XCTAssertThrowsError(try CampaignSpec.toml(fromJSON: Data("{".utf8))) { XCTAssertTrue("\($0)".contains("not valid JSON")) }
    }

    func testDefaults() throws {
        let s = try CampaignSpec(toml: "[target]\nchemical_systems=[\"Na-Cl\"]\n[[generators]]\nkind=\"substitution\"\n", defaultOutput: "x")
        XCTAssertEqual(s.maxAtoms, 20)
        XCTAssertEqual(s.stabilityThreshold, 0.1)
        XCTAssertEqual(s.fmax, 0.05)
        XCTAssertEqual(s.relaxSteps, 500)
        XCTAssertTrue(s.requireChargeBalance)
        XCTAssertEqual(s.name, "x")
    }

    func testBadKeysAndValuesNameTheKey() {
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: "max_atoms = 16", with: "max_atom = 16"), "target.max_atom"),
            (good.replacingOccurrences(of: "max_atoms = 16", with: "max_atoms = -3"), "target.max_atoms"),
            (good.replacingOccurrences(of: "\"Li-Mn-O\"", with: "\"Li-Xx-O\""), "target.chemical_systems"),
            (good.replacingOccurrences(of: "kind = \"substitution\"", with: "kind = \"magic\""), "generators[0].kind"),
            (good.replacingOccurrences(of: "threshold = 0.08", with: "threshold = \"low\""), "stability.threshold"),
            (good.replacingOccurrences(of: "name = \"limno\"", with: "nmae = \"limno\""), "nmae"),
            ("[target]\nchemical_systems=[\"Na-Cl\"]\n", "generators"),
            // A name is a folder under kiln-out/: no escaping it (issue 12, hostile input 1).
            (good.replacingOccurrences(of: "name = \"limno\"", with: "name = \"../../x\""), "name"),
            (good.replacingOccurrences(of: "name = \"limno\"", with: "name = \"a/b\""), "name"),
            (good.replacingOccurrences(of: "name = \"limno\"", with: "name = \"\""), "name"),
            // An empty element list is reported as such, not as "forbids every target element".
            ("[target]\nelements = []\n[[generators]]\nkind = \"substitution\"\n", "target.chemical_systems"),
        ]
        for (text, key) in cases {
            XCTAssertThrowsError(try CampaignSpec(toml: text), key) { error in
                XCTAssertEqual((error as? CampaignSpecError)?.key, key, "\(error)")
            }
        }
        XCTAssertThrowsError(try CampaignSpec(toml: "name = \"unterminated")) { error in
            XCTAssertTrue("\(error)".contains("line 1"), "\(error)")
        }
    }
}

/// `[stability] margin`: "measured" (the default) or a number of eV/atom ≥ 0.
final class StabilityMarginSpecTests: XCTestCase {
    private func spec(_ margin: String?) throws -> CampaignSpec {
        let line = margin.map { "margin = \($0)\n" } ?? ""
        return try CampaignSpec(toml: "[target]\nchemical_systems=[\"Na-Cl\"]\n[stability]\n\(line)[[generators]]\nkind=\"substitution\"\n")
    }

    func testGoodValues() throws {
        XCTAssertEqual(try spec(nil).stabilityMargin, .measured)
        XCTAssertEqual(try spec("\"measured\"").stabilityMargin, .measured)
        XCTAssertEqual(try spec("0").stabilityMargin, .fixed(0))
        XCTAssertEqual(try spec("0.035").stabilityMargin, .fixed(0.035))
        XCTAssertEqual(try spec("1").stabilityMargin, .fixed(1))
    }

    func testBadValuesNameTheKey() {
        for bad in ["\"auto\"", "-0.01", "6", "true", "[0.1]", "nan", "inf"] {
            XCTAssertThrowsError(try spec(bad), bad) { error in
                XCTAssertEqual((error as? CampaignSpecError)?.key, "stability.margin", "\(bad): \(error)")
            }
        }
        XCTAssertThrowsError(try CampaignSpec(toml: "[target]\nchemical_systems=[\"Na-Cl\"]\n[stability]\nmargins = 0\n[[generators]]\nkind=\"substitution\"\n")) { error in
            XCTAssertEqual((error as? CampaignSpecError)?.key, "stability.margins")
        }
    }
}

/// `[ranking]`: method "weighted" (the default) or "pareto" with two or more distinct objectives.
final class RankingSpecTests: XCTestCase {
    private func spec(_ lines: String) throws -> CampaignSpec {
        try CampaignSpec(toml: "[target]\nchemical_systems=[\"Na-Cl\"]\n[ranking]\n\(lines)\n[[generators]]\nkind=\"substitution\"\n")
    }

    func testGoodValues() throws {
        XCTAssertEqual(try spec("").ranking.method, .weighted)
        let pareto = try spec("method = \"pareto\"")
        XCTAssertEqual(pareto.ranking.method, .pareto)
        XCTAssertEqual(pareto.ranking.objectives, [.eHull, .supplyRisk])
        let three = try spec("method = \"pareto\"\nobjectives = [\"e_hull\", \"abundance\", \"n_elements\"]")
        XCTAssertEqual(three.ranking.objectives, [.eHull, .abundance, .nElements])
    }

    func testBadValuesNameTheKey() {
        let cases: [(String, String)] = [
            ("method = \"best\"", "ranking.method"),
            ("method = \"pareto\"\nobjectives = [\"e_hull\", \"price\"]", "ranking.objectives"),
            ("method = \"pareto\"\nobjectives = [\"e_hull\"]", "ranking.objectives"),
            ("method = \"pareto\"\nobjectives = [\"e_hull\", \"e_hull\"]", "ranking.objectives"),
            ("objectives = [\"e_hull\", \"supply_risk\"]", "ranking.objectives"),
            ("metod = \"pareto\"", "ranking.metod"),
        ]
        for (lines, key) in cases {
            XCTAssertThrowsError(try spec(lines), lines) { error in
                XCTAssertEqual((error as? CampaignSpecError)?.key, key, "\(lines): \(error)")
            }
        }
    }
}

/// `[hull] reference`: "mp" (the default) or "mlip"; anything else names the key.
final class HullReferenceSpecTests: XCTestCase {
    private func spec(_ body: String) throws -> CampaignSpec {
        try CampaignSpec(toml: "\(body)[target]\nchemical_systems=[\"Na-Cl\"]\n[[generators]]\nkind=\"substitution\"\n")
    }

    func testGoodValues() throws {
        XCTAssertEqual(try spec("").hullReference, .materialsProject)
        XCTAssertEqual(try spec("[hull]\nreference = \"mp\"\n").hullReference, .materialsProject)
        XCTAssertEqual(try spec("[hull]\nreference = \"mlip\"\n").hullReference, .mlip)
    }

    func testBadValuesNameTheKey() {
        let cases = [("[hull]\nreference = \"none\"\n", "hull.reference"), ("[hull]\nreference = \"dft\"\n", "hull.reference"),
                     ("[hull]\nreference = 1\n", "hull.reference"), ("[hull]\nrefrence = \"mlip\"\n", "hull.refrence"),
                     ("hull = 3\n", "hull")]
        for (body, key) in cases {
            XCTAssertThrowsError(try spec(body), body) { error in
                XCTAssertEqual((error as? CampaignSpecError)?.key, key, "\(error)")
                if body.contains("dft") { XCTAssertTrue("\(error)".contains("\"mp\" or \"mlip\""), "\(error)") }
            }
        }
    }
}
