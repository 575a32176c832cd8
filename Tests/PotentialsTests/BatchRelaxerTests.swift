import Crystal
import Foundation
import Potentials
import XCTest

/// A Lennard-Jones calculator that sleeps on every call, so a batch takes long enough to be
/// killed in the middle.
struct SlowLennardJones: Calculator {
    var delay: UInt32 = 2000  // µs
    var name: String { "slow Lennard-Jones" }
    func calculate(_ s: Structure, properties: Properties) throws -> CalculationResult {
        usleep(delay)
        return try LennardJones().calculate(s, properties: properties)
    }
}

/// The resumable batch runner: results, errors, torn journals and kill -9 at random moments.
final class BatchRelaxerTests: XCTestCase {
    static let inputCount = 12

    /// Rattled fcc cells, one of them unreadable, so every outcome kind appears.
    static func items() -> [BatchItem] {
        (0..<inputCount).map { k in
            BatchItem(id: "fcc:\(k)", source: "generated \(k)") {
                if k == 7 { throw CalculatorError.invalidStructure("input \(k) is unreadable on purpose") }
                return Structure.fcc(3.1 + 0.02 * Double(k)).perturbed(distance: 0.05, seed: UInt64(k))
            }
        }
    }

    static func batch(_ dir: URL, calculator: any Calculator) -> BatchRelaxer {
        var relaxer = Relaxer(calculator: calculator)
        relaxer.fmax = 0.01
        var b = BatchRelaxer(relaxer: relaxer, outputDirectory: dir, structureFile: ("xyz", { s in
            s.sites.map { "\($0.element.symbol) \($0.frac.x) \($0.frac.y) \($0.frac.z)" }.joined(separator: "\n")
        }))
        b.spaceGroup = { "\($0.count) sites" }
        b.energyAboveHull = { s, e in e / Double(s.count) + 3 }
        return b
    }

