import ArgumentParser
import Crystal
import CrystalIO
import Foundation
import KilnCommands
import KilnSupport

/// The fixture files the benchmarks read (Tests/Fixtures, gzip-compressed JSON).
enum BenchInputs {
    /// A JSON file (optionally gzip-compressed) decoded as `T`; failures name the file.
    static func decode<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        try CommandError.requireExisting(path)
        return try CommandError.naming(path) { try JSONDecoder().decode(T.self, from: Gzip.readFile(URL(fileURLWithPath: path))) }
    }

    /// A JSON file's top-level object, for files read key by key.
    static func json(_ path: String) throws -> [String: Any] {
        try CommandError.requireExisting(path)
        let object = try CommandError.naming(path) { try JSONSerialization.jsonObject(with: Gzip.readFile(URL(fileURLWithPath: path))) }
        guard let d = object as? [String: Any] else { throw CommandError("\(path): expected a JSON object") }
        return d
    }

    /// CIF texts of cifs.json (`{cifs: {id: {text}}}`) in id order.
    static func cifTexts(_ path: String) throws -> [String] {
        struct File: Decodable {
            struct CIF: Decodable { var text: String }
            var cifs: [String: CIF]
        }
        let cifs = try decode(File.self, from: path).cifs
        return cifs.keys.sorted().map { cifs[$0]!.text }
    }

    /// The structures of structures.json (`{structures: [{id, structure}]}`) by id, in file order.
    static func fixtureStructures(_ path: String) throws -> [(id: String, structure: Structure)] {
        struct File: Decodable {
            struct Record: Decodable { var id: String; var structure: StructureCoding }
            var structures: [Record]
        }
        return try decode(File.self, from: path).structures.map { r in
            (r.id, try CommandError.naming(path) { try r.structure.structure() })
        }
    }
}

/// `--fixtures DIR --repeats N` of the benchmarks that read several fixture files.
struct BenchFixtures: ParsableArguments {
    @Option(help: "Folder with the fixture files.")
    var fixtures = "Tests/Fixtures"

    @Option(help: "Timed runs per case (the median is reported).")
    var repeats = 5

    func validate() throws { try Timing.validate(repeats: repeats) }

    /// The path of fixture file `name`.
    func path(_ name: String) -> String { (fixtures as NSString).appendingPathComponent(name) }
}

/// `--structures FILE`: the structure set of the benchmarks that time per-structure work.
struct BenchStructures: ParsableArguments {
    @Option(help: "structures.json(.gz) with {structures: [{id, structure: {lattice, species, frac_coords}}]}.")
    var structures = "Tests/Fixtures/structures.json.gz"

    func load() throws -> [Structure] { try BenchInputs.fixtureStructures(structures).map(\.structure) }
}
