import CrystalIO
import Dynamics
import Foundation
import KilnSupport

/// The trajectory of `kiln md`: extended XYZ frames appended as they come, each followed by the exact
/// state in PATH.state.json (written atomically), so a killed run is continued from its last saved
/// frame; frames after it (a torn one, or one whose state was not yet saved) are dropped.
struct MDTrajectoryFile {
    let path: String
    var statePath: String { path + ".state.json" }

    init(path: String) throws {
        guard !path.isEmpty else { throw CommandError("--trajectory: empty path") }
        self.path = path
    }

    /// The saved state to continue from, or nil for a new trajectory; the trajectory file is cut
    /// back to the saved frame.
    func resume(settings: [String: String], log: (String) -> Void) throws -> MDCheckpoint? {
        let files = FileManager.default
        guard files.fileExists(atPath: path) else { return nil }
        guard files.fileExists(atPath: statePath) else {
            throw CommandError("\(path) exists without its state file \(statePath), so it cannot be continued: remove it or choose another --trajectory")
        }
        let saved = try CommandError.naming(statePath) { try JSONDecoder().decode(MDCheckpoint.self, from: Data(contentsOf: URL(fileURLWithPath: statePath))) }
        let changed = Set(settings.keys).union(saved.settings.keys).filter { settings[$0] != saved.settings[$0] }.sorted()
        guard changed.isEmpty else {
            throw CommandError("\(path) was written with other settings (\(changed.map { "\($0): \(saved.settings[$0] ?? "none") → \(settings[$0] ?? "none")" }.joined(separator: ", "))); "
                               + "run the same command to continue it, or choose another --trajectory")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let (kept, steps, torn) = Self.completeFrames(data, upTo: saved.step)
        guard steps.last == saved.step else {
            throw CommandError("\(path) has no complete frame at step \(saved.step), where \(statePath) stands: remove both to start again")
        }
        if torn { log("\(path): dropped a torn last frame (the run was interrupted while writing it)") }
        if kept < data.count {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: UInt64(kept))
            try handle.close()
        }
        log("\(path): continuing from step \(saved.step)")
        return saved
    }

    /// The byte length of the leading complete frames with step ≤ `last`, their steps, and whether a
    /// torn frame (cut short, or without a step) followed.
    static func completeFrames(_ data: Data, upTo last: Int) -> (bytes: Int, steps: [Int], torn: Bool) {
        let bytes = [UInt8](data)
        var lineStarts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { lineStarts.append(i + 1) }
        // lineStarts[k + 1] is the end of complete line k; a last line without "\n" is incomplete.
        let complete = lineStarts.count - 1
        func line(_ k: Int) -> String { String(decoding: bytes[lineStarts[k]..<lineStarts[k + 1] - 1], as: UTF8.self) }
        var k = 0, kept = 0, steps: [Int] = []
        while k < complete {
            guard let n = Int(line(k).trimmingCharacters(in: .whitespaces)), n > 0, k + 1 + n < complete,
                  let step = line(k + 1).split(separator: " ").first(where: { $0.hasPrefix("step=") }).flatMap({ Int(Double($0.dropFirst(5)) ?? -1) })
            else { return (kept, steps, true) }
            guard step <= last else { return (kept, steps, false) }
            k += 2 + n
            kept = lineStarts[k]
            steps.append(step)
        }
        return (kept, steps, kept < bytes.count)
    }

    /// Starts a new trajectory with the first frame.
    func begin(_ s: MolecularDynamics.State, timestep: Double, settings: [String: String], statistics: MDStatistics) throws {
        try? FileManager.default.removeItem(atPath: path)
        try save(MDCheckpoint(settings: settings, state: s, statistics: statistics))
        try Data(try frame(s, timestep: timestep).utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Appends a frame, then saves the state it shows.
    func append(_ s: MolecularDynamics.State, timestep: Double, settings: [String: String], statistics: MDStatistics) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(try frame(s, timestep: timestep).utf8))
        try handle.close()
        try save(MDCheckpoint(settings: settings, state: s, statistics: statistics))
    }

    private func save(_ checkpoint: MDCheckpoint) throws {
        try JSONEncoder().encode(checkpoint).write(to: URL(fileURLWithPath: statePath), options: .atomic)
    }

    private func frame(_ s: MolecularDynamics.State, timestep: Double) throws -> String {
        var info: [(key: String, value: ExtendedXYZ.Frame.InfoValue)] = [
            ("step", .number(Double(s.step))), ("time_fs", .number(Double(s.step) * timestep)), ("energy", .number(s.totalEnergy)),
            ("potential_energy", .number(s.potentialEnergy)), ("temperature", .number(s.temperature)),
        ]
        if let p = s.pressure { info += [("pressure_GPa", .number(p)), ("volume", .number(s.structure.lattice.volume))] }
        return try ExtendedXYZ.string(frames: [ExtendedXYZ.Frame(s.structure, info: info,
                                                                 columns: (0..<3).map { k in (["vx", "vy", "vz"][k], s.velocities.map { $0[k] }) })])
    }
}
