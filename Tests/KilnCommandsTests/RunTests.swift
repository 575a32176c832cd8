import ArgumentParser
import Crystal
import CrystalIO
import Foundation
import XCTest
@testable import KilnCommands

/// Commands run in-process on small files: their output, and clear errors for bad input.
final class RunTests: CommandTestCase {
    func testInfoReadsFilesAndFoldersRecursively() throws {
        let file = try write([try rockSalt(primitive: true)], "NaCl.vasp")
        try write([try rockSalt(primitive: false)], "set/conventional.cif")
        try write([try rockSalt(primitive: true), try rockSalt(primitive: true, a: 5.8)], "set/deeper/two.extxyz")
        try write(text: "not a structure", "set/notes.txt")
        let text = try run(["info", file])
        XCTAssertTrue(text.hasPrefix("\(file)\n  formula "), text)
        XCTAssertTrue(text.contains("Fm-3m (225)"), text)

        let reports = try XCTUnwrap(try json(try run(["info", path("set"), "--json"])) as? [[String: Any]])
        XCTAssertEqual(reports.map { $0["file"] as? String }, [
            path("set/conventional.cif"), path("set/deeper/two.extxyz") + "#1", path("set/deeper/two.extxyz") + "#2",
        ])
        XCTAssertEqual(reports.map { $0["n_sites"] as? Int }, [8, 2, 2])
        XCTAssertEqual((reports[0]["space_group"] as? [String: Any])?["number"] as? Int, 225)
    }

    func testConvertRoundTrip() throws {
        let source = try write([try rockSalt(primitive: false)], "NaCl.cif")
        let text = try run(["convert", source, path("NaCl.vasp")])
        XCTAssertEqual(text, "wrote 1 structure(s) to \(path("NaCl.vasp")): NaCl (8 sites)\n")
        let back = try StructureFile.read(URL(fileURLWithPath: path("NaCl.vasp")))
        XCTAssertEqual(back.map(\.count), [8])

        let two = try write([try rockSalt(primitive: true), try rockSalt(primitive: false)], "two.extxyz")
        try run(["convert", two, path("second.cif"), "--index", "2"])
        XCTAssertEqual(try StructureFile.read(URL(fileURLWithPath: path("second.cif"))).map(\.count), [8])
        assertRunError(["convert", two, path("x.cif"), "--index", "3"], two, "--index 3 is out of range")
    }

