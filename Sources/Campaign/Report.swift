import Crystal
import CrystalIO
import Evaluation
import Foundation

/// The self-contained HTML report of a campaign: summary, SUN funnel, hull plots, ranked
/// candidates with drawings, provenance.
public struct CampaignReport: Sendable {
    public var spec: CampaignSpec
    /// Candidates in rank order (unranked ones after).
    public var records: [CandidateRecord]
    public var funnel: [(stage: String, count: Int)]
    public var hulls: [(system: String, svg: String)]
    /// Where the reference energies and structures come from.
    public var provenance: [String]
    public var wallSeconds: Double

    public init(spec: CampaignSpec, records: [CandidateRecord], funnel: [(stage: String, count: Int)],
                hulls: [(system: String, svg: String)], provenance: [String], wallSeconds: Double) {
        self.spec = spec
        self.records = records
        self.funnel = funnel
        self.hulls = hulls
        self.provenance = provenance
        self.wallSeconds = wallSeconds
    }

    public func html() -> String {
        var h = """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Kiln campaign: \(esc(spec.name))</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
            h1{margin-bottom:4px} h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
            table{border-collapse:collapse;font-size:13px} td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:middle}
            th{background:#f4f4f4} .num{text-align:right;font-variant-numeric:tabular-nums}
            .cards{display:flex;gap:12px;flex-wrap:wrap} .card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:120px}
            .card b{display:block;font-size:22px} .bar{background:#4c78a8;height:18px;display:inline-block}
            .sun{color:#2a7f2a;font-weight:bold} .muted{color:#777}
            </style></head><body>
            <h1>Kiln campaign: \(esc(spec.name))</h1>
            <div class="muted">Target: \(esc(spec.chemicalSystems.map { $0.map(\.symbol).joined(separator: "-") }.joined(separator: ", "))) ·
            max \(spec.maxAtoms) atoms/cell · stable if E<sub>hull</sub> ≤ \(spec.stabilityThreshold) eV/atom − margin ·
            generated \(esc(ISO8601DateFormatter().string(from: Date())))</div>
            """
        let count = { (stage: String) in funnel.first { $0.stage.hasPrefix(stage) }?.count ?? 0 }
        h += "<h2 id=\"summary\">Summary</h2><div class=\"cards\">"
        for (label, value) in [("generated", "\(count("generated"))"), ("relaxed", "\(count("relaxed"))"),
                               ("stable (≤ \(spec.stabilityThreshold) eV/atom − margin)", "\(count("stable ("))"),
                               ("possibly stable (within the margin)", "\(count("possibly stable"))"),
                               ("stable, unique, new structure", "\(count("stable, unique, structure"))"),
                               ("SUN: … and new composition", "\(count("stable, unique and new composition"))"),
                               ("wall time", String(format: "%.0f s", wallSeconds))] {
            h += "<div class=\"card\">\(esc(label))<b>\(value)</b></div>"
        }
        h += "</div>"

        h += "<h2 id=\"funnel\">SUN funnel</h2><table>"
        let top = max(funnel.first?.count ?? 1, 1)
        for (stage, n) in funnel {
            h += "<tr><td>\(esc(stage))</td><td class=\"num\">\(n)</td><td style=\"width:420px\"><span class=\"bar\" style=\"width:\(Int(400.0 * Double(n) / Double(top)))px\"></span></td></tr>"
        }
        h += "</table>"

        h += "<h2 id=\"hull\">Convex hull</h2>"
        if hulls.isEmpty { h += "<p class=\"muted\">Hull plots are drawn for binary and ternary systems only.</p>" }
        for (system, svg) in hulls {
            h += "<h3>\(esc(system))</h3>" + svg
            h += "<p class=\"muted\">Reference phases of the built-in MP hull with the campaign's candidates highlighted.</p>"
        }

        h += "<h2 id=\"candidates\">Candidates</h2><table><tr><th>rank</th><th>structure</th><th>formula</th><th>E<sub>hull</sub> (eV/atom)</th><th>E<sub>f</sub> (eV/atom)</th><th>decomposition</th><th>space group</th><th>structure type</th><th>stability</th><th>unique</th><th>novelty</th><th>HHI</th><th>generator / parent</th><th>status</th></tr>"
        for r in records where r.status == .relaxed || r.status == .failed {
            let drawing = (try? StructureCoding.decode(r.relaxedStructure ?? r.initialStructure)).map { StructureDrawing.svg($0) } ?? ""
            let isSUN = r.isStable == true && r.isUnique == true && r.noveltyLevel == .newComposition
            h += "<tr><td class=\"num\">\(r.rank.map(String.init) ?? "")</td><td>\(drawing)</td>"
            h += "<td class=\"\(isSUN ? "sun" : "")\">\(esc(r.formula))</td>"
            h += "<td class=\"num\">\(fmt(r.energyAboveHull))</td><td class=\"num\">\(fmt(r.formationEnergyPerAtom))</td>"
            h += "<td>\(esc(r.decomposition ?? ""))</td><td>\(esc(r.spaceGroupAfter ?? ""))</td><td>\(esc(r.structureType ?? ""))</td>"
            h += "<td>\(esc(r.stability?.label ?? ""))</td><td>\(yesNo(r.isUnique))</td><td>\(esc(r.noveltyLevel?.label ?? ""))\(r.noveltyMatch.map { " <span class=\"muted\">(\(esc($0)))</span>" } ?? "")</td>"
            h += "<td class=\"num\">\(r.hhi.map { String(format: "%.0f", $0) } ?? "")</td>"
            h += "<td>\(esc(r.generator))<br><span class=\"muted\">\(esc(r.parent ?? ""))\(r.substitution.map { " " + esc($0) } ?? "")</span></td>"
            h += "<td>\(esc(r.relaxOutcome ?? r.status.rawValue))\(r.error.map { "<br><span class=\"muted\">\(esc($0))</span>" } ?? "")</td></tr>"
        }
        h += "</table>"

        h += "<h2 id=\"provenance\">Provenance</h2><ul>"
        for p in provenance { h += "<li>\(esc(p))</li>" }
        for g in spec.generators {
            h += "<li>generator \(esc(g.kind.rawValue)): budget \(g.budget), seed \(g.seed)</li>"
        }
        h += "<li>relaxation: FIRE with a Fréchet cell filter, fmax \(spec.fmax) eV/Å, at most \(spec.relaxSteps) steps</li>"
        h += "</ul></body></html>\n"
        return h
    }

    private func fmt(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "" }
    private func yesNo(_ b: Bool?) -> String { b.map { $0 ? "yes" : "no" } ?? "" }
    private func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
