import Crystal
import CrystalIO
import Foundation

/// One built-in reference structure.
public struct ReferenceRecord: Sendable {
    /// Materials Project id ("mp-22526") or AFLOW prototype label ("AB2_hP3_191_a_d").
    public let id: String
    /// Reduced formula as given by the source.
    public let formula: String
    public let structure: Structure
    /// Legacy MP formation energy (eV/atom, ~2018 corrections); nil for AFLOW prototypes.
    public let formationEnergyPerAtom: Double?
    /// MP band gap (eV); nil for AFLOW prototypes.
    public let bandGap: Double?
    /// Other source columns by name (AFLOW: spacegroup_number, pearson_symbol, strukturbericht,
    /// prototype, description); missing values are left out.
    public let metadata: [String: String]
}

/// A bundled set of reference structures. Loading decodes the compact binary file into flat arrays;
/// records (and their `Structure`s) are built on access.
public struct ReferenceStructures: RandomAccessCollection, Sendable {
    public let name: String
    private let columns: [String: Int]
    private let rows: [[Substring]]
    private let siteStart: [Int]
    private let lattice: [Int32]
    private let frac: [Int32]
    private let occupantStart: [Int]
    private let numbers: [UInt8]
    private let occupancy: [UInt32]
    private let elementTable: [Crystal.Element]

    /// The 36,737 legacy Materials Project structures (CC-BY-4.0; Jain et al. 2013) with formation
    /// energies and band gaps. Loaded once per process.
    public static func mp() throws -> ReferenceStructures { try cachedMP.get() }

    /// The 1,043 AFLOW crystallographic prototypes (Mehl et al. 2017; Hicks et al. 2019, 2021),
    /// 32 of them with partly occupied sites. Loaded once per process.
    public static func aflowPrototypes() throws -> ReferenceStructures { try cachedAFLOW.get() }

    private static let cachedMP = Result(catching: { try ReferenceStructures(resource: "mp_structures") })
    private static let cachedAFLOW = Result(catching: { try ReferenceStructures(resource: "aflow_prototypes") })

    public var startIndex: Int { 0 }
    public var endIndex: Int { rows.count }

    public subscript(i: Int) -> ReferenceRecord {
        var meta: [String: String] = [:]
        for (key, col) in columns where !["id", "formula", "formation_energy_per_atom", "band_gap"].contains(key) {
            if !rows[i][col].isEmpty { meta[key] = String(rows[i][col]) }
        }
        return ReferenceRecord(id: id(at: i), formula: formula(at: i), structure: structure(at: i),
                               formationEnergyPerAtom: double("formation_energy_per_atom", i),
                               bandGap: double("band_gap", i), metadata: meta)
    }

    public func id(at i: Int) -> String { field("id", i) ?? "" }
    public func formula(at i: Int) -> String { field("formula", i) ?? "" }
    /// Number of sites of record i (no structure is built).
    public func siteCount(at i: Int) -> Int { siteStart[i + 1] - siteStart[i] }
    /// True when every site of record i is fully occupied by one element.
    public func isOrdered(at i: Int) -> Bool {
        (siteStart[i]..<siteStart[i + 1]).allSatisfy {
            occupantStart[$0 + 1] - occupantStart[$0] == 1 && occupancy[occupantStart[$0]] == 1_000_000
        }
    }
    /// Distinct elements of record i in order of first appearance (no structure is built).
    public func elements(at i: Int) -> [Crystal.Element] {
        var out: [Crystal.Element] = []
        for p in occupantStart[siteStart[i]]..<occupantStart[siteStart[i + 1]] {
            let e = elementTable[Int(numbers[p])]
            if !out.contains(e) { out.append(e) }
        }
        return out
    }

    /// Composition of record i (no structure is built).
    public func composition(at i: Int) -> Composition {
        Composition((occupantStart[siteStart[i]]..<occupantStart[siteStart[i + 1]]).map {
            (elementTable[Int(numbers[$0])], Double(occupancy[$0]) * 1e-6)
        })
    }

