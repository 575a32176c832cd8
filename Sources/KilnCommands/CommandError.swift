import CrystalIO
import Foundation
import KilnSupport

/// A run-time failure of a command (unreadable input, a failed computation), as opposed to a bad
/// argument (`ValidationError`): ArgumentParser prints "Error: <message>" without the usage text.
public struct CommandError: Error, CustomStringConvertible, Equatable {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// The result of `body`; a failure becomes a CommandError that names `path` (a CrystalIOError
    /// names its file already).
    public static func naming<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as CommandError { throw error } catch let error as CrystalIOError {
            throw CommandError("\(error)")
        } catch {
            throw CommandError("\(path): \(describe(error))")
        }
    }

    /// Throws "<path>: no such file or directory" unless something exists at `path`; true for a folder.
    @discardableResult
    public static func requireExisting(_ path: String) throws -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandError("\(path): no such file or directory")
        }
        return isDirectory.boolValue
    }
}

/// An error's message in plain words (see `ErrorText`).
public func describe(_ error: Error) -> String { ErrorText.describe(error) }

/// Writes a message to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Pretty, key-sorted JSON text of a JSONSerialization-compatible object.
public func jsonText(_ object: Any) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]),
           as: UTF8.self)
}

/// Pretty, key-sorted JSON text of an Encodable value.
func jsonText<T: Encodable>(encoding value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
