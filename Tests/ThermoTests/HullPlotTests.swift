import Crystal
import Thermo
import XCTest

/// SVG hull plots: every entry of the system drawn, stable ones labelled, hull edges present.
final class HullPlotTests: XCTestCase {
    private func entry(_ f: String, _ e: Double) throws -> ThermoEntry {
        try ThermoEntry(composition: Composition(f), energyPerAtom: e, id: f)
    }

    private func count(_ s: String, _ needle: String) -> Int { s.components(separatedBy: needle).count - 1 }

    func testBinaryPlot() throws {
        let pd = try PhaseDiagram(entries: [entry("Al", 0), entry("Si", 0), entry("AlSi", -0.1), entry("Al3Si", 0.02)])
        let q = try pd.analyze(entry("AlSi3", -0.01))
        let svg = try HullPlot.svg(pd, elements: [Element("Si"), Element("Al")], marks: HullPlot.formulaMarks([q]))
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertEqual(count(svg, "class=\"hull-marker\""), 5)
        XCTAssertEqual(count(svg, "stroke=\"#1f5fbf\""), 2)  // Al–AlSi and AlSi–Si
        XCTAssertTrue(svg.contains(">AlSi<") && svg.contains(">AlSi3<"))
        XCTAssertTrue(svg.contains("class=\"colorbar\""), "E_hull colour bar beside marked entries")
        XCTAssertTrue(svg.contains("<title>Al3Si (Al3Si): E_hull 0.070 eV/atom</title>"), "hover text of an off-hull phase")
    }

    func testTernaryPlotAndErrors() throws {
        let pd = try PhaseDiagram(entries: [entry("Li", 0), entry("Fe", 0), entry("O2", 0), entry("Li2O", -2),
                                            entry("Fe2O3", -1.7), entry("LiFeO2", -1.9), entry("LiFe5O8", -1)])
        let svg = try HullPlot.svg(pd, elements: [Element("Li"), Element("Fe"), Element("O")])
        XCTAssertEqual(count(svg, "class=\"hull-marker\""), 7)
        XCTAssertEqual(count(svg, "r=\"4.5\""), 6)  // stable points
        XCTAssertEqual(count(svg, "class=\"hull-label\""), 6, "phases on the hull are labelled")
        XCTAssertGreaterThanOrEqual(count(svg, "stroke=\"#1f5fbf\""), 9)  // triangulated hull edges
        XCTAssertThrowsError(try HullPlot.svg(pd, elements: [Element("Li")]))
        XCTAssertThrowsError(try HullPlot.svg(pd, elements: [Element("Li"), Element("Fe"), Element("Cl")]))
    }
}
