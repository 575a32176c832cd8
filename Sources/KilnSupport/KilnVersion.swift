import Foundation

/// Kiln's version, and the git commit the running executable was built from when the build
/// recorded it.
public enum KilnVersion {
    public static let number = "0.1.0"

    /// The commit in `kiln-commit` beside the executable (written by `make` after linking, see
    /// scripts/stamp_commit), trusted only when the file is not older than the executable; nil otherwise.
    public static let commit: String? = {
        guard let exe = Bundle.main.executableURL?.resolvingSymlinksInPath() else { return nil }
        let stamp = exe.deletingLastPathComponent().appendingPathComponent("kiln-commit")
        let fm = FileManager.default
        guard let built = (try? fm.attributesOfItem(atPath: exe.path))?[.modificationDate] as? Date,
              let stamped = (try? fm.attributesOfItem(atPath: stamp.path))?[.modificationDate] as? Date,
              stamped >= built,
              let text = try? String(contentsOf: stamp, encoding: .utf8) else { return nil }
        let commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return commit.isEmpty ? nil : commit
    }()
}
