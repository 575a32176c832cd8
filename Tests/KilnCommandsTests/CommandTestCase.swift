import ArgumentParser
import Crystal
import CrystalIO
import Foundation
import XCTest
@testable import KilnCommands

/// Parsing and running `kiln` commands in-process, on small structure files in a temporary folder.
class CommandTestCase: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-commands-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A path inside the temporary folder.
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Rock-salt NaCl: the 2-site primitive cell, or the 8-site conventional cell.
    func rockSalt(primitive: Bool, a: Double = 5.64) throws -> Structure {
        let na = try Element("Na"), cl = try Element("Cl")
        if primitive {
            let h = a / 2
            return Structure(lattice: Lattice([[0, h, h], [h, 0, h], [h, h, 0]]), species: [na, cl],
                             fracCoords: [Vec3(0, 0, 0), Vec3(0.5, 0.5, 0.5)])
        }
        let fcc = [Vec3(0, 0, 0), Vec3(0, 0.5, 0.5), Vec3(0.5, 0, 0.5), Vec3(0.5, 0.5, 0)]
        return Structure(lattice: Lattice([[a, 0, 0], [0, a, 0], [0, 0, a]]), species: Array(repeating: na, count: 4) + Array(repeating: cl, count: 4),
                         fracCoords: fcc + fcc.map { $0 + Vec3(0.5, 0, 0) })
    }

    /// Writes `structures` to `name` in the temporary folder (format by extension); returns the path.
    @discardableResult
    func write(_ structures: [Structure], _ name: String) throws -> String {
        let p = path(name)
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: p).deletingLastPathComponent(), withIntermediateDirectories: true)
        try StructureFile.write(structures, to: URL(fileURLWithPath: p))
        return p
    }

    /// Writes `text` to `name` in the temporary folder; returns the path.
    @discardableResult
    func write(text: String, _ name: String) throws -> String {
        let p = path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    /// The command `arguments` parse to, as `T`.
    func parse<T: ParsableCommand>(_ type: T.Type, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> T {
        let command = try KilnCommand.parseAsRoot(arguments)
        return try XCTUnwrap(command as? T, "\(arguments) parsed to \(Swift.type(of: command))", file: file, line: line)
    }

    /// Asserts that `arguments` are refused as a usage error whose message contains `message`.
    func assertUsageError(_ arguments: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try KilnCommand.parseAsRoot(arguments), "\(arguments)", file: file, line: line) { error in
            XCTAssertEqual(KilnCommand.exitCode(for: error), .validationFailure, "\(arguments): \(error)", file: file, line: line)
            let text = KilnCommand.message(for: error)
            XCTAssertTrue(text.contains(message), "\(arguments): '\(text)' does not mention '\(message)'", file: file, line: line)
        }
    }

    /// Parses and runs `arguments`, returning what the command printed on stdout.
    @discardableResult
    func run(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        var command = try KilnCommand.parseAsRoot(arguments)
        return try captureStandardOutput { try command.run() }
    }

    /// Asserts that running `arguments` fails with a CommandError whose message contains each of `parts`.
    func assertRunError(_ arguments: [String], _ parts: String..., file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try run(arguments), "\(arguments)", file: file, line: line) { error in
            guard let error = error as? CommandError else {
                return XCTFail("\(arguments): \(type(of: error)) \(error), not a CommandError", file: file, line: line)
            }
            for part in parts {
                XCTAssertTrue(error.message.contains(part), "\(arguments): '\(error.message)' does not mention '\(part)'", file: file, line: line)
            }
            // Printed without the usage text.
            XCTAssertEqual(KilnCommand.fullMessage(for: error), "Error: \(error.message)", file: file, line: line)
        }
    }

    /// Standard output written while `body` runs.
    func captureStandardOutput(_ body: () throws -> Void) throws -> String {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-stdout-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: capture.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: capture) }
        let handle = try FileHandle(forWritingTo: capture)
        fflush(stdout)
        let saved = dup(STDOUT_FILENO)
        dup2(handle.fileDescriptor, STDOUT_FILENO)
        defer {
            fflush(stdout)
            dup2(saved, STDOUT_FILENO)
            close(saved)
            try? handle.close()
        }
        try body()
        fflush(stdout)
        return String(decoding: try Data(contentsOf: capture), as: UTF8.self)
    }

    /// The JSON object or array in `text`.
    func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }
}
