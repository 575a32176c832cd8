import ArgumentParser
import Crystal
import Matching

/// StructureMatcher tolerances shared by `kiln match` and `kiln group`.
struct MatcherOptions: ParsableArguments {
    @Option(help: "Fractional length tolerance.") var ltol: Double = 0.2
    @Option(help: "Site tolerance, as a fraction of (V/n)^(1/3).") var stol: Double = 0.3
    @Option(name: .customLong("angle-tol"), help: "Angle tolerance in degrees.") var angleTol: Double = 5
    @Flag(name: .customLong("no-primitive"), help: "Do not reduce to primitive cells first.") var noPrimitive = false
    @Flag(name: .customLong("no-scale"), help: "Do not scale the cells to equal volume.") var noScale = false
    @Flag(name: .customLong("attempt-supercell"), help: "Try supercells when site counts differ by an integer factor (slow for large cells).")
    var attemptSupercell = false
    @Flag(help: "Require a match in both directions (fit(a,b) == fit(b,a)).") var symmetric = false
    @Option(help: "Site comparator: species, element (oxidation states ignored) or disorder.")
    var comparator: String = "species"

    func validate() throws {
        guard ltol > 0, stol > 0, angleTol > 0 else { throw ValidationError("--ltol, --stol and --angle-tol must be positive") }
        guard SiteComparator(rawValue: comparator) != nil else {
            throw ValidationError("--comparator must be species, element or disorder (got '\(comparator)')")
        }
    }

    /// Throws a clear error when a structure cannot be matched (no sites, degenerate lattice).
    static func check(_ input: StructureInput) throws {
        let s = input.structure
        if s.sites.isEmpty { throw CommandError("\(input.name): structure has no sites") }
        let problems = s.lattice.problems()
        if !problems.isEmpty { throw CommandError("\(input.name): \(problems.joined(separator: "; "))") }
    }

    var matcher: StructureMatcher {
        StructureMatcher(ltol: ltol, stol: stol, angleTol: angleTol, primitiveCell: !noPrimitive, scale: !noScale,
                         attemptSupercell: attemptSupercell, comparator: SiteComparator(rawValue: comparator)!)
    }
}
