import ArgumentParser
import Potentials
import Thermo
import XCTest
@testable import KilnCommands

/// Every command's arguments parse to the right values; bad values are usage errors.
final class ParsingTests: CommandTestCase {
    func testHelpAndUnknownCommands() throws {
        for (arguments, mention) in [(["--help"], "relax"), (["relax", "--help"], "--optimizer"), (["help", "energy"], "--engine")] {
            var help = try KilnCommand.parseAsRoot(arguments)
            XCTAssertThrowsError(try help.run(), "\(arguments)") { error in
                XCTAssertEqual(KilnCommand.exitCode(for: error), .success)
                XCTAssertTrue(KilnCommand.fullMessage(for: error).contains(mention), "\(arguments)")
            }
        }
        // The benchmarks are the separate kiln-bench executable.
        XCTAssertThrowsError(try KilnCommand.parseAsRoot(["bench", "io"])) { error in
            XCTAssertEqual(KilnCommand.exitCode(for: error), .validationFailure)
        }
    }

    func testInfo() throws {
        let info = try parse(InfoCommand.self, ["info", "a.cif", "dir", "--symprec", "0.1", "--json"])
        XCTAssertEqual(info.inputs.files, ["a.cif", "dir"])
        XCTAssertEqual(info.symmetry.symprec, 0.1)
        XCTAssertTrue(info.json)
        assertUsageError(["info"], "Missing expected argument")
        assertUsageError(["info", "a.cif", "--symprec", "x"], "--symprec")
        // Issue 12, hostile input 11: NaN used to be accepted and gave no space group, silently.
        assertUsageError(["info", "a.cif", "--symprec", "nan"], "--symprec must be a positive number")
    }

    func testConvert() throws {
        let convert = try parse(ConvertCommand.self, ["convert", "a.cif", "b.vasp", "--index", "2"])
        XCTAssertEqual(convert.input, "a.cif")
        XCTAssertEqual(convert.output, "b.vasp")
        XCTAssertEqual(convert.index, 2)
        assertUsageError(["convert", "a.cif"], "Missing expected argument")
        assertUsageError(["convert", "a.cif", "b.vasp", "--index", "0"], "--index must be at least 1")
        assertUsageError(["convert", "a.cif", "b.txt"], "cannot tell the output format")
    }

    func testSymmetry() throws {
        let symmetry = try parse(SymmetryCommand.self, ["symmetry", "a.cif", "b.vasp", "--symprec", "1e-3", "--angle-tolerance", "-1", "--json"])
        XCTAssertEqual(symmetry.inputs.files, ["a.cif", "b.vasp"])
        XCTAssertEqual(symmetry.symmetry.symprec, 1e-3)
        XCTAssertEqual(symmetry.angleTolerance, -1)
        XCTAssertTrue(symmetry.json)
        assertUsageError(["symmetry", "a.cif", "--symprec", "0"], "--symprec must be a positive number")
        assertUsageError(["symmetry", "a.cif", "--angle-tolerance", "0"], "--angle-tolerance must be positive")
    }

    func testHull() throws {
        let query = try parse(HullCommand.self, ["hull", "--formula", "LiFeO2", "--formation-energy", "-1.85"])
        XCTAssertEqual(query.formula, "LiFeO2")
        XCTAssertEqual(query.formationEnergy, -1.85)
        XCTAssertEqual(query.reference, .materialsProject)
        let file = try parse(HullCommand.self, ["hull", "e.csv", "--reference", "none", "--corrections", "mp2020", "--plot", "h.svg", "--json"])
        XCTAssertEqual(file.file, "e.csv")
        XCTAssertEqual(file.reference, HullService.Reference.none)
        XCTAssertEqual(file.corrections, .mp2020)
        XCTAssertEqual(file.plot, "h.svg")
        XCTAssertTrue(file.json)
        assertUsageError(["hull"], "give either an entries file or --formula")
        assertUsageError(["hull", "e.csv", "--formula", "NaCl", "--energy", "-1"], "give either an entries file or --formula")
        assertUsageError(["hull", "--formula", "NaCl"], "exactly one of")
        assertUsageError(["hull", "--formula", "NaCl", "--energy", "-1", "--energy-per-atom", "-2"], "exactly one of")
        assertUsageError(["hull", "--formula", "Xx2", "--energy", "-1"], "--formula Xx2")
        assertUsageError(["hull", "e.csv", "--energy", "-1"], "go with --formula")
        assertUsageError(["hull", "--formula", "NaCl", "--formation-energy", "-1", "--corrections", "mp2020"], "--corrections applies")
        assertUsageError(["hull", "e.csv", "--reference", "oqmd"], "--reference")
    }

