import Crystal
import Evaluation
import Foundation
import Potentials
import Thermo

extension CampaignRunner {
    /// The campaign's hull (`[hull] reference`): the MP reference of the target elements, or, with
    /// `mlip`, the bundled MP structures of the target systems relaxed with the campaign's calculator
    /// and `[relax]` settings (each relaxation cached in the knowledge store, so a resumed run or a
    /// rerun relaxes nothing twice). Both hide `hiddenFormulas`.
    func hullService(_ store: KnowledgeStore) throws -> HullService {
        let corrections = HullService.Corrections(potential)
        let mp = try HullService(corrections: corrections, elements: spec.elements, hiddenFormulas: hiddenFormulas)
        guard spec.hullReference == .mlip else { return mp }
        var relaxer = Relaxer(calculator: potential.calculator)
        relaxer.fmax = spec.fmax
        relaxer.maxSteps = spec.relaxSteps
        var builder = MLIPReferenceBuilder(relaxer: relaxer)
        builder.workers = workers
        let systems = spec.chemicalSystems.map { $0.filter(spec.elements.contains) }
        let todo = try MLIPReferenceBuilder.structures(systems: systems).count
        log("hull reference: the \(todo) bundled MP structures of the target systems, relaxed with \(builder.key) (cached ones reused)")
        let started = Date()
        let reference = try builder.build(systems: systems, cache: store,
                                          coverage: try MLIPReferenceBuilder.coverage(systems: systems, mpHull: mp)) { done, total in
            progress?(done, total, Date().timeIntervalSince(started))
        }
        return try HullService(mlip: reference, corrections: corrections, elements: spec.elements, hiddenFormulas: hiddenFormulas)
    }
}
