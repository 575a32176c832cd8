import Campaign
import Crystal
import Potentials
import XCTest

/// `[relax] model`, `committee` and `require_agreement`: typed, and every mistake named by its key.
final class CommitteeSpecTests: XCTestCase {
    private func spec(_ relax: String) throws -> CampaignSpec {
        try CampaignSpec(toml: "[target]\nchemical_systems = [\"Na-Cl\"]\n[relax]\n\(relax)\n[[generators]]\nkind = \"substitution\"\n")
    }

    private func assertRejected(_ relax: String, key: String, mentioning words: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try spec(relax), file: file, line: line) { error in
            guard let e = error as? CampaignSpecError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(e.key, key, file: file, line: line)
            for w in words { XCTAssertTrue(e.description.contains(w), "'\(w)' missing from: \(e)", file: file, line: line) }
        }
    }

    func testDefaultsAreTheDefaultModelAloneWithoutAgreement() throws {
        let s = try spec("")
        XCTAssertEqual(s.model, PotentialModel.default)
        XCTAssertEqual(s.committee, [])
        XCTAssertFalse(s.requireAgreement)
    }

    func testEveryRegisteredModelIsAcceptedByName() throws {
        for m in PotentialModel.allCases { XCTAssertEqual(try spec("model = \"\(m.rawValue)\"").model, m) }
    }

    func testARealCommitteeParsesAndRefusesTheMLIPReference() throws {
        let s = try spec("model = \"chgnet\"\ncommittee = [\"sevennet-0\", \"sevennet-l3i5\"]\nrequire_agreement = true")
        XCTAssertEqual(s.committee, [.sevennet0, .sevennetL3i5])
        XCTAssertTrue(s.requireAgreement)
        XCTAssertThrowsError(try CampaignSpec(toml: "[target]\nchemical_systems = [\"Na-Cl\"]\n[relax]\ncommittee = [\"sevennet-0\"]\n"
                                              + "[hull]\nreference = \"mlip\"\n[[generators]]\nkind = \"substitution\"\n")) { error in
            XCTAssertEqual((error as? CampaignSpecError)?.key, "hull.reference")
        }
    }

    func testUnknownModelNamesTheKeyAndTheKnownModels() {
        let known = PotentialModel.allCases.map(\.rawValue)
        assertRejected("model = \"mace\"", key: "relax.model", mentioning: ["'mace'"] + known)
        assertRejected("model = 3", key: "relax.model", mentioning: ["must be a string"])
        assertRejected("committee = [\"chgnet\", \"m3gnet\"]", key: "relax.committee", mentioning: ["'m3gnet'"] + known)
    }

    func testEmptyRepeatedOrMainModelCommitteeIsRefused() {
        assertRejected("committee = []", key: "relax.committee", mentioning: ["at least one model"])
        assertRejected("committee = [\"chgnet\"]", key: "relax.committee", mentioning: ["'chgnet'", "main model"])
        XCTAssertThrowsError(try CampaignSpec(name: "c", chemicalSystems: [[try Element("Na"), try Element("Cl")]],
                                              generators: [.init(kind: .substitution, budget: 1, seed: 1)],
                                              committee: [.chgnet, .chgnet])) { error in
            XCTAssertEqual((error as? CampaignSpecError)?.key, "relax.committee")
            XCTAssertTrue("\(error)".contains("listed twice") || "\(error)".contains("main model"), "\(error)")
        }
    }

    func testAgreementNeedsACommittee() {
        assertRejected("require_agreement = true", key: "relax.require_agreement", mentioning: ["committee"])
        assertRejected("require_agreement = \"yes\"", key: "relax.require_agreement", mentioning: ["true or false"])
        XCTAssertNoThrow(try spec("require_agreement = false"))
    }
}
