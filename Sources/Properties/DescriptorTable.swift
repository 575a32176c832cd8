import Foundation
import KilnSupport
import Learning
import Potentials
import ReferenceData

/// The CHGNet descriptors of every record of the bundled MP set, in bundle order. Computing them
/// takes one CHGNet pass per structure (minutes on a few cores), so with a folder they are kept
/// there (`chgnet-descriptors.f32`: float32 rows; `chgnet-descriptors.json`: what they were
/// computed with) and appended block by block: a killed run resumes where it stopped. A structure
/// CHGNet cannot evaluate gets a row of NaN (a missing value to the trees).
struct DescriptorTable {
    struct Header: Codable, Equatable {
        var model: String
        var width: Int
        var records: Int
        /// SHA-256 of the record ids, one per line.
        var ids: String
    }

    static let block = 256

    /// Every record's descriptor; `progress(done, total)` after each block.
    static func load(directory: URL?, chgnet: CHGNet, progress: (Int, Int) -> Void) throws -> [[Double]] {
        let mp = try ReferenceStructures.mp()
        let width = CHGNetDescriptor.names.count
        let header = Header(model: chgnet.name, width: width, records: mp.count,
                            ids: SHA256.hex(mp.indices.map { mp.id(at: $0) + "\n" }.joined()))
        var rows: [[Double]] = []
        var handle: FileHandle?
        if let directory {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let headerURL = directory.appendingPathComponent("chgnet-descriptors.json")
            let dataURL = directory.appendingPathComponent("chgnet-descriptors.f32")
            if FileManager.default.fileExists(atPath: headerURL.path) {
                let old = try JSONDecoder().decode(Header.self, from: Data(contentsOf: headerURL))
                guard old == header else {
                    throw PropertyError.undefined("\(dataURL.path) holds descriptors of another model or data set; remove it")
                }
            } else {
                try JSONEncoder().encode(header).write(to: headerURL, options: .atomic)
                try? FileManager.default.removeItem(at: dataURL)
            }
            if !FileManager.default.fileExists(atPath: dataURL.path),
               !FileManager.default.createFile(atPath: dataURL.path, contents: nil) {
                throw PropertyError.undefined("cannot create \(dataURL.path)")
            }
            let data = try Data(contentsOf: dataURL)
            let rowBytes = width * MemoryLayout<Float>.size
            let complete = min(data.count / rowBytes, mp.count)
            data.withUnsafeBytes { raw in
                let f = raw.bindMemory(to: Float.self)
                for r in 0..<complete { rows.append((0..<width).map { Double(f[r * width + $0]) }) }
            }
            let h = try FileHandle(forWritingTo: dataURL)
            try h.truncate(atOffset: UInt64(complete * rowBytes))  // drops a partly written row
            handle = h
        }
        defer { try? handle?.close() }
        progress(rows.count, mp.count)
        while rows.count < mp.count {
            let start = rows.count, end = min(start + block, mp.count)
            let computed = WorkQueue.map(end - start) { k -> [Double] in
                (try? CHGNetDescriptor.describe(mp.structure(at: start + k), chgnet: chgnet))
                    ?? [Double](repeating: .nan, count: width)
            }
            if let handle {
                var floats = computed.flatMap { $0.map(Float.init) }
                try handle.write(contentsOf: Data(bytes: &floats, count: floats.count * MemoryLayout<Float>.size))
            }
            rows += computed
            progress(rows.count, mp.count)
        }
        return rows
    }
}
