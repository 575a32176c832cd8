import Crystal
import Foundation
import Potentials
@testable import Properties
import XCTest

/// The structure features (CHGNet descriptor + fitted element references) and the bundled structure
/// models.
final class StructureModelTests: XCTestCase {
    static let chgnet = Result { try CHGNet() }
    static let models = Result {
        try Dictionary(uniqueKeysWithValues: LearnedProperty.allCases.map { ($0, try LearnedModel.bundled($0, features: .structure)) })
    }

    func rockSalt(_ a: String, _ b: String, _ lattice: Double) throws -> Structure {
        Structure(lattice: .cubic(lattice), species: try [a, a, a, a, b, b, b, b].map { try Element($0) },
                      fracCoords: [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0],
                                   [0.5, 0.5, 0.5], [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]])
    }

    /// Exact data: the fit returns the µ that made it, and E − Σxµ returns the formation energy.
    func testElementReferencesRecoverExactData() throws {
        let mu = ["Na": -1.3, "Cl": -1.8, "Mg": -1.5, "O": -4.9, "Li": -1.9]
        let formulas = ["NaCl", "MgO", "Na2O", "MgCl2", "LiCl", "Li2O", "Li", "NaMgCl3", "O2"]
        let compositions = try formulas.map { try Composition($0) }
        let ef = formulas.indices.map { Double($0) * 0.1 - 0.4 }
        let e = zip(compositions, ef).map { c, f in f + c.items.reduce(0) { $0 + $1.1 / c.numAtoms * mu[$1.0.symbol]! } }
        let fit = try ElementReferences(compositions: compositions + [compositions[0]], energyPerAtom: e + [.nan],
                                        formationEnergy: ef.map { $0 } + [nil])
        for (el, m) in mu { XCTAssertEqual(fit.energies[el]!, m, accuracy: 1e-6, el) }
        for (c, (x, f)) in zip(compositions, zip(e, ef)) {
            XCTAssertEqual(fit.formationEnergy(energyPerAtom: x, composition: c)!, f, accuracy: 1e-6)
        }
        XCTAssertNil(fit.formationEnergy(energyPerAtom: -3, composition: try Composition("CsCl")), "no µ for Cs")
    }

    /// The descriptor is per atom: the same for a supercell and for the sites in another order.
    func testDescriptorIsIntensiveAndOrderFree() throws {
        let chgnet = try Self.chgnet.get()
        let nacl = try rockSalt("Na", "Cl", 5.69)
        let d = try CHGNetDescriptor.describe(nacl, chgnet: chgnet)
        XCTAssertEqual(d.count, CHGNetDescriptor.names.count)
        XCTAssertEqual(d[CHGNetDescriptor.energyIndex], try chgnet.calculate(nacl, properties: [.energy]).energy / 8, accuracy: 1e-5)
        XCTAssertEqual(d[3], nacl.volumePerAtom, accuracy: 1e-4)
        let w = CHGNet.featureWidth
        for k in 0..<w {
            let (mean, std, low, high) = (d[5 + k], d[5 + w + k], d[5 + 2 * w + k], d[5 + 3 * w + k])
            XCTAssertLessThanOrEqual(low, mean + 1e-6)
            XCTAssertLessThanOrEqual(mean, high + 1e-6)
            XCTAssertGreaterThanOrEqual(std, 0)
        }
        var shuffled = nacl
        shuffled.sites.reverse()
        let supercell = try nacl.supercell(2, 1, 1)
        for other in [try CHGNetDescriptor.describe(shuffled, chgnet: chgnet), try CHGNetDescriptor.describe(supercell, chgnet: chgnet)] {
            for (a, b) in zip(d, other) { XCTAssertEqual(a, b, accuracy: 1e-4 * max(1, abs(a))) }
        }
    }

    func testBundledStructureModels() throws {
        let chgnet = try Self.chgnet.get()
        for (p, m) in try Self.models.get() {
            XCTAssertEqual(m.featureSet, .structure)
            XCTAssertEqual(m.featureNames, FeatureSet.structure.names)
            XCTAssertNotNil(m.elementReferences)
            XCTAssertEqual(m.metrics.trainingCount + m.metrics.validationCount + m.metrics.testCount, 36_737)
            XCTAssertThrowsError(try m.predict(Composition("NaCl")), p.rawValue) { error in
                XCTAssertTrue("\(error)".contains("reads structures"), "\(error)")
            }
            let composition = try XCTUnwrap(try? LearnedModel.bundled(p))
            if let mae = m.metrics.testMAE { XCTAssertLessThan(mae, composition.metrics.testMAE!, "\(p): structure model beats composition model") }
            if let auc = m.metrics.rocAUC { XCTAssertGreaterThan(auc, composition.metrics.rocAUC!) }
        }
        // MP (PBE): NaCl gap ≈ 5 eV, E_form ≈ −2.1 eV/atom; MgO gap ≈ 4.5 eV. Loose bounds: model errors.
        let models = try Self.models.get()
        let nacl = try rockSalt("Na", "Cl", 5.69), mgo = try rockSalt("Mg", "O", 4.25)
        XCTAssertGreaterThan(try models[.bandGap]!.predict(nacl, chgnet: chgnet).mean, 3)
        XCTAssertGreaterThan(try models[.bandGap]!.predict(mgo, chgnet: chgnet).mean, 3)
        XCTAssertLessThan(try models[.isMetal]!.predict(nacl, chgnet: chgnet).mean, 0.2)
        XCTAssertEqual(try models[.formationEnergy]!.predict(nacl, chgnet: chgnet).mean, -2.1, accuracy: 0.2)
        XCTAssertThrowsError(try models[.bandGap]!.predict(nacl, chgnet: nil)) { error in
            XCTAssertTrue("\(error)".contains("needs CHGNet"), "\(error)")
        }
    }
}
