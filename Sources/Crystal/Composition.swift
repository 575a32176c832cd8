import Foundation

/// Amounts of elements, in the order they were first given (pymatgen's Composition).
public struct Composition: Hashable, Sendable, CustomStringConvertible {
    /// Elements in insertion order.
    public private(set) var elements: [Element] = []
    private var amounts: [Element: Double] = [:]

    /// pymatgen's tolerance below which an amount counts as zero.
    public static let amountTolerance = 1e-8

    public init() {}

    /// Parses a formula such as "Li0.5CoO2", "Ca3(PO4)2" or "CuSO4·5H2O".
    public init(_ formula: String) throws {
        for (el, amt) in try FormulaParser.parse(formula) { add(el, amt) }
        if numAtoms <= Self.amountTolerance {
            throw CrystalError.invalidFormula(formula, reason: "no atoms")
        }
    }

    public init<S: Sequence>(_ pairs: S) where S.Element == (Element, Double) {
        for (el, amt) in pairs { add(el, amt) }
    }

    public init(elements: [Element]) {
        for el in elements { add(el, 1) }
    }

    private mutating func add(_ el: Element, _ amount: Double) {
        if amounts[el] == nil { elements.append(el) }
        amounts[el, default: 0] += amount
    }

    public subscript(el: Element) -> Double { amounts[el] ?? 0 }

    /// (element, amount) pairs in insertion order.
    public var items: [(Element, Double)] { elements.map { ($0, amounts[$0]!) } }
    public var numAtoms: Double { elements.reduce(0) { $0 + abs(amounts[$1]!) } }
    /// Molar mass (g/mol).
    public var weight: Double { items.reduce(0) { $0 + $1.0.mass * $1.1 } }
    /// Amounts divided by the number of atoms.
    public var fractional: Composition {
        let n = numAtoms
        return Composition(items.map { ($0.0, $0.1 / n) })
    }
    /// Chemical system, elements sorted alphabetically and joined by "-", e.g. "Fe-Li-O".
    public var chemicalSystem: String { elements.map(\.symbol).sorted().joined(separator: "-") }

    public static func == (a: Composition, b: Composition) -> Bool {
        let ea = a.elements.filter { abs(a[$0]) > amountTolerance }
        let eb = b.elements.filter { abs(b[$0]) > amountTolerance }
        guard Set(ea) == Set(eb) else { return false }
        return ea.allSatisfy { abs(a[$0] - b[$0]) <= amountTolerance }
    }

    public func hash(into h: inout Hasher) {
        h.combine(Set(elements.filter { abs(self[$0]) > Self.amountTolerance }))
    }

    public static func * (c: Composition, f: Double) -> Composition { Composition(c.items.map { ($0.0, $0.1 * f) }) }
    public static func + (a: Composition, b: Composition) -> Composition { Composition(a.items + b.items) }

    /// Elements sorted by electronegativity, ties by symbol (pymatgen's formula order).
    private var electronegativityOrder: [Element] { Self.formulaOrder(elements) }

    static func formulaOrder(_ els: [Element]) -> [Element] {
        els.sorted { l, r in
            let x = l.sortingElectronegativity, y = r.sortingElectronegativity
            return x != y ? x < y : l.symbol < r.symbol
        }
    }

    /// Formula with amounts, ordered by electronegativity, e.g. "Li2 Fe2 O4" (pymatgen's `formula`).
    public var formula: String {
        electronegativityOrder.map { "\($0.symbol)\(Self.format(self[$0], ignoreOnes: false))" }.joined(separator: " ")
    }

    /// Formula ordered alphabetically, e.g. "Fe2 Li2 O4".
    public var alphabeticalFormula: String {
        elements.sorted { $0.symbol < $1.symbol }
            .map { "\($0.symbol)\(Self.format(self[$0], ignoreOnes: false))" }.joined(separator: " ")
    }

    /// pymatgen's reduced formula string ("LiFeO2", "Li2O2", "O2", "Fe2(SO4)3"…) and the factor.
    public var reducedFormulaAndFactor: (String, Double) {
        let present = elements.filter { abs(self[$0]) > Self.amountTolerance }
        let allInt = present.allSatisfy { abs(self[$0] - self[$0].rounded()) < Self.amountTolerance }
        guard allInt, !present.isEmpty else { return (formula.replacingOccurrences(of: " ", with: ""), 1) }
        let ints = present.map { ($0, Int(self[$0].rounded())) }
        var (formula, factor) = Self.reduce(ints)
        if let special = Self.specialFormulas[formula] {
            formula = special
            factor /= 2
        }
        return (formula, Double(factor))
    }

    public var reducedFormula: String { reducedFormulaAndFactor.0 }

    /// Number of formula units with respect to the reduced formula.
    public var formulaUnits: Double { reducedFormulaAndFactor.1 }

    /// Composition divided by its formula-unit factor.
    public var reduced: Composition {
        let present = elements.filter { abs(self[$0]) > Self.amountTolerance }
        let allInt = present.allSatisfy { abs(self[$0] - self[$0].rounded()) < Self.amountTolerance }
        guard allInt else { return self }
        let g = present.reduce(0) { gcd($0, Int(self[$1].rounded())) }
        return g > 0 ? self * (1 / Double(g)) : self
    }

    /// Anonymized formula, amounts sorted ascending with letters A, B, C…, e.g. "ABC3".
    public var anonymizedFormula: String {
        let amts = reduced.items.map(\.1).filter { abs($0) > Self.amountTolerance }.sorted()
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return amts.enumerated().map { "\(letters[$0.offset % 26])\(Self.format($0.element, ignoreOnes: true))" }.joined()
    }

    public var description: String { formula }

    static let specialFormulas: [String: String] = [
        "LiO": "Li2O2", "NaO": "Na2O2", "KO": "K2O2", "HO": "H2O2", "CsO": "Cs2O2", "RbO": "Rb2O2",
        "O": "O2", "N": "N2", "F": "F2", "Cl": "Cl2", "H": "H2",
    ]

    private static func reduce(_ amounts: [(Element, Int)]) -> (String, Int) {
        let factor = abs(amounts.reduce(0) { gcd($0, $1.1) })
        let lookup = Dictionary(uniqueKeysWithValues: amounts.map { ($0.0, $0.1) })
        var syms = formulaOrder(amounts.map(\.0)).map { ($0, lookup[$0]!) }
        var polyanion = ""
        if syms.count >= 3,
           syms[syms.count - 1].0.sortingElectronegativity - syms[syms.count - 2].0.sortingElectronegativity < 1.65 {
            let tail = Array(syms.suffix(2)).map { ($0.0, $0.1 / factor) }
            let (polyForm, polyFactor) = reduce(tail)
            if polyFactor != 1 {
                polyanion = "(\(polyForm))\(polyFactor)"
                syms.removeLast(2)
            }
        }
        let body = syms.map { "\($0.0.symbol)\(format(Double($0.1) / Double(factor), ignoreOnes: true))" }.joined()
        return (body + polyanion, factor)
    }

    /// pymatgen's `formula_double_format`.
    static func format(_ x: Double, ignoreOnes: Bool) -> String {
        if ignoreOnes && abs(x - 1) <= 1e-8 { return "" }
        if abs(x - x.rounded()) <= 1e-8 { return String(Int(x.rounded())) }
        let r = (x * 1e8).rounded() / 1e8
        return "\(r)"
    }
}

func gcd(_ a: Int, _ b: Int) -> Int {
    var (a, b) = (abs(a), abs(b))
    while b != 0 { (a, b) = (b, a % b) }
    return a
}
