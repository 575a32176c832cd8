/// The one fixed split of a data set by material id, used by every learned model: with h the first
/// 8 hex digits of SHA-256 of the id's UTF-8 bytes read as an integer, h mod 10 = 0 is *test*,
/// 1 is *validation* (early stopping, calibration) and the rest is *training*.
public enum DataSplit: String, Sendable, CaseIterable, Codable {
    case training, validation, test

    public init(id: String) {
        let d = SHA256.digest(id.utf8)
        let h = UInt32(d[0]) << 24 | UInt32(d[1]) << 16 | UInt32(d[2]) << 8 | UInt32(d[3])
        switch h % 10 {
        case 0: self = .test
        case 1: self = .validation
        default: self = .training
        }
    }
}
