import Foundation

/// An append-only file of finished batch records, one JSON object per line, each line written
/// with a single `write` and made durable with `fsync` before the structure counts as done.
/// A torn last line (the process killed mid-write) is cut off when the journal is reopened.
final class BatchJournal: @unchecked Sendable {
    let url: URL
    private let fd: Int32
    private let lock = NSLock()
    /// Records already in the journal when it was opened, the last line of each id (an input
    /// that changed between runs is journalled again).
    private(set) var records: [String: BatchRecord] = [:]

    init(url: URL) throws {
        self.url = url
        var data = (try? Data(contentsOf: url)) ?? Data()
        if let lastNewline = data.lastIndex(of: UInt8(ascii: "\n")) {
            data = data.prefix(through: lastNewline)
        } else {
            data = Data()
        }
        let decoder = JSONDecoder()
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let r = try? decoder.decode(BatchRecord.self, from: Data(line)) else {
                throw BatchError.journal("\(url.path): unreadable line \(String(decoding: line.prefix(80), as: UTF8.self))")
            }
            records[r.id] = r
        }
        fd = open(url.path, O_WRONLY | O_CREAT, 0o644)
        guard fd >= 0 else { throw BatchError.journal("cannot open \(url.path): \(String(cString: strerror(errno)))") }
        // Drop a torn last line so the next record starts on a fresh line.
        guard ftruncate(fd, off_t(data.count)) == 0, lseek(fd, 0, SEEK_END) >= 0 else {
            throw BatchError.journal("cannot truncate \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Appends `record` durably.
    func append(_ record: BatchRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var line = try encoder.encode(record)
        line.append(UInt8(ascii: "\n"))
        lock.lock()
        defer { lock.unlock() }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(fd) == 0 else {
            throw BatchError.journal("cannot append to \(url.path): \(String(cString: strerror(errno)))")
        }
        records[record.id] = record
    }

    deinit { close(fd) }
}

/// Why a batch could not run.
public enum BatchError: Error, CustomStringConvertible {
    case journal(String)
    case output(String)
    case duplicateID(String)
    case busy(String)

    public var description: String {
        switch self {
        case .busy(let s): return "\(s) is in use by another running kiln process"
        case .journal(let s): return "journal: \(s)"
        case .output(let s): return "output: \(s)"
        case .duplicateID(let s): return "two inputs have the id (or output file name) \(s)"
        }
    }
}

/// Writes `data` to `url` atomically: a temporary file in the same directory, fsync, rename.
func writeDurably(_ data: Data, to url: URL) throws {
    let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    let fd = open(tmp.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw BatchError.output("cannot create \(tmp.path): \(String(cString: strerror(errno)))") }
    let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    let synced = fsync(fd) == 0
    close(fd)
    guard written == data.count, synced, rename(tmp.path, url.path) == 0 else {
        unlink(tmp.path)
        throw BatchError.output("cannot write \(url.path): \(String(cString: strerror(errno)))")
    }
}
