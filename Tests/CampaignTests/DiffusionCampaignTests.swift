import Campaign
import Crystal
import Foundation
import Potentials
import Tensor
import XCTest

/// A campaign whose only generator is the shipped perov5 diffusion model, on a small budget: its
/// samples go through the same CHGNet relaxation, hull and uniqueness steps as any other generator's.
final class DiffusionCampaignTests: XCTestCase {
    /// Single-threaded OpenBLAS, as in `kiln`: its spinning threads would fight the sampler's own.
    override func setUp() { ProcessSettings.applyForInference() }

    func testDiffusionGeneratorFeedsTheCampaignPipeline() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-diffusion-campaign-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try CampaignSpec(toml: """
            name = "diffusion-test"
            [target]
            chemical_systems = ["Sr-Ti-O"]
            max_atoms = 5
            [relax]
            steps = 200
            [[generators]]
            kind = "diffusion"
            model = "perov5"
            budget = 6
            seed = 3
            """)
        let summary = try CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(try CHGNet(), name: "chgnet")).run()
        let all = try KnowledgeStore(path: summary.store).all()
        XCTAssertEqual(all.count, 6)
        XCTAssert(all.allSatisfy { $0.generator.hasPrefix("diffusion") }, "\(all.map(\.generator))")
        for c in all {
            let elements = Set(try Composition(c.formula).elements.map(\.symbol))
            XCTAssert(elements.isSubset(of: ["Sr", "Ti", "O"]) && c.nSites <= 5, "\(c.formula), \(c.nSites) sites")
        }
        let judged = all.filter { $0.energyAboveHull != nil }
        XCTAssertGreaterThanOrEqual(judged.count, 2, "samples relax and reach the hull (duplicates are not relaxed)")
        // The model was trained on ABX3 perovskites; in Sr–Ti–O that is SrTiO3, on MP's hull. (A sampled
        // lattice can be left-handed; before it was made right-handed, CHGNet's stress had the wrong
        // sign and these relaxations blew up.)
        let srtio3 = judged.filter { try! Composition($0.formula).reducedFormula == "SrTiO3" }
        XCTAssertFalse(srtio3.isEmpty, "\(all.map(\.formula))")
        XCTAssertLessThan(srtio3.map { $0.energyAboveHull! }.min()!, 0.1, "a relaxed SrTiO3 perovskite lies near the hull")
        XCTAssertNotNil(all.first { $0.isUnique == true })
    }
}
