import Foundation

/// Which oxidation-state list of the bundled element table to use.
public enum OxidationStateSet: String, Sendable, Hashable, CaseIterable {
    /// SMACT's 2014 default list (`ElementData.smactOxidationStates`).
    case smact14
    /// SMACT's ICSD 2024 list, states with more than 5 reports (`ElementData.smactICSD24OxidationStates`).
    case icsd24
    /// pymatgen's common oxidation states (`ElementData.commonOxidationStates`), a stricter list.
    case common

    public func states(_ element: Element) -> [Int] {
        switch self {
        case .smact14: return element.data.smactOxidationStates
        case .icsd24: return element.data.smactICSD24OxidationStates
        case .common: return element.data.commonOxidationStates
        }
    }
}

/// One oxidation state per element of a composition, in the composition's element order.
public struct OxidationAssignment: Sendable, Hashable, CustomStringConvertible {
    public let elements: [Element]
    public let oxidationStates: [Int]

    /// The ions, e.g. [Li+, Co3+, O2-].
    public var species: [Species] {
        zip(elements, oxidationStates).map { Species($0, oxidationState: Double($1)) }
    }
    public var description: String { species.map(\.description).joined(separator: " ") }
}

/// SMACT-style screening (`smact.screening.smact_validity`): a composition is valid when some choice of
/// one oxidation state per element is charge neutral and every cation is less electronegative (Pauling)
/// than every anion. Single elements are valid; all-metal compositions are valid as alloys when allowed.
/// Electronegativities and the metal list are SMACT 4.0.2's own (they differ from pymatgen's for
/// 16 elements, e.g. W 1.7 vs 2.36), so answers match SMACT.
public enum ChargeBalance {
    /// True when the composition passes the SMACT test (see the type's description).
    public static func isNeutral(_ composition: Composition, states: OxidationStateSet = .icsd24,
                                 paulingTest: Bool = true, alloysAreValid: Bool = true) -> Bool {
        let els = present(composition)
        if Set(els).count <= 1 { return !els.isEmpty }
        if alloysAreValid && els.allSatisfy(isMetal) { return true }
        return !assignments(composition, states: states, paulingTest: paulingTest, limit: 1).isEmpty
    }

    /// Every charge-neutral oxidation-state assignment (passing the Pauling test when asked), in the
    /// order of the element table's state lists; at most `limit`. Empty for non-integer amounts.
    public static func assignments(_ composition: Composition, states: OxidationStateSet = .icsd24,
                                   paulingTest: Bool = true, limit: Int = .max) -> [OxidationAssignment] {
        let els = present(composition)
        guard !els.isEmpty, let counts = reducedCounts(composition, els) else { return [] }
        let lists = els.map { states.states($0) }
        if lists.contains(where: \.isEmpty) { return [] }
        // Smallest and largest charge the elements from i on can add (prunes hopeless branches).
        var low = [Int](repeating: 0, count: els.count + 1), high = low
        for i in stride(from: els.count - 1, through: 0, by: -1) {
            low[i] = low[i + 1] + lists[i].min()! * counts[i]
            high[i] = high[i + 1] + lists[i].max()! * counts[i]
        }
        var out: [OxidationAssignment] = []
        var chosen = [Int](repeating: 0, count: els.count)
        func search(_ i: Int, _ charge: Int) {
            if out.count >= limit || charge + low[i] > 0 || charge + high[i] < 0 { return }
            if i == els.count {
                if charge == 0 && (!paulingTest || passesPauling(chosen, els)) {
                    out.append(OxidationAssignment(elements: els, oxidationStates: chosen))
                }
                return
            }
            for ox in lists[i] {
                chosen[i] = ox
                search(i + 1, charge + ox * counts[i])
            }
        }
        search(0, 0)
        return out
    }

    /// SMACT's `eneg_states_test`: no cation at least as electronegative as an anion; an element
    /// without a SMACT electronegativity fails.
    public static func passesPauling(_ ox: [Int], _ els: [Element]) -> Bool {
        let eneg = els.map(electronegativity)
        for i in ox.indices {
            for j in ox.indices where j > i {
                guard let ei = eneg[i], let ej = eneg[j] else { return false }
                if ox[i] > 0 && ox[j] < 0 && ei >= ej { return false }
                if ox[i] < 0 && ox[j] > 0 && ei <= ej { return false }
            }
        }
        return true
    }

    /// SMACT's Pauling electronegativity of the element (nil where SMACT has none).
    public static func electronegativity(_ e: Element) -> Double? { smact.electronegativity[e.symbol] }

    /// True for the elements in SMACT's `metals` list.
    public static func isMetal(_ e: Element) -> Bool { smact.metals.contains(e.symbol) }

    private struct SMACTData: Decodable {
        let metals: Set<String>
        let electronegativity: [String: Double]
        enum CodingKeys: String, CodingKey { case metals, electronegativity = "pauling_electronegativity" }
    }

    private static let smact: SMACTData = {
        guard let url = Bundle.module.url(forResource: "smact_screening", withExtension: "json"),
              let data = try? Data(contentsOf: url), let table = try? JSONDecoder().decode(SMACTData.self, from: data)
        else { fatalError("Kiln's bundled SMACT table (Crystal/smact_screening.json) is missing or corrupt") }
        return table
    }()

    private static func present(_ c: Composition) -> [Element] {
        c.elements.filter { c[$0] > Composition.amountTolerance }
    }

    /// Integer amounts divided by their gcd, or nil when an amount is not an integer.
    private static func reducedCounts(_ c: Composition, _ els: [Element]) -> [Int]? {
        var counts: [Int] = []
        for e in els {
            let a = c[e]
            guard abs(a - a.rounded()) < 1e-6 else { return nil }
            counts.append(Int(a.rounded()))
        }
        var g = 0
        for n in counts { var (a, b) = (g, n); while b != 0 { (a, b) = (b, a % b) }; g = a }
        return counts.map { $0 / max(g, 1) }
    }
}