    /// Two atoms on one spot: a CIF would merge them into one over-full site that Kiln refuses to
    /// read, so convert refuses to write it; formats that hold it round-trip (issue 12, hostile input 11).
    func testConvertRefusesWhatCannotBeReadBack() throws {
        let na = try Element("Na")
        let stacked = Structure(lattice: Lattice([[4, 0, 0], [0, 4, 0], [0, 0, 4]]), species: [na, na],
                                fracCoords: [Vec3(0, 0, 0), Vec3(0, 0, 0)])
        let source = try write([stacked], "stacked.json")
        assertRunError(["convert", source, path("stacked.cif")], "refusing to write \(path("stacked.cif"))", "occupancy")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("stacked.cif")))
        try run(["convert", source, path("stacked.vasp")])
        XCTAssertEqual(try StructureFile.read(URL(fileURLWithPath: path("stacked.vasp"))).map(\.count), [2])
    }

    func testSymmetry() throws {
        let file = try write([try rockSalt(primitive: false)], "NaCl.cif")
        let text = try run(["symmetry", file])
        XCTAssertTrue(text.contains("space group   Fm-3m (225)"), text)
        let report = try XCTUnwrap(try json(try run(["symmetry", file, "--json"])) as? [String: Any])
        XCTAssertEqual(report["number"] as? Int, 225)
        XCTAssertEqual(report["id"] as? String, file)
        let both = try XCTUnwrap(try json(try run(["symmetry", file, file, "--json"])) as? [[String: Any]])
        XCTAssertEqual(both.count, 2)
    }

    func testHullOnOwnEntries() throws {
        let entries = try write(text: """
            id,formula,formation_energy_per_atom
            a,Li,0
            b,O,0
            c,Li2O,-2.0
            d,LiO,-1.0
            """, "entries.csv")
        let results = try XCTUnwrap(try json(try run(["hull", entries, "--reference", "none", "--json"])) as? [String: Any])
        let rows = try XCTUnwrap(results["entries"] as? [[String: Any]])
        let byId = Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as! String, $0) })
        XCTAssertEqual(byId["c"]?["is_stable"] as? Bool, true)
        // LiO lies 0.5 eV/atom above the Li2O–O tie line (-1.5 eV/atom at x_O = 1/2).
        XCTAssertEqual(try XCTUnwrap(byId["d"]?["e_above_hull"] as? Double), 0.5, accuracy: 1e-9)
        let table = try run(["hull", entries, "--reference", "none"])
        XCTAssertTrue(table.contains("Li2O"), table)
    }

    func testMatchAndGroup() throws {
        let a = try write([try rockSalt(primitive: true)], "a.vasp")
        let b = try write([try rockSalt(primitive: false)], "b.cif")
        let c = try write([try rockSalt(primitive: true, a: 7.5)], "sub/c.json")
        let match = try XCTUnwrap(try json(try run(["match", a, b, "--json"])) as? [String: Any])
        XCTAssertEqual(match["fit"] as? Bool, true)
        XCTAssertEqual(try run(["match", a, b]).components(separatedBy: "\n").first, "fit: true")
        // Volumes are scaled to equal by default, so the stretched copy matches too; without it, not.
        XCTAssertEqual((try json(try run(["match", a, c, "--json", "--no-scale"])) as? [String: Any])?["fit"] as? Bool, false)

        let groups = try XCTUnwrap(try json(try run(["group", folder.path, "--json", "--no-scale"])) as? [String: Any])
        XCTAssertEqual(groups["n_structures"] as? Int, 3)
        XCTAssertEqual(groups["groups"] as? [[String]], [[a, b], [c]])
    }

    /// `--attempt-supercell` refuses reduced cells above its stated limit instead of running for
    /// minutes without output (issue 12, hostile input 12); the limit can be raised.
    func testSupercellMatchHasAStatedLimit() throws {
        let cell = try rockSalt(primitive: false)
        // Rattled so the primitive reduction keeps every site.
        let small = try write([try cell.supercell(2, 1, 1).perturbed(distance: 0.3, seed: 1)], "small.vasp")
        let large = try write([try cell.supercell(2, 2, 1).perturbed(distance: 0.3, seed: 2)], "large.vasp")
        let arguments = ["match", small, large, "--attempt-supercell", "--json"]
        assertRunError(arguments + ["--max-supercell-sites", "20"], large, "reduced cell has 32 sites", "--max-supercell-sites")
        let result = try XCTUnwrap(try json(try run(arguments)) as? [String: Any])
        XCTAssertNotNil(result["fit"] as? Bool, "\(result)")
        assertUsageError(arguments + ["--max-supercell-sites", "0"], "--max-supercell-sites must be at least 1")
    }

    func testEnergyOfTwoAtomCell() throws {
        let file = try write([try rockSalt(primitive: true)], "NaCl.vasp")
        let records = try XCTUnwrap(try json(try run(["energy", folder.path, "--json"])) as? [[String: Any]])
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records[0]["file"] as? String, file)
        let perAtom = try XCTUnwrap(records[0]["energy_per_atom_eV"] as? Double)
        XCTAssertTrue((-5 ... -2).contains(perAtom), "\(perAtom)")
    }

    /// A missing path, a garbage file and an empty folder give a CommandError naming the path,
    /// for every command that reads structure files (before any model is loaded).
    func testBadInputsNameThePath() throws {
        let missing = path("missing.cif")
        let garbage = try write(text: "data_x\n_cell_length_a oops\n", "garbage.cif")
        let empty = path("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let good = try write([try rockSalt(primitive: true)], "good/NaCl.vasp")
        let readers: [(String) -> [String]] = [
            { ["info", $0] }, { ["symmetry", $0] }, { ["group", $0] }, { ["match", good, $0] },
            { ["convert", $0, self.path("out.cif")] }, { ["energy", $0] }, { ["relax", $0, "--out", self.path("out")] },
        ]
        for arguments in readers {
            assertRunError(arguments(missing), "\(missing): no such file or directory")
            assertRunError(arguments(empty), "\(empty): no structure files in the folder")
        }
        // energy reports unreadable files and goes on; relax records them as errors.
        for arguments in readers.prefix(5) {
            assertRunError(arguments(garbage), garbage)
        }
        assertRunError(["evaluate", missing], "\(missing): no such file or directory")
        assertRunError(["evaluate", empty], "\(empty): no structures found")
        assertRunError(["hull", missing], "\(missing): no such file or directory")
        assertRunError(["hull", try write(text: "name,energy\nNaCl,-1\n", "bad.csv"), "--reference", "none"], "formula")
        assertRunError(["design", path("missing.toml")], "\(path("missing.toml")): no such file or directory")
        assertRunError(["design", try write(text: "name = 3\n", "bad.toml")], path("bad.toml"))
    }

    /// One unreadable file among many stops no multi-file command (issue 12, hostile input 9: it
    /// aborted the whole `kiln evaluate` scorecard): the rest is processed, the file is reported
    /// with its reason, and only a set with nothing readable fails. Commands that only print exit
    /// with status 1; `evaluate` lists the file as skipped in its scorecard.
    func testOneUnreadableFileDoesNotStopTheOthers() throws {
        try write([try rockSalt(primitive: true)], "set/a.vasp")
        try write([try rockSalt(primitive: false)], "set/b.cif")
        let garbage = try write(text: "data_x\n_cell_length_a oops\n", "set/garbage.cif")
        let set = path("set")
        for (arguments, expected) in [(["info", set, "--json"], 2), (["group", set, "--json"], 2), (["energy", set, "--json"], 2)] {
            var command = try KilnCommand.parseAsRoot(arguments)
            let output = try captureStandardOutput {
                XCTAssertThrowsError(try command.run(), "\(arguments)") { XCTAssertEqual($0 as? ExitCode, .failure, "\(arguments): \($0)") }
            }
            let object = try json(output)
            let count = (object as? [Any])?.count ?? (object as? [String: Any])?["n_structures"] as? Int
            XCTAssertEqual(count, expected, "\(arguments): \(output)")
        }
        let card = try XCTUnwrap(try json(try run(["evaluate", set, "--reference", "none", "--json"])) as? [String: Any])
        XCTAssertEqual(card["structureCount"] as? Int, 2)
        let skipped = try XCTUnwrap(card["skipped"] as? [[String: String]])
        XCTAssertEqual(skipped.map { $0["path"] }, [garbage])
        XCTAssertTrue(skipped[0]["reason"]?.isEmpty == false)
        let markdown = try run(["evaluate", set, "--reference", "none"])
        XCTAssertTrue(markdown.contains("Skipped input files") && markdown.contains(garbage), markdown)
        assertRunError(["evaluate", set, "--reference", "none", "--ground-truth", set], "cannot be paired by position")
        // Nothing readable: a clear error naming the file.
        let only = path("bad")
        try FileManager.default.createDirectory(atPath: only, withIntermediateDirectories: true)
        try write(text: "not a structure", "bad/x.cif")
        for command in ["info", "group", "energy", "evaluate"] {
            assertRunError([command, only], path("bad/x.cif"))
        }
    }

    /// `kiln relax` never takes its own output folder as input (issue 12, hostile input 5): the
    /// input folder itself is refused as --out, a nested --out is skipped on the next run, and a
    /// batch in which every input failed exits with an error.
    func testRelaxKeepsInputsAndOutputsApart() throws {
        _ = try write([try rockSalt(primitive: true)], "NaCl.vasp")
        assertRunError(["relax", folder.path, "--out", folder.path], "--out is this input folder")
        let out = path("relaxed")
        for _ in 0..<2 { _ = try run(["relax", folder.path, "--out", out, "--steps", "3", "--no-hull"]) }
        let summary = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8)
        XCTAssertEqual(summary.split(separator: "\n").count, 2, summary)  // header + NaCl, not its relaxed CIF
        _ = try write(text: "not a structure", "junk.cif")
        assertRunError(["relax", path("junk.cif"), "--out", path("junk-out"), "--no-hull"], "no input could be relaxed")
    }

    /// A rerun relaxes a structure again when its file changed in between (issue 12, hostile
    /// input 5: the journal kept the old result for the same id).
    func testRelaxRedoesAChangedInput() throws {
        let input = try write([try rockSalt(primitive: true)], "in/NaCl.vasp")
        let out = path("relaxed")
        let arguments = ["relax", path("in"), "--out", out, "--steps", "2", "--no-hull", "--json"]
        let first = try XCTUnwrap(try json(try run(arguments)) as? [[String: Any]])
        _ = try write([try rockSalt(primitive: true, a: 5.9)], "in/NaCl.vasp")
        let second = try XCTUnwrap(try json(try run(arguments)) as? [[String: Any]])
        XCTAssertEqual(second.count, 1)
        XCTAssertNotEqual(first[0]["input_hash"] as? String, second[0]["input_hash"] as? String)
        XCTAssertNotEqual(first[0]["initial_energy_per_atom"] as? Double, second[0]["initial_energy_per_atom"] as? Double,
                          "\(input) was relaxed again from its new contents")
        let journal = try String(contentsOfFile: out + "/journal.jsonl", encoding: .utf8)
        XCTAssertEqual(journal.split(separator: "\n").count, 2)
    }

    /// An --out that cannot be written is refused before the structures are even read (issue 12,
    /// hostile input 9: `kiln evaluate --relax` relaxed everything, then lost it).
    func testEvaluateChecksItsOutputFolderFirst() throws {
        let blocker = try write(text: "a file, not a folder", "blocker")
        assertRunError(["evaluate", path("nothing-here"), "--relax", "--out", blocker + "/out"], "cannot write to", blocker)
    }
}
