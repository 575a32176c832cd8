import Foundation

/// Plain-language text for errors shown to users: a Foundation file error becomes its POSIX cause
/// ("No such file or directory", "Is a directory", "Permission denied") instead of "The operation
/// could not be completed …", a `DecodingError` names the JSON key path and the problem, and any
/// other error gives its `LocalizedError` description or its `description`.
public enum ErrorText {
    public static func describe(_ error: Error) -> String {
        if let decoding = error as? DecodingError { return describe(decoding) }
        if let p = error as? POSIXError { return posix(Int(p.code.rawValue)) }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return posix(ns.code) }
        if ns.domain == NSCocoaErrorDomain {
            // The POSIX cause: a POSIXError value on Linux, an NSError on Darwin.
            switch ns.userInfo[NSUnderlyingErrorKey] {
            case let p as POSIXError: return posix(Int(p.code.rawValue))
            case let cause as NSError where cause.domain == NSPOSIXErrorDomain: return posix(cause.code)
            default: break
            }
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return posix(Int(ENOENT))
            case .fileReadNoPermission, .fileWriteNoPermission: return posix(Int(EACCES))
            case .fileWriteOutOfSpace: return posix(Int(ENOSPC))
            case .fileWriteVolumeReadOnly: return posix(Int(EROFS))
            case .fileReadCorruptFile, .propertyListReadCorrupt: return "the data is not in the expected format"
            default: return "file system error \(ns.code)"
            }
        }
        return (error as? LocalizedError)?.errorDescription ?? String(describing: error)
    }

    private static func posix(_ code: Int) -> String { String(cString: strerror(Int32(code))) }

    private static func describe(_ error: DecodingError) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "" : " at \(path)"
        }
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "unexpected value\(at(c)): \(c.debugDescription)"
        case .keyNotFound(let key, let c): return "missing key '\(key.stringValue)'\(at(c))"
        case .dataCorrupted(let c): return "invalid data\(at(c)): \(c.debugDescription)"
        @unknown default: return String(describing: error)
        }
    }
}
