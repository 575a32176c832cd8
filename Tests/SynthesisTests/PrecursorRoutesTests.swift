import Crystal
import Thermo
import XCTest
@testable import Synthesis

/// The precursor routes (docs/synthesis.md, "Precursors"): balancing, energies by hand, the routes a
/// chemist uses among the top ones, and the refusals.
final class PrecursorRoutesTests: XCTestCase {
    private static let routes: [String: [PrecursorRoute]] = {
        var out: [String: [PrecursorRoute]] = [:]
        let finder = try! PrecursorRoutes(airStable: true)
        for f in ["LiMn2O4", "BaTiO3", "LiCoO2", "SrTiO3", "LiFePO4"] { out[f] = try! finder.routes(for: Composition(f)) }
        return out
    }()

    private func rank(_ routes: [PrecursorRoute], _ precursors: Set<String>) -> Int? {
        routes.firstIndex { Set($0.precursors.map(\.formula)) == precursors }.map { $0 + 1 }
    }

    func testEveryRouteConservesEachElement() throws {
        for (formula, routes) in Self.routes {
            let target = try Composition(formula)
            for r in routes {
                var balance: [Element: Double] = [:]
                for p in r.precursors { for (el, n) in try Composition(p.formula).items { balance[el, default: 0] += p.coefficient * n } }
                balance[try Element("O"), default: 0] += 2 * r.oxygenConsumed
                for g in r.gasesReleased { for (el, n) in try Composition(g.formula).items { balance[el, default: 0] -= g.coefficient * n } }
                for (el, n) in target.items { balance[el, default: 0] -= n }
                for (el, left) in balance { XCTAssertEqual(left, 0, accuracy: 1e-12, "\(r.equation): \(el.symbol)") }
                XCTAssertTrue(r.precursors.allSatisfy { $0.coefficient > 0 } && r.gasesReleased.allSatisfy { $0.coefficient > 0 }, r.equation)
            }
            XCTAssertEqual(Set(routes.map(\.equation)).count, routes.count, "\(formula): duplicate routes")
        }
    }

    /// BaCO3 + TiO2 -> BaTiO3 + CO2 at 1000 K from the lowest MP entries, each solid's G^δ(T) from the
    /// volume of its bundled MP structure, and CO2's NIST-JANAF ΔfG(1000 K) on the elements' G(T).
    func testReactionEnergyByHand() throws {
        var lowest: [String: Double] = [:]
        for e in try MPReference.entries() where ["BaCO3", "TiO2", "BaTiO3"].contains(e.composition.reducedFormula) {
            lowest[e.composition.reducedFormula] = min(lowest[e.composition.reducedFormula] ?? .infinity, e.energyPerAtom)
        }
        let volumes = try ReactionReference.volumes()
        func g(_ f: String) throws -> Double {
            let c = try Composition(f)
            return lowest[f]! + SolidGibbs.gDelta(volumePerAtom: volumes.volumePerAtom(c), reducedMass: SolidGibbs.reducedMass(c), temperature: 1000)
        }
        let els = try ReactionReference.elementGibbs(), k = 7  // 1000 K
        // ΔfG(1000 K) of pymatgen's nist_gas_gf.json + G_C + 2 G_O, plus the MP offset of gases.csv
        let co2 = -4.103070325515987 + els[try Element("C")]![k] + 2 * els[try Element("O")]![k] - 0.894
        let byHand = (5 * (try g("BaTiO3")) + co2 - 5 * (try g("BaCO3")) - 3 * (try g("TiO2"))) / 8
        let route = try XCTUnwrap(Self.routes["BaTiO3"]?.first { $0.equation == "BaCO3 + TiO2 -> BaTiO3 + CO2" })
        XCTAssertEqual(route.reactionEnergyPerAtom, byHand, accuracy: 1e-7)  // gases.csv rounds ΔfG to 1e-6 eV
        // Gas entropy against the solids' (G^δ): uphill at 300 K, less so as T rises.
        let cool = try PrecursorRoutes(temperature: 300).routes(for: Composition("BaTiO3"))
        let cold = try XCTUnwrap(cool.first { $0.equation == route.equation }).reactionEnergyPerAtom
        XCTAssertGreaterThan(cold, 0.1)
        XCTAssertLessThan(route.reactionEnergyPerAtom, cold)
    }

