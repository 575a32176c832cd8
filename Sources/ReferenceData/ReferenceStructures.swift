import Crystal
import Foundation
import KilnSupport

/// The bundled reference-structure sets (raw value = resource name).
public enum ReferenceSet: String, Sendable, Hashable, CaseIterable {
    /// Legacy Materials Project structures with energies.
    case materialsProject = "mp_structures"
    /// AFLOW crystallographic prototypes.
    case aflowPrototypes = "aflow_prototypes"
}

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
    /// UTF-8 text of the records, one tab-separated line each; line i spans lineStart[i]..<lineStart[i+1]-1.
    private let text: [UInt8]
    private let lineStart: [Int]
    private let siteStart: [Int]
    private let lattice: [Int32]
    private let frac: [Int32]
    private let occupantStart: [Int]
    private let numbers: [UInt8]
    private let occupancy: [UInt32]
    private let elementTable: [Crystal.Element]

    /// The 36,737 legacy Materials Project structures (CC-BY-4.0; Jain et al. 2013) with formation
    /// energies and band gaps. Loaded once per process.
    public static func mp() throws -> ReferenceStructures { try shared(.materialsProject) }

    /// The 1,043 AFLOW crystallographic prototypes (Mehl et al. 2017; Hicks et al. 2019, 2021),
    /// 32 of them with partly occupied sites. Loaded once per process.
    public static func aflowPrototypes() throws -> ReferenceStructures { try shared(.aflowPrototypes) }

    /// The process-wide copy of a bundled set (loaded on first use).
    public static func shared(_ set: ReferenceSet) throws -> ReferenceStructures {
        switch set {
        case .materialsProject: return try cachedMP.get()
        case .aflowPrototypes: return try cachedAFLOW.get()
        }
    }

    /// Decodes a bundled set afresh (prefer `shared(_:)`, which decodes once).
    public static func load(_ set: ReferenceSet) throws -> ReferenceStructures {
        try ReferenceStructures(resource: set.rawValue)
    }

    private static let cachedMP = Result(catching: { try load(.materialsProject) })
    private static let cachedAFLOW = Result(catching: { try load(.aflowPrototypes) })

    public var startIndex: Int { 0 }
    public var endIndex: Int { lineStart.count - 1 }

    public subscript(i: Int) -> ReferenceRecord {
        var meta: [String: String] = [:]
        for key in columns.keys where !["id", "formula", "formation_energy_per_atom", "band_gap"].contains(key) {
            meta[key] = field(key, i)
        }
        return ReferenceRecord(id: id(at: i), formula: formula(at: i), structure: structure(at: i),
                               formationEnergyPerAtom: double("formation_energy_per_atom", i),
                               bandGap: double("band_gap", i), metadata: meta)
    }

    public func id(at i: Int) -> String { field("id", i) ?? "" }
    /// Index of the record with this id (linear search).
    public func index(ofID id: String) -> Int? { indices.first { self.id(at: $0) == id } }
    public func formula(at i: Int) -> String { field("formula", i) ?? "" }
    /// MP band gap (eV) of record i; nil for AFLOW prototypes (no structure is built).
    public func bandGap(at i: Int) -> Double? { double("band_gap", i) }
    /// Legacy MP formation energy (eV/atom) of record i; nil for AFLOW prototypes (no structure is built).
    public func formationEnergyPerAtom(at i: Int) -> Double? { double("formation_energy_per_atom", i) }
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

    /// Column `name` of record i; nil when empty.
    private func field(_ name: String, _ i: Int) -> String? {
        guard let c = columns[name] else { return nil }
        var start = lineStart[i], column = 0
        let end = lineStart[i + 1] - 1
        while column < c {
            while text[start] != 9 { start += 1 }  // tab
            start += 1
            column += 1
        }
        var stop = start
        while stop < end && text[stop] != 9 { stop += 1 }
        return stop > start ? String(decoding: text[start..<stop], as: UTF8.self) : nil
    }

    private func double(_ name: String, _ i: Int) -> Double? { field(name, i).flatMap(Double.init) }

    /// Decodes a bundled `.kref.gz` file (format in scripts/build_generation_resources.py).
    init(resource: String) throws {
        let file = "\(resource).kref.gz"
        guard let url = Bundle.module.url(forResource: resource, withExtension: "kref.gz") else {
            throw ReferenceDataError.corrupt("\(file) is missing from the ReferenceData bundle")
        }
        let data: Data
        do { data = try Gzip.readFile(url) } catch {
            throw ReferenceDataError.corrupt("\(file): \(ErrorText.describe(error))")
        }
        func fail(_ why: String) -> ReferenceDataError { .corrupt("\(file): \(why)") }
        name = resource
        elementTable = [Crystal.Element.all[0]] + Crystal.Element.all  // index = atomic number
        var reader = ByteReader(data: data)
        guard reader.remaining >= 24, String(decoding: try reader.bytes(8), as: UTF8.self) == "KILNREF1" else {
            throw fail("not a Kiln reference-structure file")
        }
        let (n, nSites, nOcc, nText) = (try reader.count(), try reader.count(), try reader.count(), try reader.count())
        text = try reader.array(nText)
        guard let headerEnd = text.firstIndex(of: 10) else { throw fail("no header line") }
        let header = String(decoding: text[..<headerEnd], as: UTF8.self).split(separator: "\t").map(String.init)
        columns = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        guard columns["id"] != nil, columns["formula"] != nil else { throw fail("no id/formula columns") }
        // Record line starts; every line must have one field per column.
        var starts = [headerEnd + 1]
        starts.reserveCapacity(n + 1)
        var badLine: Int?
        text.withUnsafeBufferPointer { t in
            var tabs = 0
            for k in (headerEnd + 1)..<t.count {
                if t[k] == 9 { tabs += 1 } else if t[k] == 10 {
                    if tabs != header.count - 1 && badLine == nil { badLine = starts.count }
                    starts.append(k + 1)
                    tabs = 0
                }
            }
            if tabs != header.count - 1 && badLine == nil { badLine = starts.count }
        }
        starts.append(text.count + 1)
        if let bad = badLine { throw fail("record \(bad) does not have \(header.count) fields") }
        guard starts.count == n + 1 else { throw fail("expected \(n) records, found \(starts.count - 1)") }
        lineStart = starts
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
        let known = elementTable.count - 1
        if let bad = numbers.first(where: { $0 == 0 || Int($0) > known }) {
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

    mutating func bytes(_ n: Int) throws -> [UInt8] { try array(n) }

    mutating func count() throws -> Int { Int(try array(1)[0] as UInt32) }

    /// `n` fixed-width little-endian integers, copied in bulk.
    mutating func array<T: FixedWidthInteger>(_ n: Int) throws -> [T] {
        let size = n * MemoryLayout<T>.stride
        guard n >= 0, size <= remaining else { throw ReferenceDataError.corrupt("file ends early") }
        let start = offset
        offset += size
        var out = [T](repeating: 0, count: n)
        out.withUnsafeMutableBytes { dst in
            data.withUnsafeBytes { src in
                dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<start + size]))
            }
        }
        #if _endian(big)
        for k in out.indices { out[k] = T(littleEndian: out[k]) }
        #endif
        return out
    }
}
