import Analysis
import Crystal
import Dynamics
import CrystalIO
import Evaluation
import Foundation
import KilnSupport

/// The self-contained HTML report of a campaign (inline CSS, SVG and one script; no network):
/// summary, SUN funnel, hull plots, unique candidates ranked with their duplicates folded under
/// them, per-candidate detail with a 3D view, filters, and a provenance block.
public struct CampaignReport: Sendable {
    public var spec: CampaignSpec
    /// Every candidate of the campaign (the report folds and orders them).
    public var records: [CandidateRecord]
    public var funnel: [(stage: String, count: Int)]
    public var hulls: [(system: String, svg: String)]
    /// Where the reference energies and structures come from, the verdict rules, energies.
    public var provenance: [String]
    public var wallSeconds: Double
    /// The relaxing potential with its version, e.g. "chgnet (CHGNet 0.3.0)".
    public var potential: String
    /// The committee's other models with their versions (`[relax] committee`).
    public var committee: [String] = []
    public var campaignFile: CampaignFile?
    /// Symmetry tolerance (Å) of the space groups shown.
    public var symprec: Double
    /// Detail per candidate id (structure-derived facts; analyses may add oxidation states).
    public var details: [String: CandidateDetail]
    /// Why the loop stopped (`[loop]` campaigns).
    public var stopReason: String?
    /// Phonon band structures (inline SVG) by candidate id (`[constraints] dynamically_stable`).
    public var phononPlots: [String: String] = [:]
    /// Synthesizability and precursor routes of the top ranked candidates, by id.
    public var synthesis: [String: SynthesisEvidence] = [:]
    /// The latest DFT result of each candidate that has one (`kiln ingest`), by id.
    public var dft: [String: LabOutcome] = [:]

    public init(spec: CampaignSpec, records: [CandidateRecord], funnel: [(stage: String, count: Int)],
                hulls: [(system: String, svg: String)], provenance: [String], wallSeconds: Double,
                potential: String, campaignFile: CampaignFile?, symprec: Double) {
        self.spec = spec
        self.records = records
        self.funnel = funnel
        self.hulls = hulls
        self.provenance = provenance
        self.wallSeconds = wallSeconds
        self.potential = potential
        self.campaignFile = campaignFile
        self.symprec = symprec
        var details: [String: CandidateDetail] = [:]
        for r in records where r.status == .relaxed || r.status == .failed {
            if let s = try? r.structure(relaxed: r.relaxedStructure != nil) {
                var d = CandidateDetail(s, magneticMoments: r.magneticMoments)
                if r.rank != nil, let ox = try? BondValenceAnalyzer().oxidationStates(of: s) { d.oxidationStates = ox.map(Double.init) }
                details[r.id] = d
            }
        }
        self.details = details
    }

