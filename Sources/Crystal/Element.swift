import Foundation

/// A chemical element with the tabulated data Kiln uses (pymatgen, SMACT, Magpie; see NOTICE).
public struct Element: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Atomic number.
    public let z: Int

    public init(z: Int) throws {
        guard z >= 1, z <= ElementTable.shared.data.count else {
            throw CrystalError.unknownElement("Z=\(z)")
        }
        self.z = z
    }

    /// Element from its symbol, e.g. "Fe". Throws `CrystalError.unknownElement` otherwise.
    public init(_ symbol: String) throws {
        guard let z = ElementTable.shared.bySymbol[symbol] else {
            throw CrystalError.unknownElement(symbol)
        }
        self.z = z
    }

    /// All elements in order of atomic number.
    public static var all: [Element] { (1...ElementTable.shared.data.count).map { Element(unchecked: $0) } }

    init(unchecked z: Int) { self.z = z }

    public var data: ElementData { ElementTable.shared.data[z - 1] }
    public var symbol: String { data.symbol }
    public var name: String { data.name }
    /// Standard atomic mass (amu).
    public var mass: Double { data.mass }
    /// Pauling electronegativity; nil for elements without one (He, Ne, Ar, …).
    public var electronegativity: Double? { data.electronegativity }
    /// Electronegativity used for ordering formulas; +∞ when unknown.
    public var sortingElectronegativity: Double { data.electronegativity ?? .infinity }
    public var row: Int { data.row }
    public var group: Int { data.group }
    public var block: String { data.block }
    /// Covalent radius (Å, Cordero et al. 2008).
    public var covalentRadius: Double? { data.covalentRadius }
    /// Atomic radius (Å, pymatgen).
    public var atomicRadius: Double? { data.atomicRadius }
    public var description: String { symbol }

    public static func < (a: Element, b: Element) -> Bool { a.z < b.z }
}

/// One row of the bundled periodic table.
public struct ElementData: Codable, Sendable {
    public struct ShannonRadius: Codable, Sendable {
        public let oxidationState: Int
        public let coordination: String
        public let spin: String
        public let crystalRadius: Double
        public let ionicRadius: Double
    }
    public let z: Int
    public let symbol: String
    public let name: String
    public let mass: Double
    public let electronegativity: Double?
    public let atomicRadius: Double?
    public let covalentRadius: Double?
    public let mendeleevNumber: Int?
    public let row: Int
    public let group: Int
    public let block: String
    /// All oxidation states pymatgen lists.
    public let oxidationStates: [Int]
    public let commonOxidationStates: [Int]
    public let icsdOxidationStates: [Int]
    /// SMACT's default oxidation-state list (used for charge-neutrality screening).
    public let smactOxidationStates: [Int]
    /// SMACT's ICSD 2024 list, filtered for more than 5 reports.
    public let smactICSD24OxidationStates: [Int]
    /// Ionic radius (Å) by oxidation state, as pymatgen's "Ionic radii".
    public let ionicRadii: [String: Double]
    public let shannonRadii: [ShannonRadius]
    /// Herfindahl–Hirschman index of production and reserves (Gaultois et al. 2013).
    public let hhiProduction: Double?
    public let hhiReserve: Double?
    /// Crustal abundance in mg/kg (CRC Handbook, via SMACT).
    public let crustalAbundance: Double?
    /// Magpie elemental properties by table name (Ward et al. 2016).
    public let magpie: [String: Double]
}

final class ElementTable: Sendable {
    static let shared = ElementTable()
    let data: [ElementData]
    let bySymbol: [String: Int]

    private init() {
        struct File: Decodable { let elements: [ElementData] }
        guard let url = Bundle.module.url(forResource: "elements", withExtension: "json"),
              let raw = try? Data(contentsOf: url),
              let file = try? JSONDecoder().decode(File.self, from: raw)
        else { fatalError("Kiln's bundled periodic table (elements.json) is missing or corrupt") }
        data = file.elements
        bySymbol = Dictionary(uniqueKeysWithValues: file.elements.map { ($0.symbol, $0.z) })
    }
}
