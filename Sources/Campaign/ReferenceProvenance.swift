import Evaluation
import Foundation
import ReferenceData
import Thermo

/// What a campaign's verdicts were judged against — the hull reference, the reference structures,
/// the known formulas, the structure-type prototypes and the stability margin — with each one's
/// size, age and source, one line each for the report and the summary.
struct ReferenceProvenance {
    var lines: [String]
    var margins: CampaignMargins

    init(hull: HullService, novelty: NoveltyChecker, margins: CampaignMargins) throws {
        self.margins = margins
        let structures = novelty.referenceCount.ordered + novelty.referenceCount.disordered
        let allMP = try ReferenceStructures.mp().count
        let known = try MPKnownFormulas.metadata()
        let added = known.tables.filter { $0.added > 0 }.map { "\($0.source) +\($0.added.formatted())" }
        let prototypes = try ReferenceStructures.aflowPrototypes().count
        lines = [
            "Hull: " + hull.provenance,
            "Known structures: \(structures.formatted()) built-in MP structures of the target elements, any size "
                + "(of \(allMP.formatted()), legacy MP about 2018; CC-BY-4.0), StructureMatcher ltol 0.2, stol 0.3, angle_tol 5, element comparator",
            "Known compositions: the formulas of the MP energy table above and its structures, plus \(known.formulaCount.formatted()) "
                + "more from MP composition tables (\(added.joined(separator: ", ")); mp_e_hull about 2019, MP-20 about 2021; CC-BY-4.0)",
            "Structure types: \(prototypes.formatted()) AFLOW crystallographic prototypes (Mehl et al. 2017; Hicks et al. 2019, 2021), "
                + "matched with species ignored",
            margins.description,
        ]
    }
}
