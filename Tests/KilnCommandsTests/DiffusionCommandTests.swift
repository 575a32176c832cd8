import Crystal
import CrystalIO
import Foundation
import XCTest
@testable import KilnCommands

/// `kiln train diffusion`, `kiln generate` and `kiln benchmark diffusion-csp` end to end on a tiny
/// model and data set, and their argument checks.
final class DiffusionCommandTests: CommandTestCase {
    func testArgumentsAreChecked() {
        assertUsageError(["train", "diffusion", "--out", "d"], "give --preset or --data")
        assertUsageError(["train", "diffusion", "--preset", "mp99", "--out", "d"], "no preset 'mp99'")
        assertUsageError(["generate", "--model", "m", "--out", "g"], "give --num N")
        assertUsageError(["generate", "--model", "m", "--csp", "--out", "g"], "--csp needs --formula or --from")
        assertUsageError(["generate", "--model", "m", "--num", "2", "--formula", "NaCl", "--out", "g"], "--formula and --from need --csp")
        assertUsageError(["generate", "--model", "m", "--num", "2", "--condition", "gap", "--out", "g"], "expected NAME=VALUE")
        assertUsageError(["benchmark", "diffusion-csp", "--model", "m", "--test", "t", "--samples", "0", "--out", "o"], "--samples")
        assertUsageError(["benchmark", "diffusion-guidance", "--model", "m", "--targets", "1,x", "--out", "o"], "--targets: expected numbers")
        assertRunError(["generate", "--model", path("none.safetensors"), "--num", "1", "--out", path("g")], "no model")
    }

    /// Two epochs, then a resumed third; structure prediction and de novo samples from the model;
    /// the CSP benchmark on the training crystals.
    func testTrainsResumesAndSamples() throws {
        let salts = [try rockSalt(primitive: true), try rockSalt(primitive: true, a: 5.2), try rockSalt(primitive: false)]
        var csv = "material_id,cif,band_gap\n"
        for (k, s) in salts.enumerated() {
            let cif = try String(decoding: StructureFile.data([s], format: .cif), as: UTF8.self)
            csv += "salt-\(k),\"\(cif)\",\(k + 1)\n"
        }
        let data = try write(text: csv, "salts.csv")
        let out = path("model")
        let tiny = ["--hidden", "16", "--layers", "1", "--batch-size", "2", "--condition-property", "band_gap"]
        try run(["train", "diffusion", "--data", data, "--epochs", "2", "--out", out] + tiny)
        let text = try run(["train", "diffusion", "--data", data, "--epochs", "3", "--out", out] + tiny)
        XCTAssert(text.contains("epoch 3 of 3"), text)
        let history = try String(contentsOfFile: out + "/history.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(history.count, 4, "\(history)")
        let model = out + "/model.safetensors"
        let curve = try String(contentsOfFile: out + "/history.svg", encoding: .utf8)
        XCTAssert(curve.hasPrefix("<svg") && curve.contains("<polyline") && curve.contains("epoch (last 3)"), curve)

        let csp = path("csp")
        try run(["generate", "--model", model, "--csp", "--formula", "NaCl", "--formula", "Na2Cl2", "--samples", "2",
                 "--condition", "band_gap=1.5", "--guidance", "2", "--out", csp])
        let rows = try String(contentsOfFile: csp + "/generated.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(rows.map { $0.split(separator: ",")[1] }, ["NaCl#1", "NaCl#2", "Na2Cl2#1", "Na2Cl2#2"])
        XCTAssertEqual(rows.map { Int($0.split(separator: ",")[3])! }, [2, 2, 4, 4])

        let denovo = path("denovo")
        try run(["generate", "--model", model, "--num", "3", "--out", denovo])
        XCTAssertEqual(try String(contentsOfFile: denovo + "/generated.csv", encoding: .utf8).split(separator: "\n").count, 4)
        assertRunError(["generate", "--model", model, "--num", "1", "--condition", "dir_gap=1", "--out", denovo], "conditioned on 'band_gap'")
        assertRunError(["generate", "--model", model, "--csp", "--formula", "LiCl", "--out", denovo], "Li is not among")
        assertRunError(["generate", "--model", model, "--csp", "--formula", "Na5Cl5", "--out", denovo],
                       "10 atoms is larger than any crystal the model was trained on (at most 8 atoms)")

        let bench = try run(["benchmark", "diffusion-csp", "--model", model, "--test", data, "--out", path("bench")])
        XCTAssert(bench.contains("match rate") && bench.contains("of 3"), bench)

        // The guidance benchmark's judge needs a validation part: 40 labelled salts (DataSplit puts about 4 in it).
        var labels = "material_id,cif,band_gap\n"
        for k in 0..<40 {
            let s = try rockSalt(primitive: true, a: 5.0 + 0.01 * Double(k))
            labels += "label-\(k),\"\(try String(decoding: StructureFile.data([s], format: .cif), as: UTF8.self))\",\(Double(k % 5))\n"
        }
        let labelFile = try write(text: labels, "labels.csv")
        let guided = path("guidance")
        let report = try run(["benchmark", "diffusion-guidance", "--model", model, "--targets", "1,3", "--num", "3",
                              "--data", labelFile, "--test", labelFile, "--out", guided])
        XCTAssert(report.contains("unconditioned: 3 of 3 judged") && report.contains("band_gap = 3, guidance 2"), report)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: guided + "/guidance.json"))) as! [String: Any]
        XCTAssertEqual((record["settings"] as! [[String: Any]]).map { $0["target"] as? Double }, [nil, 1, 3])
        XCTAssertEqual((record["judge"] as! [String: Any])["test_count"] as? Int, 40)
        assertRunError(["benchmark", "diffusion-guidance", "--model", model, "--targets", "1", "--out", guided], "has no preset")
    }
}
