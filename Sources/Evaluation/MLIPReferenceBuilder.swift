import Crystal
import Foundation
import KilnSupport
import Potentials
import ReferenceData
import Thermo

/// Where relaxed reference phases are kept between runs, by cache key (potential and relaxation
/// settings, `MLIPReferenceBuilder.key`) and MP id: a campaign's knowledge store, or a folder for
/// the command line (`MLIPReferenceFolder`). Each phase is stored the moment its relaxation ends.
public protocol MLIPReferenceCache: Sendable {
    /// The phases stored under `key`, by MP id.
    func mlipPhases(key: String) throws -> [String: MLIPReference.Phase]
    /// Stores one phase under `key` (replacing an earlier one of the same id).
    func storeMLIPPhase(_ phase: MLIPReference.Phase, key: String) throws
}

/// Builds `HullService`'s `.mlip` reference: every bundled MP structure whose elements lie within
/// one of the given chemical systems (its subsystems and elements included) is relaxed with
/// `relaxer`, unless the cache already holds it under the same key. Phases whose relaxation failed
/// are kept with the reason and left out of the hull; unconverged ones count with their last energy.
/// Entries of the MP table without a bundled structure (its composition-only rows) have no
/// structure to relax and are left out; `coverage` measures what that costs.
public struct MLIPReferenceBuilder: Sendable {
    public var relaxer: Relaxer
    /// Structures relaxed at once.
    public var workers = 2

    public init(relaxer: Relaxer) { self.relaxer = relaxer }

    /// The cache key: the potential's name and version (`Calculator.name`) and the settings that
    /// change a relaxed energy, e.g. "CHGNet 0.3.0, FIRE, fmax 0.05, ≤ 500 steps".
    public var key: String {
        "\(relaxer.calculator.name), \(relaxer.minimizer.name), fmax \(relaxer.fmax), ≤ \(relaxer.maxSteps) steps"
    }

    /// Indices in `ReferenceStructures.mp()` of the bundled structures made only of the elements
    /// of one of `systems`, in bundle order.
    public static func structures(systems: [[Element]]) throws -> [Int] {
        let mp = try ReferenceStructures.mp()
        let sets = systems.map(Set.init)
        return mp.indices.filter { j in
            let els = Set(mp.elements(at: j))
            return sets.contains { els.isSubset(of: $0) }
        }
    }

    /// The relaxed reference of `systems`: cached phases are reused, the rest relaxed (and cached
    /// one by one, so an interrupted build resumes). `progress` gets (done, total) over the
    /// structures still to relax.
    public func build(systems: [[Element]], cache: any MLIPReferenceCache, coverage: String? = nil,
                      progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> MLIPReference {
        let mp = try ReferenceStructures.mp()
        let indices = try Self.structures(systems: systems)
        let key = self.key
        let known = try cache.mlipPhases(key: key)
        let todo = indices.filter { known[mp.id(at: $0)] == nil }
        let relaxer = self.relaxer
        let fresh = try WorkQueue.map(todo.count, workers: workers, progress: { done, _ in progress?(done, todo.count) }) { k in
            let j = todo[k]
            let phase = Self.relax(mp.structure(at: j), id: mp.id(at: j), with: relaxer)
            try cache.storeMLIPPhase(phase, key: key)
            return phase
        }
        let byID = known.merging(zip(todo.map { mp.id(at: $0) }, fresh).map { ($0, $1) }) { $1 }
        return MLIPReference(model: key, phases: indices.map { byID[mp.id(at: $0)]! }, coverage: coverage)
    }

    /// One structure relaxed; errors and failed relaxations become a phase without energy.
    static func relax(_ s: Structure, id: String, with relaxer: Relaxer) -> MLIPReference.Phase {
        let formula = s.composition.formula
        do {
            let r = try relaxer.relax(s)
            if case .failed(let why) = r.outcome {
                return MLIPReference.Phase(id: id, formula: formula, energy: nil, outcome: r.outcome.label, error: why)
            }
            return MLIPReference.Phase(id: id, formula: formula, energy: r.final.result.energy, outcome: r.outcome.label)
        } catch {
            return MLIPReference.Phase(id: id, formula: formula, energy: nil, outcome: "error", error: ErrorText.describe(error))
        }
    }

    /// How much of the MP reference of `systems` has a bundled structure, in words: the share of
    /// all entries, and of the MP hull phases (a hull phase counts as covered when a bundled
    /// structure has its reduced formula). `mpHull` is an MP-reference service holding those systems.
    public static func coverage(systems: [[Element]], mpHull: HullService) throws -> String {
        let sets = systems.map(Set.init)
        let inSystems = { (c: Composition) in sets.contains { Set(c.elements).isSubset(of: $0) } }
        let entries = mpHull.referenceEntries.filter { inSystems($0.composition) }
        let withStructure = entries.filter { $0.id.hasPrefix("mp-") }.count
        let mp = try ReferenceStructures.mp()
        let formulas = Set(try structures(systems: systems).map { mp.composition(at: $0).reducedFormula })
        let hull = entries.isEmpty ? [] : try PhaseDiagram(entries: entries).stableEntries
        let covered = hull.filter { formulas.contains($0.composition.reducedFormula) }.count
        return "\(withStructure) of \(entries.count) MP entries of these systems have a bundled structure; "
            + "\(covered) of \(hull.count) MP hull phases are covered"
    }
}

/// `MLIPReferenceCache` in a folder, for the command line: one JSON-lines file per cache key
/// (`mlip-<key as a file name>.jsonl`), each phase appended and fsynced as it finishes. A torn
/// last line (a killed run) is ignored; a later line for the same id wins.
public final class MLIPReferenceFolder: MLIPReferenceCache, @unchecked Sendable {
    public let folder: URL
    private let lock = NSLock()

    /// Uses `folder`, creating it when needed.
    public init(folder: URL) throws {
        self.folder = folder
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw EvaluationError(file: folder.path, "cannot create the reference cache folder: \(ErrorText.describe(error))")
        }
    }

    /// The file of one cache key.
    public func file(key: String) -> URL {
        let safe = String(key.map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "_" })
        return folder.appendingPathComponent("mlip-\(safe).jsonl")
    }

    public func mlipPhases(key: String) throws -> [String: MLIPReference.Phase] {
        lock.lock(); defer { lock.unlock() }
        guard let data = try? Data(contentsOf: file(key: key)) else { return [:] }
        var out: [String: MLIPReference.Phase] = [:]
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let p = try? JSONDecoder().decode(MLIPReference.Phase.self, from: Data(line)) else { continue }
            out[p.id] = p
        }
        return out
    }

    public func storeMLIPPhase(_ phase: MLIPReference.Phase, key: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var line = try encoder.encode(phase)
        line.append(UInt8(ascii: "\n"))
        lock.lock(); defer { lock.unlock() }
        let path = file(key: key).path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw EvaluationError(file: path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // A torn last line from a killed run: start on a fresh line.
        let size = lseek(fd, 0, SEEK_END)
        if size > 0, let h = FileHandle(forReadingAtPath: path) {
            defer { try? h.close() }
            try? h.seek(toOffset: UInt64(size - 1))
            if h.readData(ofLength: 1) != Data([UInt8(ascii: "\n")]) { line.insert(UInt8(ascii: "\n"), at: 0) }
        }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(fd) == 0 else {
            throw EvaluationError(file: path, "cannot append: \(String(cString: strerror(errno)))")
        }
    }
}
