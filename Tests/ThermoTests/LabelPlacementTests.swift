import Crystal
@testable import Thermo
import XCTest

/// Hull-plot labels: placed without touching each other or any marker, deterministically.
final class LabelPlacementTests: XCTestCase {
    typealias Box = LabelPlacement.Box

    private func assertDisjoint(_ labels: [Box], markers: [Box], bounds: Box, file: StaticString = #filePath, line: UInt = #line) {
        for (i, a) in labels.enumerated() {
            XCTAssertTrue(bounds.contains(a), "label \(i) outside the bounds", file: file, line: line)
            for b in labels[(i + 1)...] { XCTAssertFalse(a.intersects(b), "labels \(a) and \(b) overlap", file: file, line: line) }
            for m in markers { XCTAssertFalse(a.intersects(m), "label \(a) covers marker \(m)", file: file, line: line) }
        }
    }

    func testCrowdedAnchorsGetDisjointBoxes() {
        // 40 labels on five nearly coincident points, markers on each.
        let anchors = (0..<40).map { (k: Int) -> (Double, Double) in
            let j = Double(k % 5)
            return (300 + j * 1.5, 200 + j)
        }
        let markers = anchors.map { Box(cx: $0.0, cy: $0.1, r: 5) }
        let labels = anchors.enumerated().map { k, a in
            LabelPlacement.Label(x: a.0, y: a.1, clearance: 5, width: 8 + Double(k % 3) * 7, height: 15)
        }
        let bounds = Box(x: 0, y: 0, width: 600, height: 400)
        let boxes = LabelPlacement().place(labels, markers: markers, bounds: bounds)
        XCTAssertEqual(boxes.compactMap { $0 }.count, 40, "every label finds room")
        assertDisjoint(boxes.compactMap { $0 }, markers: markers, bounds: bounds)
        XCTAssertEqual(boxes, LabelPlacement().place(labels, markers: markers, bounds: bounds), "deterministic")
        // The first label sits right next to its marker.
        XCTAssertLessThan(boxes[0]!.x - anchors[0].0, 10)
    }

    func testNoRoomLeavesALabelUnplaced() {
        let bounds = Box(x: 0, y: 0, width: 40, height: 20)
        let boxes = LabelPlacement().place([.init(x: 20, y: 10, clearance: 5, width: 30, height: 15),
                                            .init(x: 20, y: 10, clearance: 5, width: 30, height: 15)],
                                           markers: [Box(cx: 20, cy: 10, r: 5)], bounds: bounds)
        XCTAssertNil(boxes[1])
    }

    /// The Li–Mn–O reference with 60 candidates crowded on six real compositions and a Na–Cl hull
    /// with 30 polymorphs: no rendered label box touches another label or a marker.
    func testCrowdedHullPlotsHaveNoOverlaps() throws {
        let cases: [([String], [String])] = [(["Li", "Mn", "O"], ["LiMnO2", "Li2MnO3", "LiMn2O4", "Li2MnO2", "MnO2", "Li5Mn3O8"]),
                                             (["Na", "Cl"], ["NaCl"])]
        for (symbols, formulas) in cases {
            let els = try symbols.map(Element.init)
            let service = try HullService(elements: Set(els))
            var rng = SeededGenerator(seed: 7)
            let n = symbols.count == 3 ? 60 : 30
            let entries = try (0..<n).map { k in
                try ThermoEntry(composition: Composition(formulas[k % formulas.count]),
                                energyPerAtom: -1.4 - Double(rng.next() % 400) / 1000, id: "cand-\(k)")
            }
            let (pd, results) = try service.join(entries, phaseSeparation: false)
            let marks = results.enumerated().map { k, r in
                HullPlot.Mark(result: r, label: k % 4 == 3 ? nil : "\(k + 1)", detail: "candidate \(k + 1)")
            }
            let svg = try HullPlot.svg(pd, elements: els, marks: marks)
            XCTAssertEqual(svg, try HullPlot.svg(pd, elements: els, marks: marks), "deterministic")
            let labels = Self.labelBoxes(svg), markers = Self.markerBoxes(svg)
            XCTAssertGreaterThan(labels.count, 8, "\(symbols)")
            XCTAssertEqual(markers.count, pd.entries.filter { Set($0.composition.elements).isSubset(of: Set(els)) }.count)
            XCTAssertFalse(svg.contains("not labelled"), "every label placed in \(symbols)")
            assertDisjoint(labels, markers: markers, bounds: Box(x: 0, y: 0, width: 720, height: 1000))
        }
    }

    /// Boxes of the `hull-label` texts, rebuilt from their centre and baseline with the plot's size estimate.
    static func labelBoxes(_ svg: String) -> [Box] {
        let re = try! NSRegularExpression(pattern: #"<text class="hull-label" x="([-0-9.]+)" y="([-0-9.]+)"[^>]*>([^<]*)</text>"#)
        return re.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).map { m in
            let g = { (i: Int) in String(svg[Range(m.range(at: i), in: svg)!]) }
            let size = HullPlot.labelSize(g(3), fontSize: 11)
            return Box(x: Double(g(1))! - size.width / 2, y: Double(g(2))! - size.height * 0.76, width: size.width, height: size.height)
        }
    }

    static func markerBoxes(_ svg: String) -> [Box] {
        let re = try! NSRegularExpression(pattern: #"<circle class="hull-marker" cx="([-0-9.]+)" cy="([-0-9.]+)" r="([0-9.]+)""#)
        return re.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).map { m in
            let g = { (i: Int) in Double(String(svg[Range(m.range(at: i), in: svg)!]))! }
            return Box(cx: g(1), cy: g(2), r: g(3))
        }
    }

    func testHoverTextAndLabelsAreEscaped() throws {
        let pd = try PhaseDiagram(entries: [ThermoEntry(composition: Composition("Al"), energyPerAtom: 0, id: "Al"),
                                            ThermoEntry(composition: Composition("Si"), energyPerAtom: 0, id: "Si")])
        let q = try pd.analyze(ThermoEntry(composition: Composition("AlSi"), energyPerAtom: 0.1, id: "q"))
        let svg = try HullPlot.svg(pd, elements: [Element("Al"), Element("Si")],
                                   marks: [.init(result: q, label: "<b>", detail: "a \"quote\" & <script>")])
        XCTAssertFalse(svg.contains("<script>") || svg.contains("<b>"))
        XCTAssertTrue(svg.contains("&lt;script&gt;") && svg.contains("&quot;quote&quot;") && svg.contains(">&lt;b&gt;</text>"))
    }
}