    /// Bartel et al.'s G^δ, reduced mass and elemental Gibbs energies against pymatgen 2026.10.24's
    /// GibbsComputedStructureEntry (python with pymatgen 2026.10.24):
    ///
    ///     from pymatgen.core import Structure, Lattice
    ///     from pymatgen.analysis.compatibility.computed_entries import GibbsComputedStructureEntry as G
    ///     s = Structure(Lattice.cubic(4.0), ["Ba","Ti","O","O","O"], [[0,0,0],[.5,.5,.5],[.5,.5,0],[.5,0,.5],[0,.5,.5]])
    ///     m = G._reduced_mass(s); G._g_delta_sisso(s.volume / len(s), m, 1000)     # 17.6274..., -0.38707...
    ///     s2 = Structure(Lattice.cubic(60**(1/3)), ["Li","Li","C","O","O","O"], [[0,0,0],[.5,0,0],[0,.5,0],[0,0,.5],[.5,.5,0],[.5,.5,.5]])
    ///     m2 = G._reduced_mass(s2); G._g_delta_sisso(10, m2, 1500)                # 5.4035..., -0.48733...
    ///     s3 = Structure(Lattice.cubic(5.0), ["Ba","Ti","Ti"], [[0,0,0],[.5,.5,.5],[.5,0,0]])
    ///     G(s3, formation_enthalpy_per_atom=-0.1, temp=1050).gf_sisso() / 3         # -0.14164... (V = 125/3)
    func testSolidGibbsMatchesPymatgen() throws {
        let bto = try Composition("BaTiO3"), lco = try Composition("Li2CO3")
        XCTAssertEqual(SolidGibbs.reducedMass(bto), 17.627455183378554, accuracy: 1e-6)
        XCTAssertEqual(SolidGibbs.gDelta(volumePerAtom: 12.8, reducedMass: SolidGibbs.reducedMass(bto), temperature: 1000),
                       -0.38707545419018474, accuracy: 1e-6)
        XCTAssertEqual(SolidGibbs.reducedMass(lco), 5.403597251247051, accuracy: 1e-6)
        XCTAssertEqual(SolidGibbs.gDelta(volumePerAtom: 10, reducedMass: SolidGibbs.reducedMass(lco), temperature: 1500),
                       -0.4873310036696634, accuracy: 1e-6)
        // G_f(T) of BaTi2 at 1050 K (between the table's 100 K steps): ΔH_f + G^δ − Σ x_i G_i(T).
        let solids = try SolidGibbs(temperature: 1050)
        let bati2 = try Composition("BaTi2")
        let (ba, ti) = (try Element("Ba"), try Element("Ti"))
        let gf = -0.1 + SolidGibbs.gDelta(volumePerAtom: 125.0 / 3, reducedMass: SolidGibbs.reducedMass(bati2), temperature: 1050)
            - (solids.elements[ba]! + 2 * solids.elements[ti]!) / 3
        XCTAssertEqual(gf, -0.141641320608307, accuracy: 1e-6)
    }

    /// H2O's Gibbs energy of formation at 1250 K (between the table's 100 K steps) against pymatgen
    /// 2026.10.24, which takes a gas's from nist_gas_gf.json, interpolated linearly (python with pymatgen 2026.10.24):
    ///
    ///     from pymatgen.core import Structure, Lattice
    ///     from pymatgen.analysis.compatibility.computed_entries import GibbsComputedStructureEntry as G
    ///     s = Structure(Lattice.cubic(10.0), ["H","H","O"], [[0,0,0],[.08,0,0],[0,.08,0]])
    ///     G(s, formation_enthalpy_per_atom=0, temp=1250).gf_sisso()                # -1.85105386...
    func testGasGibbsMatchesPymatgen() throws {
        let water = try XCTUnwrap(ReactionGas.bundled()["H2O"])
        let elements = try SolidGibbs(temperature: 1250).elements
        let reference = 2 * elements[try Element("H")]! + elements[try Element("O")]!
        XCTAssertEqual(water.freeEnergy(temperature: 1250) - reference - water.mpOffset, -1.8510538604598108, accuracy: 1e-6)
        XCTAssertEqual(water.mpOffset, -0.854)
    }

    /// The carbonate + oxide routes chemists use, among the 3 best of the air-stable precursors at 1000 K
    /// (docs/synthesis.md has the table, with the targets where they rank lower).
    func testRecognisedRoutesAmongTheTopThree() throws {
        let finder = try PrecursorRoutes(airStable: true)
        let expected: [(String, Set<String>)] = [
            ("LiMn2O4", ["Li2CO3", "MnO2"]), ("BaTiO3", ["BaCO3", "TiO2"]), ("LiCoO2", ["Li2CO3", "Co3O4"]),
            ("SrTiO3", ["SrCO3", "TiO2"]), ("YBa2Cu3O7", ["Y2O3", "BaCO3", "CuO"]), ("BiFeO3", ["Bi2O3", "Fe2O3"]),
            ("Li4Ti5O12", ["Li2CO3", "TiO2"]), ("NaCoO2", ["Na2CO3", "Co3O4"]), ("LiNbO3", ["Li2CO3", "Nb2O5"]),
            ("ZnFe2O4", ["ZnO", "Fe2O3"]), ("Y3Al5O12", ["Y2O3", "Al2O3"]), ("CaCu3Ti4O12", ["CaCO3", "CuO", "TiO2"]), ("LaMnO3", ["La2O3", "MnO2"]),
        ]
        for (formula, set) in expected {
            let routes = try Self.routes[formula] ?? finder.routes(for: Composition(formula))
            let r = rank(routes, set)
            XCTAssertNotNil(r, "\(formula): no route from \(set)")
            XCTAssertLessThanOrEqual(r ?? .max, 3, "\(formula) from \(set.sorted())")
        }
    }