    func testEnergy() throws {
        let energy = try parse(EnergyCommand.self, ["energy", "a.cif", "dir", "--engine", "tensor", "--json"])
        XCTAssertEqual(energy.inputs.files, ["a.cif", "dir"])
        XCTAssertEqual(energy.potential.engine, .tensor)
        XCTAssertEqual(energy.potential.model, .chgnet)
        XCTAssertTrue(energy.json)
        let defaults = try parse(EnergyCommand.self, ["energy", "a.cif"])
        XCTAssertNil(defaults.potential.engine, "the fused engine unless asked")
        XCTAssertEqual(defaults.potential.model, PotentialModel.default)
        XCTAssertEqual(try parse(EnergyCommand.self, ["energy", "a.cif", "--model", "chgnet"]).potential.model, .chgnet)
        assertUsageError(["energy", "a.cif", "--engine", "torch"], "--engine")
        assertUsageError(["energy", "a.cif", "--model", "mace"], "--model")
    }

    func testRelax() throws {
        let relax = try parse(RelaxCommand.self, [
            "relax", "dir", "b.cif", "--out", "o", "--fmax", "0.02", "--steps", "100", "--optimizer", "lbfgs",
            "--cell", "fixed-volume", "--engine", "tensor", "--pressure", "-1", "--keep-symmetry", "--workers", "1", "--json",
        ])
        XCTAssertEqual(relax.inputs.files, ["dir", "b.cif"])
        XCTAssertEqual(relax.out, "o")
        XCTAssertEqual(relax.relaxation.fmax, 0.02)
        XCTAssertEqual(relax.relaxation.steps, 100)
        XCTAssertEqual(relax.relaxation.optimizer, .lbfgs)
        XCTAssertEqual(relax.relaxation.cell, .fixedVolume)
        XCTAssertEqual(relax.relaxation.potential.engine, .tensor)
        XCTAssertEqual(relax.pressure, -1)
        XCTAssertTrue(relax.keepSymmetry)
        XCTAssertEqual(relax.workers, 1)
        XCTAssertTrue(relax.json)
        let defaults = try parse(RelaxCommand.self, ["relax", "a.cif", "--out", "o"])
        XCTAssertEqual(defaults.relaxation.fmax, 0.05)
        XCTAssertEqual(defaults.relaxation.steps, 500)
        XCTAssertEqual(defaults.relaxation.optimizer, .fire)
        XCTAssertEqual(defaults.relaxation.cell, .full)
        XCTAssertEqual(defaults.workers, 2)
        XCTAssertEqual(defaults.relaxation.summary, "chgnet, FIRE, fmax 0.05 eV/Å, ≤ 500 steps")
        XCTAssertEqual(relax.relaxation.summary, "chgnet (tensor engine), LBFGS, fmax 0.02 eV/Å, ≤ 100 steps, cell fixed-volume")
        assertUsageError(["relax", "a.cif"], "--out")
        assertUsageError(["relax", "a.cif", "--out", "o", "--fmax", "-0.1"], "--fmax must be a positive number")
        assertUsageError(["relax", "a.cif", "--out", "o", "--fmax", "nan"], "--fmax must be a positive number")
        assertUsageError(["relax", "a.cif", "--out", "o", "--steps=-1"], "--steps must be 0 or more")
        assertUsageError(["relax", "a.cif", "--out", "o", "--optimizer", "sgd"], "--optimizer")
        assertUsageError(["relax", "a.cif", "--out", "o", "--cell", "free"], "--cell")
        assertUsageError(["relax", "a.cif", "--out", "o", "--workers", "0"], "--workers must be between 1 and 64")
        assertUsageError(["relax", "a.cif", "--out", "o", "--symprec", "0"], "--symprec must be a positive number")
        assertUsageError(["relax", "a.cif", "--out", "o", "--pressure", "inf"], "--pressure must be a number")
    }

    func testMatchAndGroup() throws {
        let match = try parse(MatchCommand.self, ["match", "a.cif", "b.cif", "--ltol", "0.3", "--comparator", "element", "--symmetric", "--json"])
        XCTAssertEqual(match.first, "a.cif")
        XCTAssertEqual(match.second, "b.cif")
        XCTAssertEqual(match.options.ltol, 0.3)
        XCTAssertEqual(match.options.comparator, "element")
        XCTAssertTrue(match.options.symmetric)
        XCTAssertTrue(match.json)
        let group = try parse(GroupCommand.self, ["group", "a.cif", "dir", "--no-primitive", "--attempt-supercell"])
        XCTAssertEqual(group.inputs.files, ["a.cif", "dir"])
        XCTAssertTrue(group.options.noPrimitive)
        XCTAssertTrue(group.options.attemptSupercell)
        assertUsageError(["match", "a.cif"], "Missing expected argument")
        assertUsageError(["match", "a.cif", "b.cif", "--stol", "0"], "--ltol, --stol and --angle-tol must be positive")
        assertUsageError(["group", "a.cif", "--comparator", "mass"], "--comparator must be species, element or disorder")
        assertUsageError(["group"], "Missing expected argument")
    }