    /// The structure of record i.
    public func structure(at i: Int) -> Structure {
        var l: [[Double]] = []
        for r in 0..<3 { l.append((0..<3).map { Double(lattice[9 * i + 3 * r + $0]) * 1e-6 }) }
        var sites: [Site] = []
        sites.reserveCapacity(siteCount(at: i))
        for s in siteStart[i]..<siteStart[i + 1] {
            let f = Vec3(Double(frac[3 * s]), Double(frac[3 * s + 1]), Double(frac[3 * s + 2])) * 1e-6
            let occ = (occupantStart[s]..<occupantStart[s + 1]).map {
                Site.SpeciesOccupancy(Species(elementTable[Int(numbers[$0])]), Double(occupancy[$0]) * 1e-6)
            }
            sites.append(Site(occupancy: occ, frac: f))
        }
        return Structure(lattice: Lattice(l), sites: sites)
    }

    private func field(_ name: String, _ i: Int) -> String? {
        guard let c = columns[name], !rows[i][c].isEmpty else { return nil }
        return String(rows[i][c])
    }

    private func double(_ name: String, _ i: Int) -> Double? {
        guard let c = columns[name], !rows[i][c].isEmpty else { return nil }
        return Double(rows[i][c])
    }

    /// Decodes a bundled `.kref.gz` file (format in scripts/build_generation_resources.py).
    init(resource: String) throws {
        let file = "\(resource).kref.gz"
        guard let url = Bundle.module.url(forResource: resource, withExtension: "kref.gz") else {
            throw GenerationError.corruptResource("\(file) is missing from the Generation bundle")
        }
        let data: Data
        do { data = try Gzip.readFile(url) } catch {
            throw GenerationError.corruptResource("\(file): \(error)")
        }
        func fail(_ why: String) -> GenerationError { .corruptResource("\(file): \(why)") }
        name = resource
        elementTable = [Crystal.Element.all[0]] + Crystal.Element.all  // index = atomic number
        var reader = ByteReader(data: data)
        guard reader.remaining >= 24, String(decoding: try reader.bytes(8), as: UTF8.self) == "KILNREF1" else {
            throw fail("not a Kiln reference-structure file")
        }
        let (n, nSites, nOcc, nText) = (try reader.count(), try reader.count(), try reader.count(), try reader.count())
        let text = String(decoding: try reader.bytes(nText), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == n + 1 else { throw fail("expected \(n) text lines, found \(lines.count - 1)") }
        let header = lines.removeFirst().split(separator: "\t").map(String.init)
        columns = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        guard columns["id"] != nil, columns["formula"] != nil else { throw fail("no id/formula columns") }
        rows = try lines.enumerated().map { k, line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == header.count else { throw fail("record \(k + 1) has \(f.count) fields, expected \(header.count)") }
            return f
        }
        let counts: [UInt16] = try reader.array(n)
        lattice = try reader.array(9 * n)
        frac = try reader.array(3 * nSites)
        let occCounts: [UInt8] = try reader.array(nSites)
        numbers = try reader.array(nOcc)
        occupancy = try reader.array(nOcc)
        guard reader.remaining == 0 else { throw fail("\(reader.remaining) unexpected trailing bytes") }
        siteStart = Self.prefixSums(counts.map(Int.init))
        occupantStart = Self.prefixSums(occCounts.map(Int.init))
        guard siteStart.last == nSites, occupantStart.last == nOcc else { throw fail("site counts do not add up") }
        if let bad = numbers.first(where: { $0 == 0 || Int($0) > Crystal.Element.all.count }) {
            throw fail("unknown atomic number \(bad)")
        }
    }

    private static func prefixSums(_ xs: [Int]) -> [Int] {
        var out = [0]
        out.reserveCapacity(xs.count + 1)
        for x in xs { out.append(out.last! + x) }
        return out
    }
}

/// Sequential little-endian reader over decompressed bytes.
private struct ByteReader {
    let data: Data
    var offset = 0
    var remaining: Int { data.count - offset }

    mutating func bytes(_ n: Int) throws -> Data {
        guard n >= 0, n <= remaining else { throw GenerationError.corruptResource("file ends early") }
        defer { offset += n }
        return data.subdata(in: data.startIndex + offset..<data.startIndex + offset + n)
    }

    mutating func count() throws -> Int {
        let v: [UInt32] = try array(1)
        return Int(v[0])
    }

    /// `n` fixed-width little-endian integers.
    mutating func array<T: FixedWidthInteger>(_ n: Int) throws -> [T] {
        let size = n * MemoryLayout<T>.size
        guard size <= remaining else { throw GenerationError.corruptResource("file ends early") }
        let start = data.startIndex + offset
        offset += size
        return data.withUnsafeBytes { raw in
            (0..<n).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: start - data.startIndex + $0 * MemoryLayout<T>.size, as: T.self)) }
        }
    }
}
