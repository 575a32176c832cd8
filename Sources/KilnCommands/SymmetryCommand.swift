import ArgumentParser
import Crystal
import Foundation
import Symmetry

/// `kiln symmetry FILE…`: space group, Wyckoff positions and standardized cells via spglib.
struct SymmetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "symmetry",
        abstract: "Find the space group, Wyckoff positions and standardized cells of structures (spglib).",
        discussion: "Unreadable files among several, and structures spglib cannot analyse, are reported on stderr; the exit status is then 1.")

    @OptionGroup var inputs: StructureFiles

    @OptionGroup var symmetry: SymmetryOptions

    @Option(name: .customLong("angle-tolerance"), parsing: .unconditional, help: "Angle tolerance in degrees; -1 uses spglib's built-in check.")
    var angleTolerance: Double = -1

    @Flag(help: "Print JSON: the spglib dataset plus spglib's and pymatgen's standard cells.")
    var json = false

    func validate() throws {
        guard angleTolerance.isFinite, angleTolerance != 0 else {
            throw ValidationError("--angle-tolerance must be positive (degrees) or negative (spglib's default)")
        }
    }

    func run() throws {
        let (entries, skipped) = try inputs.loadReadable(command: "symmetry")
        var reports: [Any] = []
        var failed = false
        for entry in entries {
            do {
                let analyzer = try SpacegroupAnalyzer(entry.structure, symprec: symmetry.symprec, angleTolerance: angleTolerance)
                if json {
                    reports.append(try jsonReport(entry.name, analyzer))
                } else {
                    print(textReport(entry.name, analyzer))
                }
            } catch {
                printError("error: \(entry.name): \(describe(error))")
                failed = true
            }
        }
        if json {
            print(try jsonText(entries.count == 1 && !reports.isEmpty ? reports[0] : reports))
        }
        if failed || skipped > 0 { throw ExitCode.failure }
    }

    private func textReport(_ name: String, _ analyzer: SpacegroupAnalyzer) -> String {
        let d = analyzer.dataset
        let s = analyzer.structure
        var lines = [
            "\(name): \(s.formula) (\(s.count) sites)",
            "  space group   \(d.international) (\(d.number)), Hall \(d.hall) (\(d.hallNumber))"
                + (d.choice.isEmpty ? "" : ", choice \(d.choice)"),
            "  point group   \(d.pointGroup), \(analyzer.crystalSystem.rawValue), \(analyzer.latticeType.rawValue) lattice",
            "  operations    \(d.operationCount)",
            "  orbits:",
        ]
        let sym = analyzer.symmetrizedStructure
        for (group, wyckoff) in zip(sym.equivalentIndices, sym.wyckoffSymbols) {
            let site = s.sites[group[0]]
            let f = site.frac
            let coords = String(format: "%9.5f %9.5f %9.5f", f.x, f.y, f.z)
            lines.append("    \(site.species.description.padding(toLength: 6, withPad: " ", startingAt: 0)) "
                         + "\(wyckoff.padding(toLength: 6, withPad: " ", startingAt: 0)) "
                         + "\(d.siteSymmetrySymbols[group[0]].padding(toLength: 8, withPad: " ", startingAt: 0)) \(coords)")
        }
        return lines.joined(separator: "\n")
    }

    private func jsonReport(_ name: String, _ analyzer: SpacegroupAnalyzer) throws -> [String: Any] {
        let d = analyzer.dataset
        let s = analyzer.structure
        return [
            "id": name,
            "spglib_version": spglibVersion,
            "symprec": symmetry.symprec,
            "angle_tolerance": angleTolerance,
            "number": d.number,
            "international": d.international,
            "hall": d.hall,
            "hall_number": d.hallNumber,
            "pointgroup": d.pointGroup,
            "choice": d.choice,
            "crystal_system": analyzer.crystalSystem.rawValue,
            "lattice_type": analyzer.latticeType.rawValue,
            "n_operations": d.operationCount,
            "rotations": d.operations.map { $0.rotation.array.map { $0.map { Int($0) } } },
            "translations": d.operations.map { [$0.translation.x, $0.translation.y, $0.translation.z] },
            "wyckoffs": d.wyckoffs,
            "site_symmetry_symbols": d.siteSymmetrySymbols,
            "equivalent_atoms": d.equivalentAtoms,
            "wyckoff_symbols": analyzer.symmetrizedStructure.wyckoffSymbols,
            "equivalent_indices": analyzer.symmetrizedStructure.equivalentIndices,
            "transformation_matrix": d.transformationMatrix.array,
            "origin_shift": [d.originShift.x, d.originShift.y, d.originShift.z],
            "primitive": dictionary(try s.standardized(.primitive, symprec: symmetry.symprec, angleTolerance: angleTolerance)),
            "conventional": dictionary(try s.standardized(.conventional, symprec: symmetry.symprec, angleTolerance: angleTolerance)),
            "primitive_standard": dictionary(try analyzer.primitiveStandardStructure()),
            "conventional_standard": dictionary(try analyzer.conventionalStandardStructure()),
        ]
    }

    private func dictionary(_ s: Structure) -> [String: Any] {
        [
            "lattice": s.lattice.matrix.array,
            "species": s.sites.map { $0.species.description },
            "frac_coords": s.fracCoords.map { [$0.x, $0.y, $0.z] },
        ]
    }
}
