import Crystal
import Foundation
import KilnSupport

/// Symmetry operations of space groups by Hermann–Mauguin symbol or number, for CIFs that give
/// only a space group (pymatgen's lookup order and tables; see scripts/build_space_groups.py).
public enum SpaceGroupTable {
    private struct File: Decodable {
        let tables: [[String]]
        let encoded: [String: Int]
        let cod: [[Either]]
        let numbers: [String: Int]
    }
    private enum Either: Decodable {
        case string(String), int(Int)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int.self) { self = .int(i) } else { self = .string(try c.decode(String.self)) }
        }
    }
    private struct Loaded: Sendable {
        var tables: [[SymmetryOperation]]
        var encoded: [String: Int]
        var cod: [(String, Int)]
        var numbers: [Int: Int]
    }

    private static let data: Loaded = {
        guard let url = Bundle.module.url(forResource: "space_groups.json", withExtension: "gz"),
              let raw = try? Gzip.readFile(url),
              let file = try? JSONDecoder().decode(File.self, from: raw),
              let tables = try? file.tables.map({ try $0.map { try SymmetryOperation(xyz: $0) } })
        else { fatalError("CrystalIO's bundled space-group table (space_groups.json.gz) is missing or corrupt") }
        var cod: [(String, Int)] = []
        for row in file.cod {
            if row.count == 2, case .string(let s) = row[0], case .int(let k) = row[1] { cod.append((s, k)) }
        }
        var numbers: [Int: Int] = [:]
        for (k, v) in file.numbers { if let n = Int(k) { numbers[n] = v } }
        return Loaded(tables: tables, encoded: file.encoded, cod: cod, numbers: numbers)
    }()

    /// Operations for a Hermann–Mauguin symbol such as "Im-3m", "P 21/c" or "P2_1/c"
    /// (white space and underscores ignored), or nil when the symbol is not known.
    public static func operations(symbol: String) -> [SymmetryOperation]? {
        let key = String(symbol.unicodeScalars.filter { $0 != "_" && !CharacterSet.whitespacesAndNewlines.contains($0) })
        if let k = data.encoded[key] { return data.tables[k] }
        if let row = data.cod.first(where: { $0.0 == key }) { return data.tables[row.1] }
        return nil
    }

    /// Operations of the International Tables number (1–230, standard setting), or nil.
    public static func operations(number: Int) -> [SymmetryOperation]? {
        data.numbers[number].map { data.tables[$0] }
    }
}
