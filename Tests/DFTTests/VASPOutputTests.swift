import Crystal
import DFT
import Foundation
import KilnSupport
import KilnTestSupport
import XCTest

/// VASP outputs read as pymatgen reads them: six real runs from custodian's test files
/// (Tests/Fixtures/vasp; GGA, GGA+U with non-MP U values, r2SCAN, a static run, an unconverged SCF
/// and an unconverged relaxation) against pymatgen 2026.10.16's `Vasprun`, `Outcar` and
/// `MaterialsProject2020Compatibility` (scripts/make_vasp_outputs_fixture.py, expected.json).
final class VASPOutputTests: XCTestCase {
    /// vasprun.xml prints energies with 8 decimals and positions, forces and stress with 8 digits:
    /// both readers parse the same text, so they agree to rounding.
    static let tolerance = 1e-8

    struct Case: Decodable {
        let name: String
        let final_energy: Double
        let n_ionic: Int
        let lattice: [[Double]], species: [String], frac_coords: [[Double]]
        let forces: [[Double]], stress: [[Double]]
        let converged_electronic: Bool, converged_ionic: Bool
        let run_type: String
        let hubbards: [String: Double]
        let potcar_symbols: [String]
        let mp2020_compatible: Bool
        let outcar_final_energy: Double?
    }

    static let directory = Fixtures.directory.appendingPathComponent("vasp")

