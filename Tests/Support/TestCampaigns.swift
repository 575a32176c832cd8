import Foundation

/// The small campaign the campaign, server and worker tests run, and the `kiln` executable they
/// start as a separate process.
public enum TestCampaigns {
    /// Rock-salt chemistry, at most 4 atoms: 6 substitution and 3 random symmetric candidates, a few
    /// seconds to relax on 2 cores; some duplicates, known phases and new structures.
    public static let naCl = """
        name = "na-cl-test"
        [target]
        chemical_systems = ["Na-Cl"]
        max_atoms = 4
        [relax]
        steps = 200
        [[generators]]
        kind = "substitution"
        budget = 6
        seed = 1
        [[generators]]
        kind = "random_symmetric"
        budget = 3
        seed = 2
        time_limit = 10
        """

    /// The `kiln` executable built beside the test bundle, if there is one.
    public static var kiln: URL? {
        let dirs = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
            + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        return dirs.map { $0.appendingPathComponent("kiln") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Starts `kiln` with `arguments` (and extra environment variables), its output discarded.
    public static func launch(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        guard let kiln else { throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "the kiln executable must be built with the tests"]) }
        let p = Process()
        p.executableURL = kiln
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }
}