    public func html() -> String {
        let (ranked, other) = CandidateFolding.fold(records)
        var h = """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Kiln campaign: \(esc(spec.name))</title>
            <style>\(ReportAssets.css)</style></head><body>
            <h1>Kiln campaign: \(esc(spec.name))</h1>
            <div class="muted">Target: \(esc(spec.chemicalSystems.map { $0.map(\.symbol).joined(separator: "-") }.joined(separator: ", "))) ·
            max \(spec.maxAtoms) atoms/cell · stable if E<sub>hull</sub> ≤ \(spec.stabilityThreshold) eV/atom − margin ·
            generated \(esc(ISO8601DateFormatter().string(from: Date()))) · Kiln \(esc(KilnVersion.number))</div>
            """
        h += summary() + funnelTable()

        h += "<h2 id=\"hull\">Convex hull</h2>"
        if hulls.isEmpty { h += "<p class=\"muted\">Hull plots are drawn for binary and ternary systems only.</p>" }
        for (system, svg) in hulls {
            h += "<h3>\(esc(system))</h3><div class=\"plot\">" + svg + "</div>"
        }
        if !hulls.isEmpty {
            h += "<p class=\"muted\">Blue: reference phases on the hull (labelled) and above it (small hollow marks). "
                + "Numbered marks are the campaign's ranked candidates (numbers are ranks in the table below), "
                + "coloured by E<sub>hull</sub>; unnumbered ones are duplicates or unranked. Hover over a mark for details.</p>"
        }

        if spec.ranking.method == .pareto {
            h += "<h2 id=\"pareto\">Pareto ranking</h2><div class=\"plot\">" + ParetoPlot.svg(records, objectives: spec.ranking.objectives, targets: spec.targets) + "</div>"
            h += "<p class=\"muted\">Ranked candidates in the first two Pareto objectives (lower is better in each; "
                + esc(spec.ranking.objectives.map(\.name).joined(separator: ", ")) + " are ranked together). Filled marks: the first front "
                + "(no ranked candidate is better in every objective), joined by a line; hollow marks: later fronts. Ranks go by front, "
                + "then by crowding distance (the more isolated trade-off first), then by E<sub>hull</sub>.</p>"
        }

        if !spec.targets.isEmpty { h += targetsSection() }
        if spec.loop != nil { h += roundsSection(stopReason: stopReason) }

        h += "<h2 id=\"candidates\">Candidates</h2>" + legend()
        h += """
            <div id="filters"><label><input type="checkbox" id="f-stable"> stable only</label>
            <label><input type="checkbox" id="f-new"> new composition only</label>
            <label>formula <input type="search" id="f-formula" placeholder="e.g. LiMnO2"></label>
            <span id="f-count" class="muted"></span></div>
            """
        h += "<p class=\"muted\">Unique candidates only, by rank; duplicates are folded under their representative. "
            + "Space groups: spglib, symprec \(symprec) Å. Drag a 3D view to rotate it.</p>"
        if !committee.isEmpty { h += committeeNote() }
        h += "<table id=\"ranked\">" + tableHeader() + ranked.map(row).joined() + "</table>"
        if ranked.isEmpty { h += "<p class=\"muted\">No candidate is ranked (none is unique, relaxed and within the constraints).</p>" }
        let failed = other.filter { $0.representative.status == .failed }.count
        h += "<details id=\"unranked\"><summary>Unranked candidates (\(other.count - failed)) and failed relaxations (\(failed))</summary>"
        h += "<table>" + tableHeader() + other.map(row).joined() + "</table></details>"

        h += provenanceBlock()
        h += "<pre id=\"selfcheck\" hidden></pre><script>\(ReportAssets.viewer)\(ReportAssets.script)</script></body></html>\n"
        return h
    }

