import Crystal
import DFT
import Foundation
import KilnSupport
import KilnTestSupport
import XCTest

/// Quantum ESPRESSO: pw.x inputs from Debian's pseudopotentials (quantum-espresso-data), pw.x
/// outputs read back (energy, cell, forces, the settings that make energies comparable; unfinished
/// and unconverged runs refused). The real pw.x run, exported from a campaign and ingested into its
/// store, is `KilnCommandsTests/PWRoundTripTests`.
final class QERoundTripTests: XCTestCase {
    static let pseudoDirectory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["KILN_TEST_PSEUDO_DIR"] ?? "/usr/share/espresso/pseudo")

    static func silicon(a: Double) -> Structure {
        let h = a / 2
        return Structure(lattice: Lattice([[0, h, h], [h, 0, h], [h, h, 0]]), species: [try! Element("Si"), try! Element("Si")],
                         fracCoords: [Vec3(0, 0, 0), Vec3(0.25, 0.25, 0.25)])
    }

    static func pseudopotentialsOrSkip() throws {
        guard FileManager.default.fileExists(atPath: Self.pseudoDirectory.appendingPathComponent("Si.pbe-nl-rrkjus_psl.1.0.0.UPF").path) else {
            if ProcessInfo.processInfo.environment["CI"] != nil { throw DFTError.badInput("CI runs the QE tests: install quantum-espresso-data (scripts/cluster_services)") }
            throw XCTSkip("no Debian quantum-espresso-data pseudopotentials")
        }
    }

    func testInputFromPseudopotentialHeaders() throws {
        try Self.pseudopotentialsOrSkip()
        let set = try QEInputSet(structure: Self.silicon(a: 5.431), pseudoDirectory: Self.pseudoDirectory)
        XCTAssertEqual(set.pseudopotentials.map(\.file), ["Si.pbe-nl-rrkjus_psl.1.0.0.UPF"], "the first PBE file by name, not Si.bhs, Si.pz-…, Si.rel-…")
        XCTAssertTrue(set.pseudopotentials[0].ultrasoftOrPAW)
        XCTAssertEqual(set.ecutwfc, 43.74353992864, accuracy: 1e-9, "the header's recommended wavefunction cut-off")
        XCTAssertEqual(set.ecutrho, 8 * set.ecutwfc, accuracy: 1e-9, "dual 8 for ultrasoft, above the header's 175 Ry")
        XCTAssertEqual(set.kpointGrid, try VASPInputSet(mpRelax: Self.silicon(a: 5.431)).kpointGrid, "MP's k-mesh")
        XCTAssertEqual(set.kpointShift, [0, 0, 0], "Gamma-centred, as MP's mesh for an F-centred cell")
        XCTAssertEqual(set.startingMagnetization["Si"] ?? 0, 0.6 / 4, accuracy: 1e-12, "MP's initial 0.6 µB over 4 valence electrons")
        XCTAssertTrue(set.hubbardU.isEmpty)
        XCTAssertTrue(set.text.contains("calculation = 'vc-relax'") && set.text.contains("K_POINTS automatic\n  7 7 7 0 0 0"), set.text)

        // MP's +U follows the anion: Fe gets U = 5.3 eV in an oxide (O.pbe-… from the same folder).
        let feo = Structure(lattice: Lattice([[0, 2.15, 2.15], [2.15, 0, 2.15], [2.15, 2.15, 0]]), species: [try Element("Fe"), try Element("O")],
                            fracCoords: [Vec3(0, 0, 0), Vec3(0.5, 0.5, 0.5)])
        let oxide = try QEInputSet(structure: feo, pseudoDirectory: Self.pseudoDirectory, calculation: .scf)
        XCTAssertEqual(oxide.hubbardU, ["Fe": 5.3])
        XCTAssertTrue(oxide.text.contains("lda_plus_u = .true.") && oxide.text.contains("nspin = 2"), oxide.text)
        XCTAssertFalse(oxide.text.contains("&IONS"), "no ions or cell namelists for scf")
    }

    func testBadInputIsAClearError() throws {
        try Self.pseudopotentialsOrSkip()
        let nacl = Structure(lattice: Lattice([[0, 2.8, 2.8], [2.8, 0, 2.8], [2.8, 2.8, 0]]), species: [try Element("Na"), try Element("Cl")],
                             fracCoords: [Vec3(0, 0, 0), Vec3(0.5, 0.5, 0.5)])
        XCTAssertThrowsError(try QEInputSet(structure: nacl, pseudoDirectory: Self.pseudoDirectory)) {
            XCTAssertTrue("\($0)".contains("no PBE pseudopotential for Na in"), "\($0)")
        }
        XCTAssertThrowsError(try QEInputSet(structure: Self.silicon(a: 5.431), pseudoDirectory: URL(fileURLWithPath: "/nonexistent"))) {
            XCTAssertTrue("\($0)".contains("no pseudopotential folder"), "\($0)")
        }
        let done = try String(decoding: Gzip.readFile(Fixtures.directory.appendingPathComponent("qe/si-vc-relax.out.gz")), as: UTF8.self)
        XCTAssertThrowsError(try PWOutput(text: String(done.prefix(done.count / 2)))) {
            XCTAssertTrue("\($0)".contains("did not finish"), "\($0)")
        }
        let unconverged = try String(decoding: Gzip.readFile(Fixtures.directory.appendingPathComponent("qe/si-scf-unconverged.out.gz")), as: UTF8.self)
        XCTAssertThrowsError(try PWOutput(text: unconverged)) {
            XCTAssertTrue("\($0)".contains("the SCF did not converge"), "\($0)")
        }
    }

    /// A vc-relax output of pw.x 6.7 (Tests/Fixtures/qe, made with this test's input from 3.8396 Å
    /// primitive vectors): the last SCF energy, the final cell and zero forces by symmetry.
    func testReadsARelaxationOutput() throws {
        let text = try String(decoding: Gzip.readFile(Fixtures.directory.appendingPathComponent("qe/si-vc-relax.out.gz")), as: UTF8.self)
        let out = try PWOutput(text: text)
        XCTAssertEqual(out.energy, -20.43864389 * QEInputSet.rydberg, accuracy: 1e-6, "the final '!' line")
        XCTAssertEqual(out.energies.count, 6, "one per SCF: the relaxation's five (one repeated after a BFGS reset) and the final one")
        XCTAssertEqual(out.ionicSteps, 3, "bfgs converged in 4 scf cycles and 3 bfgs steps")
        XCTAssertEqual(out.structure.count, 2)
        XCTAssertEqual(out.structure.lattice.c, 3.866218440, accuracy: 1e-8, "the final CELL_PARAMETERS (Å)")
        XCTAssertEqual(out.structure.sites[1].frac.x, 0.25, accuracy: 1e-6)
        XCTAssertEqual(out.forces.count, 2)
        XCTAssertLessThan(out.forces.map { norm($0) }.max()!, 1e-3)
        XCTAssertEqual(out.functional, "PBE")
        XCTAssertEqual(out.ecutwfc ?? 0, 43.7435, accuracy: 1e-9)
        XCTAssertEqual(out.ecutrho ?? 0, 349.948, accuracy: 1e-9)
        XCTAssertEqual(out.pseudopotentials, ["Si": "Si.pbe-nl-rrkjus_psl.1.0.0.UPF (MD5 78279d3766ecb5dbdc0623f3e93c9a23)"])
    }

    /// An scf output (Tests/Fixtures/qe/si-scf.out.gz: the scf `kiln export dft --code qe
    /// --calculation scf` writes for diamond silicon at a = 5.431 Å): no CELL_PARAMETERS or
    /// ATOMIC_POSITIONS blocks, so the structure is the printed input cell and `tau` positions.
    func testReadsAnSCFOutput() throws {
        let text = try String(decoding: Gzip.readFile(Fixtures.directory.appendingPathComponent("qe/si-scf.out.gz")), as: UTF8.self)
        let out = try PWOutput(text: text)
        XCTAssertEqual(out.energy, -20.43828803 * QEInputSet.rydberg, accuracy: 1e-6)
        XCTAssertEqual(out.energies.count, 1)
        XCTAssertEqual(out.ionicSteps, 0)
        XCTAssertEqual(out.structure.lattice.a, 5.431 / 2.squareRoot(), accuracy: 1e-4, "alat × the printed crystal axes (alat to 4 decimals in bohr)")
        let f = out.structure.sites[1].frac
        XCTAssertEqual([f.x, f.y, f.z].map { ($0 * 1e5).rounded() / 1e5 }, [0.25, 0.25, 0.25])
        XCTAssertEqual(out.settings, "PBE; ecutwfc 43.74 Ry, ecutrho 349.95 Ry; Si: Si.pbe-nl-rrkjus_psl.1.0.0.UPF (MD5 78279d3766ecb5dbdc0623f3e93c9a23)")
    }
}
