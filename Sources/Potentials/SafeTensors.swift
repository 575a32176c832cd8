import Foundation
import KilnSupport

/// A reader for the safetensors format: an 8-byte little-endian header length, a JSON header
/// mapping tensor names to `{dtype, shape, data_offsets}`, then the raw little-endian buffers.
/// Only F32, F64, F16 and BF16 tensors can be read as numbers (converted to Float); `encode` writes F32.
public struct SafeTensors: Sendable {
    /// One tensor's description from the header.
    public struct Entry: Sendable {
        public let dtype: String
        public let shape: [Int]
        /// Byte range inside the data section.
        public let range: Range<Int>
    }

    /// Tensors by name.
    public let entries: [String: Entry]
    /// The free-form `__metadata__` block.
    public let metadata: [String: String]
    private let data: Data
    private let dataStart: Int

    /// Reads a file; throws `CalculatorError.modelFile` naming the file and the problem.
    public init(contentsOf url: URL) throws {
        let bytes: Data
        do { bytes = try Data(contentsOf: url) } catch {
            throw CalculatorError.modelFile("\(url.path): cannot read (\(ErrorText.describe(error)))")
        }
        try self.init(data: bytes, name: url.lastPathComponent)
    }

    /// Parses safetensors bytes; `name` is used in error messages.
    public init(data bytes: Data, name: String = "safetensors") throws {
        func fail(_ why: String) -> CalculatorError { .modelFile("\(name): \(why)") }
        guard bytes.count >= 8 else { throw fail("file shorter than its 8-byte header length") }
        var headerLength: UInt64 = 0
        for k in 0..<8 { headerLength |= UInt64(bytes[bytes.startIndex + k]) << (8 * UInt64(k)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail("header length \(headerLength) exceeds the file size \(bytes.count)")
        }
        let start = bytes.startIndex + 8
        let headerData = bytes[start..<(start + Int(headerLength))]
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw fail("header is not a JSON object")
        }
        let dataSize = bytes.count - 8 - Int(headerLength)
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (key, value) in header {
            if key == "__metadata__" {
                for (k, v) in value as? [String: Any] ?? [:] { metadata[k] = "\(v)" }
                continue
            }
            guard let d = value as? [String: Any], let dtype = d["dtype"] as? String,
                  let shape = d["shape"] as? [Int], let offsets = d["data_offsets"] as? [Int],
                  offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataSize
            else { throw fail("tensor '\(key)' has a malformed header entry") }
            let count = shape.reduce(1, *)
            if let size = Self.elementSize(dtype), count * size != offsets[1] - offsets[0] {
                throw fail("tensor '\(key)' has \(offsets[1] - offsets[0]) bytes for shape \(shape) of \(dtype)")
            }
            entries[key] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        self.entries = entries
        self.metadata = metadata
        self.data = bytes
        self.dataStart = start + Int(headerLength)
    }

    private static func elementSize(_ dtype: String) -> Int? {
        switch dtype {
        case "F64", "I64", "U64": return 8
        case "F32", "I32", "U32": return 4
        case "F16", "BF16", "I16", "U16": return 2
        case "I8", "U8", "BOOL": return 1
        default: return nil
        }
    }

    /// The values of tensor `name` in row-major order, converted to Float.
    /// Throws when it is missing, not a floating-point type, or (if given) of another shape.
    public func floats(_ name: String, shape expected: [Int]? = nil) throws -> [Float] {
        guard let e = entries[name] else { throw CalculatorError.modelFile("tensor '\(name)' is missing") }
        if let expected, expected != e.shape {
            throw CalculatorError.modelFile("tensor '\(name)' has shape \(e.shape), expected \(expected)")
        }
        let count = e.shape.reduce(1, *)
        let base = dataStart + e.range.lowerBound
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Float] in
            let p = raw.baseAddress!.advanced(by: base - data.startIndex)
            switch e.dtype {
            case "F32":
                return (0..<count).map { Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            case "F64":
                return (0..<count).map { Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))) }
            case "F16":
                return (0..<count).map { Self.half(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) }
            case "BF16":
                return (0..<count).map { Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) << 16) }
            default:
                throw CalculatorError.modelFile("tensor '\(name)' has dtype \(e.dtype), not a float type")
            }
        }
    }

    /// A safetensors file of float32 tensors, in the given order, with string metadata.
    public static func encode(_ tensors: [(name: String, shape: [Int], values: [Float])], metadata: [String: String] = [:]) -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        for t in tensors {
            precondition(t.shape.reduce(1, *) == t.values.count, "SafeTensors.encode: \(t.name) has \(t.values.count) values for \(t.shape)")
            header[t.name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.values.count]]
            offset += 4 * t.values.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for t in tensors {
            t.values.withUnsafeBufferPointer { buffer in
                for v in buffer { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            }
        }
        return out
    }

    /// IEEE half precision to Float (portable: no Float16 on every platform).
    private static func half(_ h: UInt16) -> Float {
        let sign: Float = h & 0x8000 != 0 ? -1 : 1
        let exp = Int((h >> 10) & 0x1F), frac = Float(h & 0x3FF)
        if exp == 0 { return sign * frac * Float(pow(2.0, -24.0)) }
        if exp == 31 { return frac == 0 ? sign * .infinity : .nan }
        return sign * (1 + frac / 1024) * Float(pow(2.0, Double(exp - 15)))
    }
}
