import Foundation

/// A short fingerprint of bytes (64-bit FNV-1a, as 16 hex digits): enough to notice that a file
/// changed between two runs; not a cryptographic hash.
public enum ContentHash {
    public static func fnv1a64(_ data: Data) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return String(format: "%016llx", h)
    }
}