    /// Fewest precursors air changes on the shelf first, then the score; each route names those precursors.
    func testRankingFollowsShelfStabilityThenTheScore() throws {
        let shelf = try ShelfStability.energies(of: PrecursorList.bundled())
        for routes in Self.routes.values {
            let keys = routes.map { ($0.shelfUnstable.count, $0.score) }
            XCTAssertTrue(zip(keys, keys.dropFirst()).allSatisfy { $0 <= $1 }, "\(keys)")
            for r in routes {
                XCTAssertEqual(r.competitionDepth == 0, r.competingPhases.isEmpty, r.equation)
                let expected = r.precursors.map(\.formula).filter { (shelf[$0] ?? 0) > ShelfStability.tolerance }
                XCTAssertEqual(r.shelfUnstable.map(\.formula), expected, r.equation)
            }
        }
        // By energy alone, reduced Mn salts taking up O2 would lead: the most favourable LiMn2O4 route uses one.
        let mn = try XCTUnwrap(Self.routes["LiMn2O4"])
        let byScore = try XCTUnwrap(mn.min { $0.score < $1.score })
        XCTAssertFalse(byScore.shelfUnstable.isEmpty, byScore.equation)
        XCTAssertGreaterThan(byScore.oxygenConsumed, 0, byScore.equation)
    }

    func testCandidateNeedsAnEnergyAndUsesTheGivenOne() throws {
        let finder = try PrecursorRoutes()
        XCTAssertThrowsError(try finder.routes(for: Composition("Li3Mn7O13"))) {
            XCTAssertTrue("\($0)".contains("give its formation energy"), "\($0)")
        }
        let low = try finder.top(for: Composition("Li3Mn7O13"), formationEnergyPerAtom: -2.2, count: 3)
        let high = try finder.top(for: Composition("Li3Mn7O13"), formationEnergyPerAtom: -1.9, count: 3)
        XCTAssertEqual(low.count, 3)
        XCTAssertLessThan(low[0].reactionEnergyPerAtom, high[0].reactionEnergyPerAtom)
    }

    func testFractionalTargetIsWrittenInWholeNumbers() throws {
        let routes = try PrecursorRoutes().top(for: Composition("Li0.5CoO2"), count: 3)
        XCTAssertEqual(Set(routes.map(\.target)), ["LiCo2O4"])
        XCTAssertTrue(routes.allSatisfy { $0.equation.contains(" LiCo2O4") }, "\(routes.map(\.equation))")
    }

    func testRefusals() throws {
        let finder = try PrecursorRoutes()
        let cases: [(String, Double?, String)] = [
            ("XeO3", nil, "no precursor in the list supplies Xe"),
            ("O2", nil, "no element besides O"),
            ("LiNaKMgO3", -2, "at most three"),
            ("LiMn2O4", .nan, "outside ±10 eV/atom"),
        ]
        for (formula, energy, message) in cases {
            XCTAssertThrowsError(try finder.routes(for: Composition(formula), formationEnergyPerAtom: energy)) {
                XCTAssertTrue("\($0)".contains(message), "\(formula): \($0)")
            }
        }
        XCTAssertThrowsError(try finder.top(for: Composition("LiCoO2"), count: 0))
        XCTAssertThrowsError(try PrecursorRoutes(temperature: -1))
        XCTAssertThrowsError(try PrecursorRoutes(temperature: 2500)) { XCTAssertTrue("\($0)".contains("between 300 and 2000 K"), "\($0)") }
    }

    func testBundledListParsesAndEveryPrecursorHasAnMPEnergy() throws {
        let list = try PrecursorList.bundled()
        XCTAssertGreaterThan(list.count, 100)
        let known = Set(try MPReference.entries().map(\.composition.reducedFormula))
        for p in list { XCTAssertTrue(known.contains(p.composition.reducedFormula), p.formula) }
        XCTAssertThrowsError(try PrecursorList.parse("formula,kind,releases,air_sensitive\nLiOH,hydroxide,H2O,\nLiOH,hydroxide,H2O,\n", source: "t.csv")) {
            XCTAssertTrue("\($0)".contains("t.csv, line 3"), "\($0)")
        }
        XCTAssertThrowsError(try PrecursorList.parse("formula,kind\nLiOH,hydroxide\n", source: "t.csv"))
    }

    func testExactBalancer() {
        let f = { (n: Int) in ReactionFraction(n) }
        // Li2CO3 + MnO2 (+ CO2, O2 out) -> LiMn2O4: columns Li2CO3, MnO2, −CO2, −O2; rows Li, Mn, C, O.
        let a = [[f(2), f(0), f(0), f(0)], [f(0), f(1), f(0), f(0)], [f(1), f(0), f(-1), f(0)], [f(3), f(2), f(-2), f(-2)]]
        XCTAssertEqual(ReactionBalancer.solve(a, [f(1), f(2), f(0), f(4)]),
                       .unique([ReactionFraction(1, 2)!, f(2), ReactionFraction(1, 2)!, ReactionFraction(1, 4)!]))
        XCTAssertEqual(ReactionBalancer.solve([[f(1), f(1)]], [f(1)]), .underdetermined)
        XCTAssertEqual(ReactionBalancer.solve([[f(1)], [f(0)]], [f(1), f(1)]), .none)
    }
}