    private func summary() -> String {
        let count = { (stage: String) in funnel.first { $0.stage.hasPrefix(stage) }?.count ?? 0 }
        var h = "<h2 id=\"summary\">Summary</h2><div class=\"cards\">"
        for (label, value) in [("generated", "\(count("generated"))"), ("relaxed", "\(count("relaxed"))"),
                               ("stable (≤ \(spec.stabilityThreshold) eV/atom − margin)", "\(count("stable ("))"),
                               ("possibly stable (within the margin)", "\(count("possibly stable"))"),
                               ("stable, unique, new structure", "\(count("stable, unique, structure"))"),
                               ("SUN: … and new composition", "\(count("stable, unique and new composition"))"),
                               ("wall time", String(format: "%.0f s", wallSeconds))] {
            h += "<div class=\"card\">\(esc(label))<b>\(value)</b></div>"
        }
        return h + "</div>"
    }

    private func funnelTable() -> String {
        var h = "<h2 id=\"funnel\">SUN funnel</h2><table>"
        let top = max(funnel.first?.count ?? 1, 1)
        for (stage, n) in funnel {
            h += "<tr><td>\(esc(stage))</td><td class=\"num\">\(n)</td><td style=\"width:420px\"><span class=\"bar\" style=\"width:\(Int(400.0 * Double(n) / Double(top)))px\"></span></td></tr>"
        }
        return h + "</table>"
    }

    /// Jmol colour and drawing radius of every element the candidates contain.
    private func legend() -> String {
        let elements = Set(details.values.flatMap(\.siteElements)).union(spec.elements).sorted()
        var h = "<div id=\"legend\"><b>Elements</b> "
        for el in elements {
            let d = 2 * ElementStyle.radius(el) * 14
            h += "<span class=\"el\"><svg width=\"\(Int(d) + 2)\" height=\"\(Int(d) + 2)\"><circle cx=\"\(d / 2 + 1)\" cy=\"\(d / 2 + 1)\" r=\"\(d / 2)\" fill=\"\(ElementStyle.color(el))\" stroke=\"#333\" stroke-width=\"0.6\"/></svg>"
                + "\(esc(el.symbol))</span>"
        }
        return h + " <span class=\"muted\">Jmol colours; ball radius \(ElementStyle.radiusScale) × covalent radius; "
            + "bonds within \(Int(CellScene.defaultTolerance * 100)) % of the summed covalent radii; translucent polyhedra around cations with 4–8 anion neighbours.</span></div>"
    }

    private func tableHeader() -> String {
        "<thead><tr><th>rank</th><th>structure</th><th>formula</th><th>E<sub>hull</sub> (eV/atom)</th><th>E<sub>f</sub> (eV/atom)</th>"
            + "<th>space group</th><th>structure type</th><th>stability</th><th>novelty</th><th>HHI</th>" + (spec.targets.isEmpty ? "" : "<th>P(targets)</th>")
            + "<th>generator / parent</th><th>status</th><th>duplicates</th></tr></thead>"
    }

    /// One candidate: its table row, then a row holding its expandable detail.
    private func row(_ g: CandidateGroup) -> String {
        let r = g.representative
        let detail = details[r.id]
        let isNew = r.noveltyLevel == .newComposition
        let isSUN = r.isStable == true && r.isUnique == true && isNew
        var h = "<tbody class=\"cand\" data-stable=\"\(r.isStable == true ? 1 : 0)\" data-new=\"\(isNew ? 1 : 0)\" data-formula=\"\(esc(r.formula))\">"
        h += "<tr><td class=\"num\">\(r.rank.map(String.init) ?? "")</td><td>\(detail.map { StructureDrawing.svg($0.scene) } ?? "")</td>"
        h += "<td class=\"\(isSUN ? "sun" : "")\">\(esc(r.formula))</td>"
        h += "<td class=\"num\">\(fmt(r.energyAboveHull))</td><td class=\"num\">\(fmt(r.formationEnergyPerAtom))</td>"
        h += "<td>\(esc(r.spaceGroupAfter ?? ""))</td><td>\(esc(r.structureType ?? ""))</td><td>\(esc(r.stability?.label ?? ""))\(modelBadge(r))</td>"
        h += "<td>\(esc(r.noveltyLevel?.label ?? ""))\(r.noveltyMatch.map { " <span class=\"muted\">(\(esc($0)))</span>" } ?? "")</td>"
        h += "<td class=\"num\">\(r.hhi.map { String(format: "%.0f", $0) } ?? "")</td>"
        if !spec.targets.isEmpty { h += "<td class=\"num\">\(r.targetProbability.map { String(format: "%.2f", $0) } ?? "")</td>" }
        h += "<td>\(esc(r.generator))<br><span class=\"muted\">\(esc(r.parent ?? ""))\(r.substitution.map { " " + esc($0) } ?? "")</span></td>"
        h += "<td>\(esc(r.relaxOutcome ?? r.status.rawValue))\(r.error.map { "<br><span class=\"muted\">\(esc($0))</span>" } ?? "")</td>"
        h += "<td>\(duplicates(g.duplicates))</td></tr>"
        h += "<tr class=\"detail\"><td colspan=\"\(spec.targets.isEmpty ? 13 : 14)\"><details><summary>details of \(esc(r.formula)) (\(esc(r.id)))</summary>"
        h += "<div class=\"detail-body\">"
        if let detail {
            h += "<div class=\"viewer\"><canvas class=\"cell3d\" width=\"300\" height=\"300\" data-cell=\"cell-\(esc(r.id))\"></canvas>"
            h += "<script type=\"application/json\" id=\"cell-\(esc(r.id))\">\(scriptSafe(detail.scene.json()))</script></div>"
        }
        h += facts(r, detail) + "</div></details></td></tr></tbody>"
        return h
    }

    private func duplicates(_ dups: [CandidateRecord]) -> String {
        guard !dups.isEmpty else { return "" }
        var h = "<details class=\"dups\"><summary>\(dups.count)</summary><table><tr><th>id</th><th>E<sub>hull</sub></th><th>generator</th><th>matched</th></tr>"
        for d in dups {
            let when = d.status == .duplicate ? "before relaxation" : "after relaxation"
            h += "<tr><td>\(esc(d.id))</td><td class=\"num\">\(fmt(d.energyAboveHull))</td><td>\(esc(d.generator))</td><td>\(when)</td></tr>"
        }
        return h + "</table></details>"
    }

    private func facts(_ r: CandidateRecord, _ d: CandidateDetail?) -> String {
        var rows: [(String, String)] = []
        if let d {
            let p = d.latticeParameters
            rows.append(("lattice", String(format: "a %.3f Å, b %.3f Å, c %.3f Å; α %.2f°, β %.2f°, γ %.2f°", p[0], p[1], p[2], p[3], p[4], p[5])))
            rows.append(("volume per atom", String(format: "%.2f Å³", d.volumePerAtom)))
            rows.append(("density", String(format: "%.3f g/cm³", d.density)))
        }
        rows.append(("space group", esc(r.spaceGroupAfter ?? "–") + " <span class=\"muted\">(symprec \(symprec) Å; before relaxation: \(esc(r.spaceGroupBefore ?? "–")))</span>"))
        if let d, let m = d.magneticMoments {
            rows.append(("magnetic moments (CHGNet, |µB|, mean per element)", esc(d.perElement(m, format: "%.2f"))
                         + String(format: " <span class=\"muted\">(total %.2f µB per cell)</span>", m.reduce(0, +))))
        }
        if let d, let ox = d.oxidationStates, ox.count == d.siteElements.count {
            rows.append(("oxidation states (mean per element)", esc(d.perElement(ox, format: "%+.2f"))))
        }
        if let e = r.finalEnergyPerAtom { rows.append(("energy", String(format: "%.4f eV/atom (%@)", e, esc(r.model ?? potential)))) }
        if let lab = labFacts(r) { rows.append(("lab and DFT", lab)) }
        if let judged = r.committee {
            rows.append(("committee E_hull", judged.map { j in
                esc(j.model) + " " + (j.energyAboveHull.map { String(format: "%.3f", $0) } ?? "– (" + esc(j.error ?? "no energy") + ")")
                    + (j.stability.map { " " + esc($0.label) } ?? "")
            }.joined(separator: "; ") + (r.energyAboveHullSpread.map { String(format: " · spread %.3f eV/atom", $0) } ?? "")))
        }
        rows.append(("decomposition", esc(r.decomposition.map { $0.isEmpty ? "none (on the hull)" : $0 } ?? "–")))
        var chain = [esc(r.generator) + (spec.loop != nil ? " (round \(r.round + 1))" : "")]
        if let op = r.operation { chain.append(esc(op) + (r.parents.map { " of " + esc($0.replacingOccurrences(of: ",", with: ", ")) } ?? "")) }
        if let p = r.parent { chain.append("parent " + esc(p)) }
        if let s = r.surrogate { chain.append(String(format: "surrogate E_hull %.3f ± %.3f eV/atom", s.mean, s.sigma ?? 0)) }
        if let s = r.substitution { chain.append("substitution " + esc(s)) }
        chain.append("relaxation " + esc(r.relaxOutcome ?? r.status.rawValue) + (r.relaxSteps.map { " after \($0) steps" } ?? ""))
        rows.append(("provenance", chain.joined(separator: " → ")))
        if !spec.targets.isEmpty { rows += targetFacts(r) }
        if let v = r.properties?[CampaignRunner.phononKey] {
            let verdict = v.mean < -PhononCalculator.defaultTolerance ? "dynamically unstable" : "dynamically stable"
            rows.append(("phonons", String(format: "%@: lowest frequency %.2f THz on the mesh and path (%@, finite displacements)", verdict, v.mean, esc(potential))
                         + (phononPlots[r.id].map { "<div class=\"phonon-bands\">\($0)</div>" } ?? "")))
        } else if let e = r.propertyErrors?[CampaignRunner.phononKey] {
            rows.append(("phonons", esc(e)))
        }
        if let fact = CampaignRunner.thermalFact(r, potential: potential) { rows.append(("thermal robustness", esc(fact))) }
        if let e = synthesis[r.id] { rows += synthesisFacts(e) }
        if let v = r.violations { rows.append(("constraints violated", esc(v))) }
        if let front = r.paretoFront, let crowding = r.paretoCrowding {
            let values = spec.ranking.objectives.map { "\($0.name) \(String(format: "%.3f", $0.value(r, targets: spec.targets)))" }
            rows.append(("Pareto ranking", "front \(front)" + (front == 1 ? " (no ranked candidate is better in every objective)" : "")
                         + ", crowding distance " + (crowding.isFinite ? String(format: "%.3f", crowding) : "∞ (an extreme of the front)")
                         + " · " + esc(values.joined(separator: ", "))))
        }
        if let rank = r.rank {
            let name = CampaignRunner.cifName(rank: rank, formula: r.formula, id: r.id)
            rows.append(("CIF", "<a class=\"cif\" href=\"cif/\(esc(percentEncoded(name)))\">cif/\(esc(name))</a>"))
        }
        return "<table class=\"facts\">" + rows.map { "<tr><th>\(esc($0.0))</th><td>\($0.1)</td></tr>" }.joined() + "</table>"
    }

    /// The lab's evidence (`LabEvidence`): synthesis verdict, the DFT energy that placed it on the
    /// hull, measured properties; nil when the lab sent nothing.
    private func labFacts(_ r: CandidateRecord) -> String? {
        var parts: [String] = []
        switch r.synthesis {
        case .failed?: parts.append("<strong>synthesis failed</strong> (ranked after every other candidate)")
        case .made?: parts.append("synthesised (not phase-pure)")
        case .phasePure?: parts.append("synthesised, phase-pure")
        case nil: break
        }
        if let e = r.dftEnergyPerAtom {
            parts.append(String(format: "DFT energy %.4f eV/atom", e)
                         + (spec.hullReference == .materialsProject ? " (MP2020-corrected; places it on the hull instead of the potential's)" : " (not used on the \(spec.hullReference.rawValue) hull)"))
        }
        if let o = dft[r.id] { parts.append(dftStatus(o)) }
        for (k, v) in (r.measuredProperties ?? [:]).sorted(by: { $0.key < $1.key }) {
            parts.append("measured " + esc(k) + String(format: " %.3g", v.mean) + (v.sigma.map { $0 > 0 ? String(format: " ± %.2g", $0) : "" } ?? "") + " " + esc(v.unit))
        }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    private func provenanceBlock() -> String {
        var h = "<h2 id=\"provenance\">Provenance</h2><table class=\"facts\">"
        let commit = KilnVersion.commit ?? "not recorded (built without `make`)"
        var rows: [(String, String)] = [
            ("Kiln", esc("\(KilnVersion.number), commit \(commit)")),
            ("potential", esc(potential)),
            ("committee", esc(committee.isEmpty ? "none" : committee.joined(separator: ", ")
                              + (spec.requireAgreement ? " (require_agreement: stable only when every model agrees)" : ""))),
            ("wall time", String(format: "%.0f s (all runs of this campaign)", wallSeconds)),
        ]
        if let f = campaignFile { rows.append(("campaign file", esc(f.path))) }
        rows += settings().map { ($0.0, esc($0.1)) }
        for (row, value) in rows { h += "<tr><th>\(esc(row))</th><td>\(value)</td></tr>" }
        h += "</table><h3>Reference and rules</h3><ul>" + provenance.map { "<li>\(esc($0))</li>" }.joined() + "</ul>"
        if let f = campaignFile {
            h += "<details><summary>campaign file \(esc(f.path))</summary><pre class=\"campaign\">\(esc(f.text))</pre></details>"
        }
        return h
    }

    /// Every setting of the campaign, as resolved from the file and the defaults.
    func settings() -> [(String, String)] {
        let v = spec.verdicts, o = spec.objectives, c = spec.constraints
        var rows: [(String, String)] = [
            ("name", spec.name), ("output", spec.output),
            ("target.chemical_systems", spec.chemicalSystems.map { $0.map(\.symbol).joined(separator: "-") }.joined(separator: ", ")),
            ("target.forbidden_elements", spec.forbiddenElements.map(\.symbol).sorted().joined(separator: ", ")),
            ("target.max_atoms", "\(spec.maxAtoms)"), ("target.charge_balance", "\(spec.requireChargeBalance)"),
            ("stability.threshold", "\(v.stabilityThreshold) eV/atom"), ("stability.require_converged", "\(v.requireConverged)"),
            ("stability.unique_by", v.representative.rawValue),
            ("relax", "FIRE with a Fréchet cell filter, fmax \(spec.fmax) eV/Å, at most \(spec.relaxSteps) steps"),
            ("relax.model", spec.model.rawValue),
            ("relax.committee", spec.committee.map(\.rawValue).joined(separator: ", ").ifEmpty("none")),
            ("relax.require_agreement", "\(spec.requireAgreement)"),
            ("objectives", "supply_risk \(o.supplyRisk), abundance \(o.abundance), n_elements \(o.elements)"),
            ("ranking", spec.ranking.method == .pareto
                ? "pareto over " + spec.ranking.objectives.map(\.name).joined(separator: ", ") : "weighted"),
            ("constraints", [c.maxEHull.map { "max_e_hull \($0)" }, c.maxHHI.map { "max_hhi \($0)" },
                             c.minAbundance.map { "min_abundance \($0)" }, c.maxElements.map { "max_elements \($0)" },
                             c.dynamicallyStable ? "dynamically_stable" : nil, c.synthesizable ? "synthesizable" : nil,
                             c.thermallyRobust ? "thermally_robust (\(c.thermalTemperature) K, \(c.thermalTime) ps)" : nil]
                .compactMap { $0 }.joined(separator: ", ").ifEmpty("none")),
        ]
        if !spec.targets.isEmpty {
            rows.append(("targets", spec.targets.map { "\($0.property.rawValue) \($0.window) (\($0.use.rawValue))" }.joined(separator: ", ")
                         + "; min_probability \(spec.minTargetProbability)"))
        }
        for (i, g) in spec.generators.enumerated() {
            rows.append(("generators[\(i)]", "\(g.kind.rawValue): budget \(g.budget), seed \(g.seed)"
                         + (g.kind == .randomSymmetric ? ", max_attempts \(g.maxAttempts), time_limit \(g.timeLimit) s" : "")))
        }
        return rows
    }

    /// A badge on a candidate whose stable verdict depends on the model, with each model's E_hull.
    private func modelBadge(_ r: CandidateRecord) -> String {
        guard r.verdictDependsOnModel == true, let judged = r.committee else { return "" }
        let title = judged.map { "\($0.model): " + ($0.energyAboveHull.map { String(format: "%.3f", $0) } ?? "no energy") }.joined(separator: ", ")
        return "<span class=\"badge\" title=\"E_hull \(esc(title))\">model-dependent</span>"
    }

    /// What the committee is and what the model-dependent badge means.
    private func committeeNote() -> String {
        let n = records.filter { $0.status == .relaxed && $0.verdictDependsOnModel == true }.count
        return "<p class=\"muted\">Committee: \(esc(([potential] + committee).joined(separator: ", "))) each place every relaxed "
            + "structure on the hull. <span class=\"badge\">model-dependent</span> marks the \(n) relaxed candidate\(n == 1 ? "" : "s") "
            + "whose stable verdict changes with the model (details list each model's E<sub>hull</sub> and their spread)"
            + (spec.requireAgreement ? "; with require_agreement such a candidate counts as possibly stable, not stable." : ".") + "</p>"
    }

    private func fmt(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "" }
    func esc(_ s: String) -> String { HTML.escape(s) }
    /// JSON inside a `<script>` element: no "</script>" or "<!--" can end or comment it.
    private func scriptSafe(_ json: String) -> String { json.replacingOccurrences(of: "<", with: "\\u003c") }
    private func percentEncoded(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? s }
}

/// HTML text and attribute escaping.
enum HTML {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}

private extension String {
    func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