    static func cases() throws -> [Case] {
        struct File: Decodable { let cases: [Case] }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: directory.appendingPathComponent("expected.json"))).cases
    }

    static func run(_ name: String) throws -> VASPRun {
        try VASPRun(xml: Gzip.readFile(directory.appendingPathComponent("\(name).vasprun.xml.gz")), name: "\(name).vasprun.xml")
    }

    func testEveryRunAsPymatgenReadsIt() throws {
        var failures: [String] = []
        let cases = try Self.cases()
        XCTAssertEqual(cases.count, 6)
        for c in cases {
            func check(_ ok: Bool, _ what: String) { if !ok { failures.append("\(c.name): \(what)") } }
            let run = try Self.run(c.name)
            check(run.complete, "complete")
            check(abs((run.finalEnergy ?? .nan) - c.final_energy) < Self.tolerance, "final energy \(run.finalEnergy ?? .nan) vs \(c.final_energy)")
            check(run.ionicSteps.count == c.n_ionic, "ionic steps \(run.ionicSteps.count) vs \(c.n_ionic)")
            let s = run.finalStructure
            check(s.sites.map { $0.element.symbol } == c.species, "species")
            let rows = s.lattice.matrix.rows
            check(zip([rows.0, rows.1, rows.2].flatMap { [$0.x, $0.y, $0.z] }, c.lattice.joined()).allSatisfy { abs($0 - $1) < Self.tolerance }, "lattice")
            check(zip(s.sites.flatMap { [$0.frac.x, $0.frac.y, $0.frac.z] }, c.frac_coords.joined()).allSatisfy { abs($0 - $1) < Self.tolerance }, "positions")
            check(run.forces.count == c.forces.count && zip(run.forces.flatMap { [$0.x, $0.y, $0.z] }, c.forces.joined()).allSatisfy { abs($0 - $1) < Self.tolerance }, "forces")
            check(run.stress.count == c.stress.count && zip(run.stress.joined(), c.stress.joined()).allSatisfy { abs($0 - $1) < Self.tolerance }, "stress")
            check(run.electronicConverged == c.converged_electronic, "converged_electronic \(run.electronicConverged)")
            check(run.ionicConverged == c.converged_ionic, "converged_ionic \(run.ionicConverged)")
            check(run.settings.runType == c.run_type, "run type \(run.settings.runType) vs \(c.run_type)")
            check(run.settings.hubbardU == c.hubbards, "hubbards \(run.settings.hubbardU) vs \(c.hubbards)")
            check(run.settings.potcarSymbols == c.potcar_symbols, "POTCARs \(run.settings.potcarSymbols)")
            let mp = run.settings.mpCompatibilityProblem(for: s)
            check((mp == nil) == c.mp2020_compatible, "MP2020 compatible: pymatgen \(c.mp2020_compatible), Kiln: \(mp ?? "yes")")
            check((run.problem == nil) == (c.converged_electronic && c.converged_ionic), "problem: \(run.problem ?? "none")")
            if let e = c.outcar_final_energy {
                let o = try VASPOutcar(text: String(decoding: Gzip.readFile(Self.directory.appendingPathComponent("\(c.name).OUTCAR.gz")), as: UTF8.self))
                check(abs(o.energy - e) < Self.tolerance, "OUTCAR energy \(o.energy) vs \(e)")
                // OUTCAR prints positions with 5 decimals (Å) and forces with 6: the same run as vasprun.xml to that precision.
                check(zip(o.forces, run.forces).allSatisfy { norm($0 - $1) < 1e-5 }, "OUTCAR forces")
                check(zip(o.structure.sites, s.sites).allSatisfy { a, b in
                    let d = a.frac - b.frac
                    return norm(s.lattice.cartesian(Vec3(d.x - d.x.rounded(), d.y - d.y.rounded(), d.z - d.z.rounded()))) < 2e-5
                }, "OUTCAR positions")
                check(abs(o.structure.lattice.volume - s.lattice.volume) < 1e-4, "OUTCAR cell")
                check(o.settings.runType == c.run_type && o.settings.hubbardU == c.hubbards && o.problem == nil, "OUTCAR settings \(o.settings.runType)")
            }
        }
        XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n"))
    }

    /// The reasons MP2020 refuses a run are named: wrong U (and POTCAR) on FeO, a meta-GGA.
    func testMPCompatibilityNamesTheReason() throws {
        let feo = try Self.run("feo-ggau-u4")
        let why = try XCTUnwrap(feo.settings.mpCompatibilityProblem(for: feo.finalStructure))
        XCTAssertTrue(why.contains("Fe 4 eV (MP: 5.3)"), why)
        let al = try Self.run("al-r2scan")
        XCTAssertTrue(try XCTUnwrap(al.settings.mpCompatibilityProblem(for: al.finalStructure)).contains("run type R2SCAN"))
        XCTAssertNil(try Self.run("si-relax").settings.mpCompatibilityProblem(for: Self.run("si-relax").finalStructure))
    }

    /// Truncated and unconverged runs are refused with the file and the reason; a cut-off
    /// vasprun.xml next to a finished OUTCAR is read from the OUTCAR.
    func testTruncatedAndUnconvergedRunsAreRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-vasp-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let full = try Gzip.readFile(Self.directory.appendingPathComponent("si-relax.vasprun.xml.gz"))
        let cut = full.prefix(full.count * 2 / 3)
        let truncated = try VASPRun(xml: cut, name: "cut/vasprun.xml")
        XCTAssertFalse(truncated.complete)
        XCTAssertThrowsError(try truncated.requireConverged()) { XCTAssertTrue("\($0)".contains("cut/vasprun.xml: truncated"), "\($0)") }

        let run = dir.appendingPathComponent("si-run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        try cut.write(to: run.appendingPathComponent("vasprun.xml"))
        XCTAssertThrowsError(try DFTResult.read(run)) { XCTAssertTrue("\($0)".contains("vasprun.xml: truncated"), "\($0)") }
        try FileManager.default.copyItem(at: Self.directory.appendingPathComponent("si-relax.OUTCAR.gz"), to: run.appendingPathComponent("OUTCAR.gz"))
        let result = try DFTResult.read(run)
        XCTAssertEqual(result.energy, -10.84147246, accuracy: Self.tolerance, "the OUTCAR's final energy")
        XCTAssertEqual(result.runName, "si-run")
        XCTAssertTrue(result.notes.joined().contains("read OUTCAR.gz"), "\(result.notes)")
        XCTAssertNil(result.mpIncompatibility)
        // A cut-off vasprun.xml.gz cannot be decompressed: refused alone, read from the OUTCAR beside it.
        let gz = try Data(contentsOf: Self.directory.appendingPathComponent("si-relax.vasprun.xml.gz"))
        let gzRun = dir.appendingPathComponent("si-gz")
        try FileManager.default.createDirectory(at: gzRun, withIntermediateDirectories: true)
        try gz.prefix(gz.count / 2).write(to: gzRun.appendingPathComponent("vasprun.xml.gz"))
        XCTAssertThrowsError(try DFTResult.read(gzRun)) { XCTAssertTrue("\($0)".contains("vasprun.xml.gz: cannot read"), "\($0)") }
        try FileManager.default.copyItem(at: Self.directory.appendingPathComponent("si-relax.OUTCAR.gz"), to: gzRun.appendingPathComponent("OUTCAR.gz"))
        XCTAssertEqual(try DFTResult.read(gzRun).energy, -10.84147246, accuracy: Self.tolerance)

        let outcar = try String(decoding: Gzip.readFile(Self.directory.appendingPathComponent("si-relax.OUTCAR.gz")), as: UTF8.self)
        XCTAssertThrowsError(try VASPOutcar(text: String(outcar.prefix(outcar.count / 2)), name: "OUTCAR")) {
            XCTAssertTrue("\($0)".contains("OUTCAR: VASP did not finish"), "\($0)")
        }
        for (name, reason) in [("v2o5-unconverged-electronic", "electronic SCF of the last ionic step did not converge"),
                               ("ag-unconverged-ionic", "relaxation did not converge")] {
            let file = dir.appendingPathComponent("\(name)/vasprun.xml.gz")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Self.directory.appendingPathComponent("\(name).vasprun.xml.gz"), to: file)
            XCTAssertThrowsError(try DFTResult.read(file)) { XCTAssertTrue("\($0)".contains(file.path) && "\($0)".contains(reason), "\($0)") }
        }
    }
}
