import Crystal
import XCTest
@testable import KilnCommands

/// `kiln benchmark accuracy`: its arguments and their checks.
final class AccuracyCommandTests: CommandTestCase {
    func testArguments() throws {
        let defaults = try parse(AccuracyCommand.self, ["benchmark", "accuracy"])
        XCTAssertEqual(defaults.model, "chgnet")
        XCTAssertEqual(defaults.sample, 1000)
        XCTAssertEqual(defaults.relaxSteps, 0)
        let c = try parse(AccuracyCommand.self, ["benchmark", "accuracy", "--model", "chgnet", "--sample", "1200", "--relax-steps", "0",
                                                 "--fmax", "0.1", "--out", "o", "--workers", "1", "--json"])
        XCTAssertEqual([c.sample, c.relaxSteps, c.workers], [1200, 0, 1])
        XCTAssertEqual(try parse(AccuracyCommand.self, ["benchmark", "accuracy", "--relax-steps", "50"]).relaxSteps, 50)
        XCTAssertEqual(c.fmax, 0.1)
        XCTAssertEqual(c.out, "o")
        XCTAssertTrue(c.json)
        assertUsageError(["benchmark", "accuracy", "--model", "mace"], "--model mace: not one of chgnet")
        assertUsageError(["benchmark", "accuracy", "--sample", "0"], "--sample must be at least 1")
        assertUsageError(["benchmark", "accuracy", "--relax-steps=-1"], "--relax-steps must be 0 or more")
        assertUsageError(["benchmark", "accuracy", "--fmax", "0"], "--fmax must be a positive number")
        assertUsageError(["benchmark", "accuracy", "--workers", "0"], "--workers must be between 1 and 64")
    }
}

/// `kiln relax --reference mlip` and `kiln hull --reference mlip`.
final class MLIPReferenceCommandTests: CommandTestCase {
    func testArguments() throws {
        let relax = try parse(RelaxCommand.self, ["relax", "a.cif", "--out", "o", "--reference", "mlip", "--reference-cache", "c"])
        XCTAssertEqual(relax.reference, .mlip)
        XCTAssertEqual(relax.referenceCache, "c")
        XCTAssertEqual(try parse(RelaxCommand.self, ["relax", "a.cif", "--out", "o"]).referenceCache, "kiln-out/mlip-reference")
        assertUsageError(["relax", "a.cif", "--out", "o", "--reference", "none"], "--reference must be mp or mlip")
        assertUsageError(["relax", "a.cif", "--out", "o", "--reference", "mlip", "--no-hull"], "--no-hull")
        assertUsageError(["relax", "a.cif", "--out", "o", "--reference", "dft"], "--reference")
        assertUsageError(["hull", "--formula", "LiFeO2", "--formation-energy", "-1", "--reference", "mlip"], "kiln relax --reference mlip")
    }

    /// CsAu (2 sites, single point) on the CHGNet-relaxed Cs–Au reference (three bundled MP
    /// structures, single points too): the reference is computed once, then read from the cache.
    func testRelaxOnTheMLIPReferenceUsesTheCache() throws {
        let csau = Structure(lattice: Lattice([[4.26, 0, 0], [0, 4.26, 0], [0, 0, 4.26]]), species: [try Element("Cs"), try Element("Au")],
                             fracCoords: [Vec3(0, 0, 0), Vec3(0.5, 0.5, 0.5)])
        _ = try write([csau], "CsAu.vasp")
        let cache = path("cache")
        var energies: [Double] = []
        for k in 0..<2 {
            let rows = try XCTUnwrap(try json(try run(["relax", path("CsAu.vasp"), "--out", path("out\(k)"), "--steps", "0", "--reference", "mlip",
                                                        "--reference-cache", cache, "--json"])) as? [[String: Any]])
            energies.append(try XCTUnwrap(rows.first?["e_above_hull"] as? Double))
        }
        XCTAssertEqual(energies[0], energies[1])
        let files = try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasSuffix(".jsonl") }
        XCTAssertEqual(files.count, 1)
        let lines = try String(contentsOfFile: cache + "/" + files[0], encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 3, "the three Cs–Au structures, relaxed once")
    }
}
