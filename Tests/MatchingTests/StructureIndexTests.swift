import Crystal
import KilnTestSupport
import XCTest
import Matching

final class StructureIndexTests: XCTestCase {
    func groupStructures() throws -> [Structure] {
        let root = try XCTUnwrap(Fixtures.json("matcher") as? [String: Any])
        let gc = try XCTUnwrap(root["group_case"] as? [String: Any])
        return try (gc["structures"] as! [[String: Any]]).map { try Fixtures.structure($0) }
    }

    /// The index answers exactly what fitting every reference would, while comparing only
    /// references of the candidate's composition.
    func testIndexAgreesWithExhaustiveFit() throws {
        let structures = try groupStructures()
        let references = Array(structures.prefix(120)), candidates = Array(structures.suffix(80))
        let matcher = StructureMatcher()
        let index = StructureIndex(references: references, matcher: matcher)
        let prepared = references.map(matcher.prepare)
        var wrong: [Int] = []
        for (k, c) in candidates.enumerated() {
            let pc = matcher.prepare(c)
            let expected = prepared.indices.filter { matcher.fit(prepared[$0], pc) }
            if index.matches(c) != expected { wrong.append(k) }
            XCTAssertLessThan(index.candidateCount(c), references.count / 2)
        }
        XCTAssertEqual(wrong, [], "candidates whose index matches differ from exhaustive fitting")
        XCTAssertEqual(index.novelty(candidates), candidates.map { index.matches($0).isEmpty })
    }

    func testEveryReferenceFindsItself() throws {
        let structures = try groupStructures()
        let index = StructureIndex(references: structures, matcher: .cdvae)
        let missing = structures.indices.filter { !index.matches(structures[$0]).contains($0) }
        XCTAssertEqual(missing, [])
        let unknown = Structure(lattice: .cubic(3.0), species: [try Element("Xe")], fracCoords: [.zero])
        XCTAssertTrue(index.isNovel(unknown))
        XCTAssertEqual(index.candidateCount(unknown), 0)
    }
}