    private func tempDir() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-batch-\(UUID())")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Every input has exactly one journal line, one summary row and (unless it errored) one file.
    private func checkExactlyOnce(_ dir: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let journal = try String(contentsOf: dir.appendingPathComponent("journal.jsonl"), encoding: .utf8)
        let ids = try journal.split(separator: "\n").map { try JSONDecoder().decode(BatchRecord.self, from: Data($0.utf8)).id }
        let expected = Self.items().map(\.id)
        XCTAssertEqual(ids.sorted(), expected.sorted(), "journal ids", file: file, line: line)
        let csv = try String(contentsOf: dir.appendingPathComponent("summary.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
        XCTAssertEqual(rows, expected, "summary rows", file: file, line: line)
        let summary = try JSONDecoder().decode([BatchRecord].self, from: Data(contentsOf: dir.appendingPathComponent("summary.json")))
        XCTAssertEqual(summary.map(\.id), expected, file: file, line: line)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".xyz") }
        XCTAssertEqual(files.sorted(), summary.compactMap(\.output).sorted(), "structure files", file: file, line: line)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir.path).contains { $0.hasSuffix(".tmp") },
                       file: file, line: line)
    }

    /// An id or source that a spreadsheet would run as a formula is written as text (issue 12,
    /// hostile input 11: file names beginning with "=" reached summary.csv unescaped).
    func testSummaryCellsCannotBeFormulas() throws {
        let dir = tempDir()
        let item = BatchItem(id: "=HYPERLINK(1)", source: "=cmd|x.cif") { Structure.fcc(3.1) }
        _ = try Self.batch(dir, calculator: LennardJones()).run([item])
        let csv = try String(contentsOf: dir.appendingPathComponent("summary.csv"), encoding: .utf8)
        XCTAssertTrue(csv.contains("'=HYPERLINK(1)") && csv.contains("'=cmd|x.cif"), csv)
        XCTAssertFalse(csv.contains(",=") || csv.contains("\n="), csv)
    }

    /// A resumed batch relaxes an input again when its fingerprint changed, reports it, and
    /// keeps only the new result (issue 12, hostile input 5: a changed input file was ignored).
    func testChangedInputIsRelaxedAgain() throws {
        let dir = tempDir()
        func item(_ a: Double, hash: String) -> BatchItem {
            BatchItem(id: "cell", source: "cell.cif", inputHash: hash) { Structure.fcc(a).perturbed(distance: 0.05, seed: 1) }
        }
        let first = try Self.batch(dir, calculator: LennardJones()).run([item(3.1, hash: "aaaa")])
        final class Seen: @unchecked Sendable { var ids: [[String]] = [] }
        let seen = Seen()
        var batch = Self.batch(dir, calculator: LennardJones())
        batch.changedInputs = { seen.ids.append($0) }
        let same = try batch.run([item(3.1, hash: "aaaa")])
        XCTAssertEqual(same, first, "an unchanged input is not relaxed again")
        XCTAssertTrue(seen.ids.isEmpty)
        let changed = try batch.run([item(3.6, hash: "bbbb")])
        XCTAssertEqual(seen.ids, [["cell"]])
        XCTAssertEqual(changed.map(\.inputHash), ["bbbb"])
        XCTAssertNotEqual(changed[0].initialEnergyPerAtom, first[0].initialEnergyPerAtom, "relaxed from the new input")
        // The journal keeps both lines; reopening it takes the newer one.
        let reopened = try Self.batch(dir, calculator: LennardJones()).run([item(3.6, hash: "bbbb")])
        XCTAssertEqual(reopened, changed)
        let summary = try JSONDecoder().decode([BatchRecord].self, from: Data(contentsOf: dir.appendingPathComponent("summary.json")))
        XCTAssertEqual(summary.map(\.inputHash), ["bbbb"])
    }

    func testBatchRecordsEveryOutcomeAndResumesWithoutRedoing() throws {
        let dir = tempDir()
        let records = try Self.batch(dir, calculator: LennardJones()).run(Self.items())
        XCTAssertEqual(records.count, Self.inputCount)
        XCTAssertEqual(records.filter { $0.outcome == "converged" }.count, Self.inputCount - 1)
        let bad = records[7]
        XCTAssertEqual(bad.outcome, "error")
        XCTAssertTrue(bad.reason?.contains("unreadable on purpose") == true)
        let good = records[0]
        XCTAssertEqual(good.output, "fcc_0.xyz")
        XCTAssertEqual(good.initialSpaceGroup, "4 sites")
        XCTAssertEqual(good.energyAboveHull!, good.finalEnergyPerAtom! + 3, accuracy: 1e-12)
        XCTAssertLessThan(good.finalFmax!, 0.01)
        try checkExactlyOnce(dir)

        // A second run redoes nothing: a calculator that always throws would show up otherwise.
        struct Refusing: Calculator {
            var name: String { "Lennard-Jones" }  // same settings, so the run is a resume
            func calculate(_ s: Structure, properties: Properties) throws -> CalculationResult {
                throw CalculatorError.invalidStructure("must not be called")
            }
        }
        let again = try Self.batch(dir, calculator: Refusing()).run(Self.items())
        XCTAssertEqual(again, records)
    }

    func testResumingWithOtherSettingsIsRefused() throws {
        let dir = tempDir()
        _ = try Self.batch(dir, calculator: LennardJones()).run(Array(Self.items().prefix(2)))
        var other = Self.batch(dir, calculator: LennardJones())
        other.relaxer.fmax = 0.05
        XCTAssertThrowsError(try other.run(Self.items())) {
            XCTAssertTrue("\($0)".contains("fmax 0.01 → 0.05"), "\($0)")
        }
    }

    func testTornJournalLineIsRedone() throws {
        let dir = tempDir()
        let records = try Self.batch(dir, calculator: LennardJones()).run(Self.items())
        let journalURL = dir.appendingPathComponent("journal.jsonl")
        var lines = try String(contentsOf: journalURL, encoding: .utf8).split(separator: "\n").map(String.init)
        let torn = lines.removeLast()
        try (lines.joined(separator: "\n") + "\n" + torn.prefix(torn.count / 2)).write(to: journalURL, atomically: true, encoding: .utf8)
        let again = try Self.batch(dir, calculator: LennardJones()).run(Self.items())
        XCTAssertEqual(again.map(\.id), records.map(\.id))
        try checkExactlyOnce(dir)
    }

    func testSecondBatchOnSameDirectoryIsRefusedWhileFirstRuns() throws {
        let dir = tempDir()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let fd = open(dir.appendingPathComponent(".lock").path, O_RDWR | O_CREAT, 0o644)
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
        defer { close(fd) }
        XCTAssertThrowsError(try Self.batch(dir, calculator: LennardJones()).run(Self.items())) {
            XCTAssertTrue("\($0)".contains("in use"), "\($0)")
        }
    }

    /// Runs the batch in a child process (this test binary, `testChildBatchRun`) and kills it
    /// with SIGKILL at random moments until it finishes, then checks every input has exactly
    /// one result.
    func testKillNineAndResume() throws {
        let dir = tempDir()
        let executable = URL(fileURLWithPath: CommandLine.arguments[0])
        var rng = SeededGenerator(seed: 42)
        var kills = 0
        for round in 0..<30 {
            let child = Process()
            child.executableURL = executable
            child.arguments = ["PotentialsTests.BatchRelaxerTests/testChildBatchRun"]
            child.environment = ProcessInfo.processInfo.environment.merging(["KILN_BATCH_CHILD_DIR": dir.path]) { $1 }
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            // Kill early at first, later ever more slowly, so some rounds finish structures.
            usleep(UInt32(Double.random(in: 0.5...1.5, using: &rng) * 150_000 * (1 + Double(round) / 3)))
            if child.isRunning {
                kill(child.processIdentifier, SIGKILL)
                kills += 1
            }
            child.waitUntilExit()
            if child.terminationReason == .exit { break }
        }
        XCTAssertGreaterThan(kills, 0, "the child was never killed; make the calculator slower")
        let journal = (try? String(contentsOf: dir.appendingPathComponent("journal.jsonl"), encoding: .utf8)) ?? ""
        XCTAssertGreaterThan(journal.split(separator: "\n").count, 0, "the killed children finished nothing")
        let records = try Self.batch(dir, calculator: SlowLennardJones()).run(Self.items())
        XCTAssertEqual(records.count, Self.inputCount)
        try checkExactlyOnce(dir)
    }

    /// The child side of `testKillNineAndResume`; does nothing in a normal test run.
    func testChildBatchRun() throws {
        guard let path = ProcessInfo.processInfo.environment["KILN_BATCH_CHILD_DIR"] else { return }
        _ = try Self.batch(URL(fileURLWithPath: path), calculator: SlowLennardJones()).run(Self.items())
    }
}
