import ArgumentParser
import Foundation
import XCTest
@testable import KilnCommands

/// Failures a user meets with bad paths reach them in plain words that name the path, never as a
/// raw Foundation or decoding error (issue 12, hostile input 13: "Error Domain=NSCocoaErrorDomain
/// Code=256 …", "The operation could not be completed").
final class ErrorMessageTests: CommandTestCase {
    func testBadPathsGivePlainMessagesNamingThePath() throws {
        let good = try write([try rockSalt(primitive: true)], "NaCl.vasp")
        let folder = path("folder")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = try write(text: "a file, not a folder", "plain-file")
        let badJSON = try write(text: #"{"lattice": [1, 2"#, "bad.json")
        let entries = try write(text: "formula,energy\nNa,-1.3\nCl,-1.8\nNaCl,-7\n", "entries.csv")
        let campaign = try write(text: """
            name = "errors"
            [target]
            chemical_systems = ["Na-Cl"]
            max_atoms = 2
            [[generators]]
            kind = "substitution"
            budget = 1
            seed = 1
            """, "c.toml")
        let cases: [([String], String)] = [
            (["info", path("missing.cif")], path("missing.cif")),
            (["design", folder], folder),                                              // a folder for a file
            (["hull", folder], folder),
            (["info", badJSON], badJSON),                                              // malformed JSON
            (["hull", badJSON], "bad.json"),
            (["convert", good, file + "/out.cif"], file + "/out.cif"),                 // unwritable outputs
            (["hull", entries, "--reference", "none", "--plot", file + "/hull.svg"], file + "/hull.svg"),
            (["evaluate", good, "--reference", "none", "--out", file + "/o"], file + "/o"),
            (["relax", good, "--out", file + "/o", "--no-hull", "--steps", "1"], file + "/o"),
            (["design", campaign, "--out", file + "/o"], file + "/o"),
        ]
        for (arguments, named) in cases {
            XCTAssertThrowsError(try run(arguments), "\(arguments)") { error in
                let message = KilnCommand.fullMessage(for: KilnCommand.presentable(error))
                XCTAssertTrue(message.contains(named), "\(arguments): '\(message)' does not name \(named)")
                for raw in ["Error Domain=", "The operation could not be completed", "NSCocoaErrorDomain", "DecodingError", "file system error"] {
                    XCTAssertFalse(message.contains(raw), "\(arguments): '\(message)'")
                }
            }
        }
    }

    func testPlainTextOfSystemErrors() throws {
        XCTAssertThrowsError(try String(contentsOfFile: folder.path, encoding: .utf8)) { error in
            XCTAssertEqual(describe(error), "Is a directory")
            XCTAssertEqual(KilnCommand.fullMessage(for: KilnCommand.presentable(error)), "Error: Is a directory")
        }
        XCTAssertThrowsError(try JSONDecoder().decode([String: Int].self, from: Data(#"{"a": "x"}"#.utf8))) { error in
            XCTAssertTrue(describe(error).hasPrefix("unexpected value at a: "), describe(error))
        }
    }
}
