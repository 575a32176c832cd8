import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock (flock) on `.lock` in an output folder, so two runs never work in
/// the same folder at once; the kernel releases it when the process dies, so a killed run leaves
/// nothing to clean up.
public struct DirectoryLock {
    /// Why the lock could not be taken.
    public enum Failure: Error, CustomStringConvertible {
        /// Another process holds it (the folder).
        case busy(String)
        /// The lock file cannot be created (path, reason).
        case cannotCreate(String, String)

        public var description: String {
            switch self {
            case .busy(let folder): return "\(folder) is in use by another running kiln process"
            case .cannotCreate(let path, let why): return "cannot create \(path): \(why)"
            }
        }
    }

    private let fd: Int32

    /// Takes the lock of `folder` (which must exist) or throws at once; never waits.
    public init(folder: URL) throws(Failure) {
        let path = folder.appendingPathComponent(".lock").path
        fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw .cannotCreate(path, String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .busy(folder.path)
        }
    }

    public func release() { close(fd) }
}
