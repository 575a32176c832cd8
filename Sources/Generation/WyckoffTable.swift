import Crystal
import KilnSupport
import Foundation
import Symmetry

/// A Wyckoff position of a space group in its standard (conventional) setting.
public struct WyckoffPosition: Sendable, Hashable {
    /// Letter, "a" for the most special position.
    public let letter: String
    /// Operations giving every equivalent point of the orbit in the conventional cell from a
    /// free-parameter vector (x, y, z); `operations.count` is the multiplicity.
    public let operations: [SymmetryOperation]

    public var multiplicity: Int { operations.count }
    /// True when the position has at least one free coordinate.
    public var hasFreedom: Bool { operations[0].rotation != Matrix3(Vec3.zero, Vec3.zero, Vec3.zero) }

    /// The orbit of the parameter vector, wrapped into [0, 1).
    public func orbit(_ x: Vec3) -> [Vec3] {
        operations.map { op in
            var f = op.apply(x)
            f -= f.rounded(.down)
            f.replace(with: 0, where: f .>= 1)
            return f
        }
    }
}

/// The Wyckoff positions of one of the 230 space groups (pyxtal 1.1.5 tables, standard settings with
/// hexagonal axes for rhombohedral groups; MIT, © the PyXtal authors).
public struct WyckoffTable: Sendable {
    public let number: Int
    /// Wyckoff positions from the general position (first) to the most special (last, letter "a").
    public let positions: [WyckoffPosition]

    /// The general position: every symmetry operation of the group in the conventional cell.
    public var operations: [SymmetryOperation] { positions[0].operations }

    /// Crystal system from the space-group number.
    public var crystalSystem: CrystalSystem { CrystalSystem(spaceGroupNumber: number)! }

    /// The table of space group `number` (1–230).
    public static func group(_ number: Int) throws -> WyckoffTable {
        let all = try cached.get()
        guard (1...230).contains(number) else {
            throw GenerationError.invalidTarget("space group \(number) is outside 1–230")
        }
        return all[number - 1]
    }

    private static let cached = Result(catching: { () throws -> [WyckoffTable] in
        let file = "wyckoff_list.csv.gz"
        guard let url = Bundle.module.url(forResource: "wyckoff_list", withExtension: "csv.gz") else {
            throw GenerationError.corruptResource("\(file) is missing from the Generation bundle")
        }
        let text = String(decoding: try Gzip.readFile(url), as: UTF8.self)
        var groups: [WyckoffTable] = []
        for (k, line) in text.split(separator: "\n").enumerated() {
            guard let comma = line.firstIndex(of: ","), let n = Int(line[..<comma]), n >= 1 else { continue }
            do {
                let lists = try parseNestedList(line[line.index(after: comma)...])
                let letters = letterSequence(lists.count)
                let positions = try lists.enumerated().map { i, ops in
                    WyckoffPosition(letter: letters[lists.count - 1 - i], operations: try ops.map(operation))
                }
                guard n == groups.count + 1, !positions.isEmpty else { throw ParseError(reason: "groups out of order") }
                groups.append(WyckoffTable(number: n, positions: positions))
            } catch let e as ParseError {
                throw GenerationError.corruptResource("\(file) line \(k + 1): \(e.reason)")
            }
        }
        guard groups.count == 230 else { throw GenerationError.corruptResource("\(file) has \(groups.count) of 230 groups") }
        return groups
    })

    private struct ParseError: Error { let reason: String }

    /// "a"…"z" then "A" (pyxtal's lettering).
    private static func letterSequence(_ n: Int) -> [String] {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzA").map(String.init)
        return (0..<n).map { alphabet[min($0, alphabet.count - 1)] }
    }

    /// `"[['x, y, z', '-x, -y, -z'], ['0, 0, 0']]"` → [["x, y, z", "-x, -y, -z"], ["0, 0, 0"]].
    private static func parseNestedList(_ s: Substring) throws -> [[String]] {
        var lists: [[String]] = []
        var depth = 0
        var inQuote = false
        var current = ""
        for ch in s {
            if inQuote {
                if ch == "'" { lists[lists.count - 1].append(current); current = ""; inQuote = false } else { current.append(ch) }
                continue
            }
            switch ch {
            case "[": depth += 1; if depth == 2 { lists.append([]) }
            case "]": depth -= 1
            case "'": guard depth == 2 else { throw ParseError(reason: "quote outside a position list") }; inQuote = true
            default: break
            }
        }
        guard depth == 0, !inQuote else { throw ParseError(reason: "unbalanced brackets or quotes") }
        return lists
    }

    /// "-x+y+2/3, x, z+1/2" → rotation and translation (singular for special positions).
    private static func operation(_ s: String) throws -> SymmetryOperation {
        do { return try SymmetryOperation(xyz: s, allowSingular: true) } catch {
            throw ParseError(reason: "\(error)")
        }
    }
}
