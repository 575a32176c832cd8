import Foundation
import KilnSupport
import Synthesis


/// The report's synthesis rows of a top candidate: the learned synthesizability score with its
/// held-out precision and recall, charge balance and bond valence, then the best precursor routes.
extension CampaignReport {
    func synthesisFacts(_ e: SynthesisEvidence) -> [(String, String)] {
        var rows: [(String, String)] = []
        switch e.score {
        case .success(let s):
            var parts = [String(format: "learned score %.2f (threshold %.2f): ", s.score, s.threshold)
                + (s.isSynthesizable ? "likely synthesizable" : "<strong>unlikely synthesizable</strong>")]
            if let m = try? SynthesizabilityModel.shipped().metrics.model {
                parts[0] += String(format: " <span class=\"muted\">(positive–unlabelled trees on MP compositions; held-out precision %.2f, recall %.2f)</span>",
                                   m.precision, m.recall)
            }
            parts.append(s.chargeBalanced ? "charge balanced (SMACT)" : "not charge balanced with one state per element (SMACT)")
            if let ox = s.oxidationStates { parts.append("oxidation states " + esc(ox.description)) }
            switch s.bondValence {
            case .success(let bv)?:
                parts.append(String(format: "bond valence: deviation index %.2f σ (%@), GII %.2f v.u.", bv.deviationIndex,
                                    bv.isPlausible ? "plausible" : "implausible", bv.globalInstabilityIndex))
            case .failure(let error)?: parts.append("bond valence: " + esc(error.description))
            case nil: break
            }
            rows.append(("synthesizability", parts.joined(separator: " · ")))
        case .failure(let error):
            rows.append(("synthesizability", esc(ErrorText.describe(error))))
        }
        switch e.routes {
        case .success(let routes):
            let items = routes.map { r in
                "<li>" + esc(r.equation) + String(format: " <span class=\"muted\">ΔE %.3f eV/atom", r.reactionEnergyPerAtom)
                    + (r.competingPhases.isEmpty ? "; no competing phase"
                       : String(format: "; %d competing phase(s), deepest %.3f eV/atom: ", r.competingPhases.count, r.competitionDepth)
                        + esc(r.competingPhases.prefix(4).joined(separator: ", ")))
                    + (r.shelfUnstable.isEmpty ? "" : "; air changes " + esc(r.shelfUnstable.map(\.formula).joined(separator: ", ")) + " on the shelf")
                    + "</span></li>"
            }
            rows.append(("precursor routes", String(format: "best %d of the bundled precursors at %.0f K (docs/synthesis.md)", routes.count, e.temperature)
                         + "<ol class=\"routes\">" + items.joined() + "</ol>"))
        case .failure(let error):
            rows.append(("precursor routes", esc(ErrorText.describe(error))))
        }
        return rows
    }
}

extension CampaignReport {
    /// A DFT result's status: code and functional, convergence and forces, and where its energy went
    /// (MP's hull, a QE hull of references computed the same way, or none and why).
    func dftStatus(_ o: LabOutcome) -> String {
        var s = "DFT status: " + esc([o.code?.uppercased() ?? "energy given as a number", o.functional].compactMap { $0 }.joined(separator: " "))
        if let converged = o.converged { s += converged ? ", converged" : ", <strong>not converged</strong>" }
        if let f = o.maxForce { s += String(format: ", max force %.3f eV/Å", f) }
        switch o.hullScale {
        case .qe?:
            s += o.energyAboveHull.map { String(format: "; E<sub>hull</sub>(QE) %.3f eV/atom against QE references computed the same way", $0) } ?? ""
        case .none?: s += "; no hull" + (o.hullNote.map { " (" + esc($0) + ")" } ?? "")
        case .mp2020?, nil: break
        }
        if let note = o.hullNote, o.hullScale != LabOutcome.HullScale.none { s += " <span class=\"muted\">(" + esc(note) + ")</span>" }
        return s
    }
}
