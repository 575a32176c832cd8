import Crystal
import CrystalIO
import Evaluation
import KilnSupport
import XCTest

final class InputAndScorecardTests: XCTestCase {
    func testReadsCDVAEStyleGzippedCSV() throws {
        let cifs = [Build.rocksalt(), Build.cesiumChloride()].map { CIFWriter().string([$0]) }
        let text = ",material_id,cif\n" + cifs.enumerated().map { "\($0),id\($0),\"\($1.replacingOccurrences(of: "\"", with: "\"\""))\"" }
            .joined(separator: "\n") + "\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-eval-\(UUID().uuidString).csv.gz")
        try Gzip.compress(Data(text.utf8)).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let set = try StructureSet.read(url.path)
        XCTAssertEqual(set.map(\.id), ["id0", "id1"])
        XCTAssertEqual(set.map { $0.structure.count }, [8, 2])
        XCTAssertEqual(set[1].structure.composition.reducedFormula, "CsCl")
    }

    func testCSVErrorsNameFileAndLine() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-eval-\(UUID().uuidString).csv")
        try Data("material_id,cif\na,\"data_x\"\nb,c,d\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try StructureSet.readCSV(url)) {
            XCTAssertEqual(($0 as? EvaluationError)?.file, url.path)
            XCTAssertEqual(($0 as? EvaluationError)?.line, 3)
        }
    }

    func testMissingPartsAreSkippedWithReasons() throws {
        let nacl = Build.rocksalt()
        var input = EvaluationInputs(generated: [nacl, nacl, Build.cesiumChloride()].enumerated().map { NamedStructure(id: "s\($0)", structure: $1) })
        input.train = input.generated
        let (card, records) = Evaluator.evaluate(input)
        XCTAssertEqual(try XCTUnwrap(card["uniqueness"]?.value), 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(card["validity.overall"]?.count, 3)
        XCTAssertEqual(try XCTUnwrap(card["cdvae.wdist_density"]?.value), 0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(card["cdvae.wdist_num_elements"]?.value), 0, accuracy: 1e-12)
        // Generated = train: every structure covers itself.
        XCTAssertEqual(card["cdvae.cov_recall"]?.value, 1)
        XCTAssertEqual(card["cdvae.cov_precision"]?.value, 1)
        XCTAssertEqual(try XCTUnwrap(card["cdvae.amsd_recall"]?.value), 0, accuracy: 1e-12)
        for key in ["novelty.structure", "stability.stable_0", "csp.match_rate"] {
            XCTAssertNil(card[key]?.value, key)
            XCTAssertNotNil(card[key]?.skipped, key)
        }
        input.train = nil
        XCTAssertEqual(Evaluator.evaluate(input).0["cdvae.cov_recall"]?.skipped, "no training/test set (--train)")
        XCTAssertEqual(records.map(\.unique), [true, false, true])
        XCTAssertTrue(card.markdown().contains("skipped: no reference set"))
        let decoded = try JSONDecoder().decode(Scorecard.self, from: card.json())
        XCTAssertEqual(decoded.metrics, card.metrics)
    }

    func testCoverageSeparatesDifferentCoordination() {
        // Rock salt (octahedral) does not cover caesium chloride (cubic, CN 8) at any CDVAE cutoff.
        var input = EvaluationInputs(generated: [NamedStructure(id: "nacl", structure: Build.rocksalt())])
        input.train = [NamedStructure(id: "cscl", structure: Build.cesiumChloride())]
        let card = Evaluator.evaluate(input).0
        XCTAssertEqual(card["cdvae.cov_recall"]?.value, 0)
        XCTAssertEqual(card["cdvae.cov_precision"]?.value, 0)
        XCTAssertGreaterThan(card["cdvae.amsd_recall"]?.value ?? 0, 0.4)
    }
}