    func testEvaluate() throws {
        let evaluate = try parse(EvaluateCommand.self, [
            "evaluate", "gen", "--reference", "none", "--train", "train.csv", "--cov-cutoffs", "0.3,8", "--relax",
            "--relax-limit", "5", "--fmax", "0.1", "--steps", "50", "--optimizer", "bfgs", "--out", "o", "--json",
        ])
        XCTAssertEqual(evaluate.generated, "gen")
        XCTAssertEqual(evaluate.reference, "none")
        XCTAssertEqual(evaluate.train, "train.csv")
        XCTAssertTrue(evaluate.relax)
        XCTAssertEqual(evaluate.relaxLimit, 5)
        XCTAssertEqual(evaluate.relaxation.fmax, 0.1)
        XCTAssertEqual(evaluate.relaxation.steps, 50)
        XCTAssertEqual(evaluate.relaxation.optimizer, .bfgs)
        XCTAssertEqual(evaluate.relaxation.summary, "chgnet, BFGS, fmax 0.1 eV/Å, ≤ 50 steps")
        XCTAssertEqual(evaluate.out, "o")
        XCTAssertTrue(evaluate.json)
        XCTAssertEqual(try evaluate.coverageCutoffs().structure, 0.3)
        assertUsageError(["evaluate", "gen", "--cov-cutoffs", "big"], "--cov-cutoffs")
        assertUsageError(["evaluate", "gen", "--relax-limit", "3"], "--relax-limit needs --relax")
        assertUsageError(["evaluate", "gen", "--relax", "--relax-limit", "0"], "--relax-limit must be at least 1")
        assertUsageError(["evaluate", "gen", "--relax", "--fmax", "0"], "--fmax must be a positive number")
    }

    func testDesignAndRediscovery() throws {
        let design = try parse(DesignCommand.self, ["design", "c.toml", "--out", "o", "--resume", "--workers", "3", "--json"])
        XCTAssertEqual(design.options.campaign, "c.toml")
        XCTAssertEqual(design.options.out, "o")
        XCTAssertTrue(design.resume)
        XCTAssertEqual(design.options.workers, 3)
        XCTAssertTrue(design.options.json)
        assertUsageError(["design"], "Missing expected argument")
        assertUsageError(["design", "c.toml", "--workers", "0"], "--workers must be between 1 and 64")

        let rediscovery = try parse(RediscoveryCommand.self, [
            "benchmark", "rediscovery", "--chemsys", "Li-Co-O", "--chemsys", "Ba-Zr-O", "--holdout", "2", "--max-atoms", "8",
        ])
        XCTAssertEqual(rediscovery.systems, ["Li-Co-O", "Ba-Zr-O"])
        XCTAssertEqual(rediscovery.holdout, 2)
        XCTAssertEqual(rediscovery.maxAtoms, 8)
        assertUsageError(["benchmark", "rediscovery", "--chemsys", "Li-Qq-O"], "--chemsys Li-Qq-O")
        assertUsageError(["benchmark", "rediscovery", "--chemsys", "Li-O", "--holdout", "0"], "--holdout must be at least 1")
        assertUsageError(["benchmark", "rediscovery", "--chemsys", "Li-O", "--workers", "100"], "--workers must be between 1 and 64")

        let margin = try parse(MarginCommand.self, ["benchmark", "margin", "--chemsys", "Mg-Al-O", "--max-atoms", "20", "--json"])
        XCTAssertEqual(margin.systems, ["Mg-Al-O"])
        XCTAssertEqual(margin.maxAtoms, 20)
        XCTAssertEqual(margin.relaxation.steps, 500)
        XCTAssertTrue(margin.json)
        assertUsageError(["benchmark", "margin"], "Missing expected argument")
        assertUsageError(["benchmark", "margin", "--chemsys", "Li-Li"], "--chemsys Li-Li: name two or more different elements")
        assertUsageError(["benchmark", "margin", "--chemsys", "Mg-O", "--fmax", "nan"], "--fmax must be a positive number")
        assertUsageError(["benchmark", "margin", "--chemsys", "Mg-O", "--max-atoms", "0"], "--max-atoms must be between 1 and 500")
    }
}
