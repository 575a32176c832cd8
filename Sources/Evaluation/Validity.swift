import Crystal

/// CDVAE's validity checks (`eval_utils.structure_validity` and `smact_validity`).
public enum Validity {
    /// True when every pair of distinct sites is at least `cutoff` Å apart (minimum image; a
    /// site's own periodic images are not compared, as in CDVAE's padded distance matrix) and
    /// the cell holds at least `minVolume` Å³.
    public static func isStructurallyValid(_ s: Structure, cutoff: Double = 0.5, minVolume: Double = 0.1) -> Bool {
        guard s.volume.isFinite, s.volume >= minVolume, !s.sites.isEmpty else { return false }
        var ok = true
        NeighborList.forEachPair(in: s, cutoff: cutoff) { i, j, _, d in
            if i != j && d < cutoff { ok = false }
        }
        return ok
    }

    /// CDVAE's `smact_validity`: valid when the composition is a single element, an all-metal
    /// alloy, or when some choice of one oxidation state per element from SMACT's default list
    /// (the list SMACT now calls `smact14`) is charge neutral for the gcd-reduced counts and
    /// passes the Pauling test. As in CDVAE, a Pauling test that needs an electronegativity
    /// SMACT lacks counts as passed (CDVAE catches the TypeError and assumes the test is fine).
    public static func isCompositionallyValid(_ c: Composition, states: OxidationStateSet = .smact14) -> Bool {
        let present = c.elements.filter { c[$0] > Composition.amountTolerance }
        if present.isEmpty { return false }
        if present.count == 1 { return true }
        if present.allSatisfy(ChargeBalance.isMetal) { return true }
        return ChargeBalance.assignments(c, states: states, paulingTest: false).contains {
            cdvaePaulingTest($0.oxidationStates, $0.elements.map(ChargeBalance.electronegativity))
        }
    }

    /// SMACT's `eneg_states_test` over pairs in order, where reaching a comparison with a missing
    /// electronegativity ends the test as passed (CDVAE's `except TypeError: electroneg_OK = True`).
    public static func cdvaePaulingTest(_ ox: [Int], _ eneg: [Double?]) -> Bool {
        for i in ox.indices {
            for j in ox.indices where j > i {
                let cationFirst = ox[i] > 0 && ox[j] < 0, anionFirst = ox[i] < 0 && ox[j] > 0
                guard cationFirst || anionFirst else { continue }
                guard let a = eneg[i], let b = eneg[j] else { return true }
                if cationFirst && a >= b { return false }
                if anionFirst && a <= b { return false }
            }
        }
        return true
    }
}
