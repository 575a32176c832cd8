import CZlib
import Foundation

/// gzip (and zlib) decompression and gzip compression through the system zlib.
public enum Gzip {
    public struct Failure: Error, CustomStringConvertible, LocalizedError {
        public let description: String
        /// The bound on decompressed bytes, when exceeding it is the failure.
        public var exceededLimit: Int? = nil
        public var errorDescription: String? { description }
    }

    /// True when the data starts with the gzip magic bytes.
    public static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// Default bound on decompressed size: 2 GiB.
    public static let defaultLimit = 2 << 30

    /// Decompresses gzip or zlib data (auto-detected); concatenated gzip members are read in full.
    /// Throws once the output would exceed `limit` bytes (a corrupt or hostile file cannot grow without bound).
    public static func decompress(_ data: Data, limit: Int = defaultLimit) throws -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(description: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var out = Data()
        let chunk = 1 << 18
        var buffer = [UInt8](repeating: 0, count: chunk)
        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: UInt8.self).baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let status: Int32 = buffer.withUnsafeMutableBufferPointer { buf in
                    stream.next_out = buf.baseAddress
                    stream.avail_out = uInt(chunk)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                guard out.count + chunk - Int(stream.avail_out) <= limit else {
                    throw Failure(description: "decompressed data exceeds the limit of \(sizeText(limit))", exceededLimit: limit)
                }
                out.append(buffer, count: chunk - Int(stream.avail_out))
                if status == Z_STREAM_END {
                    if stream.avail_in == 0 { break }
                    inflateReset(&stream)  // another gzip member follows
                    continue
                }
                guard status == Z_OK else {
                    throw Failure(description: "corrupt compressed data (zlib status \(status))")
                }
                if stream.avail_in == 0 && stream.avail_out != 0 {
                    throw Failure(description: "compressed data ends early")
                }
            }
        }
        return out
    }

    /// A byte count for messages: "256 MiB", "2 GiB", "1536 bytes".
    public static func sizeText(_ bytes: Int) -> String {
        if bytes >= 1 << 30, bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        return "\(bytes) bytes"
    }

    /// Compresses data in gzip format.
    public static func compress(_ data: Data, level: Int32 = 9) throws -> Data {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(description: "zlib could not start deflating")
        }
        defer { deflateEnd(&stream) }
        var out = Data()
        let chunk = 1 << 18
        var buffer = [UInt8](repeating: 0, count: chunk)
        data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: UInt8.self).baseAddress)
            stream.avail_in = uInt(input.count)
            var status = Z_OK
            repeat {
                status = buffer.withUnsafeMutableBufferPointer { buf in
                    stream.next_out = buf.baseAddress
                    stream.avail_out = uInt(chunk)
                    return deflate(&stream, Z_FINISH)
                }
                out.append(buffer, count: chunk - Int(stream.avail_out))
            } while status == Z_OK
        }
        return out
    }

    /// Reads a file, decompressing it (up to `limit` bytes) when it is gzip.
    public static func readFile(_ url: URL, limit: Int = defaultLimit) throws -> Data {
        let raw = try Data(contentsOf: url)
        return isCompressed(raw) ? try decompress(raw, limit: limit) : raw
    }
}
