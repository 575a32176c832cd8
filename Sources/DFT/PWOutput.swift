import Crystal
import Foundation

/// What a pw.x run printed: the total energy (eV; the last converged SCF, `!` lines), the forces
/// (eV/Å), the final structure and whether everything converged. A run that did not finish (no
/// "JOB DONE"), whose SCF did not converge, or whose relaxation ran out of steps is an error that
/// says which, so nothing half-done reaches a knowledge store.
public struct PWOutput: Sendable {
    /// Total energy of the final structure (eV) and per atom.
    public let energy: Double
    public var energyPerAtom: Double { energy / Double(structure.count) }
    /// Energies of every converged SCF, in order (eV): one for scf, one per ionic step for relaxations.
    public let energies: [Double]
    /// The final structure: the last printed cell and positions.
    public let structure: Structure
    /// Forces on the final structure (eV/Å), in site order.
    public let forces: [Vec3]
    /// BFGS steps of a converged relaxation (0 for scf).
    public let ionicSteps: Int
    /// How the energy was computed, to tell whether two runs' energies compare: the pseudopotential
    /// of each element (file name and MD5 sum, as pw.x printed them), the wavefunction and density
    /// cut-offs (Ry) and the exchange–correlation functional.
    public let pseudopotentials: [String: String]
    public let ecutwfc: Double?, ecutrho: Double?
    public let functional: String?

    public init(text: String, name: String = "pw.x output") throws {
        func fail(_ why: String) -> DFTError { .badInput("\(name): \(why)") }
        guard text.contains("JOB DONE") else {
            throw fail("pw.x did not finish (no \"JOB DONE\": the output is truncated or the run was stopped)")
        }
        if text.contains("convergence NOT achieved") { throw fail("the SCF did not converge (\"convergence NOT achieved\")") }
        if text.contains("The maximum number of steps has been reached") { throw fail("the relaxation ran out of ionic steps without converging") }
        if text.contains("bfgs failed") || text.contains("history already reset") && !text.contains("End of BFGS Geometry Optimization") {
            throw fail("the BFGS relaxation failed")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func numbers(_ s: String) -> [Double] {
            s.replacingOccurrences(of: "(", with: " ").replacingOccurrences(of: ")", with: " ").replacingOccurrences(of: "=", with: " ")
                .split(separator: " ").compactMap { Double($0) }
        }
        energies = lines.filter { $0.hasPrefix("!") && $0.contains("total energy") }.compactMap { numbers($0).first }.map { $0 * QEInputSet.rydberg }
        guard let last = energies.last else { throw fail("no converged total energy (no \"!    total energy\" line)") }
        energy = last
        ionicSteps = lines.last { $0.contains("bfgs converged in") }.flatMap { numbers($0).last.map(Int.init) } ?? 0
        var pseudos: [String: String] = [:]
        for (i, l) in lines.enumerated() where l.contains("PseudoPot. #") && l.contains("read from file") && i + 1 < lines.count {
            let words = l.split(separator: " ")
            guard let f = words.firstIndex(of: "for"), f + 1 < words.count else { continue }
            let file = URL(fileURLWithPath: lines[i + 1].trimmingCharacters(in: .whitespaces)).lastPathComponent
            let md5 = i + 2 < lines.count && lines[i + 2].contains("MD5 check sum:")
                ? " (MD5 " + lines[i + 2].components(separatedBy: "MD5 check sum:")[1].trimmingCharacters(in: .whitespaces) + ")" : ""
            pseudos[String(words[f + 1])] = file + md5
        }
        pseudopotentials = pseudos
        ecutwfc = lines.first { $0.contains("kinetic-energy cutoff") }.flatMap { numbers($0).first }
        ecutrho = lines.first { $0.contains("charge density cutoff") }.flatMap { numbers($0).first }
        functional = lines.first { $0.contains("Exchange-correlation") }.flatMap { $0.components(separatedBy: "=").last?.trimmingCharacters(in: .whitespaces) }

        // Initial cell (alat units) and Cartesian positions (alat units), then the last
        // CELL_PARAMETERS / ATOMIC_POSITIONS blocks of a relaxation.
        guard let alatLine = lines.first(where: { $0.contains("lattice parameter (alat)") }), let alatBohr = numbers(alatLine).first,
              let axes = lines.firstIndex(where: { $0.contains("crystal axes: (cart. coord. in units of alat)") }),
              let natLine = lines.first(where: { $0.contains("number of atoms/cell") }), let nat = numbers(natLine).first.map(Int.init), nat > 0
        else { throw fail("no cell or atom count in the output") }
        let alat = alatBohr * QEInputSet.bohr
        guard axes + 3 < lines.count else { throw fail("the cell is cut off") }
        var cell = (1...3).map { numbers(lines[axes + $0]).suffix(3).map { $0 * alat } }
        var species: [Element] = [], frac: [Vec3] = []
        if let tau = lines.firstIndex(where: { $0.contains("site n.") && $0.contains("positions (alat units)") }), tau + nat < lines.count {
            let lattice = Lattice(cell)
            for l in lines[(tau + 1)...(tau + nat)] {
                let words = l.split(separator: " ")
                guard words.count > 2, let e = try? Element(String(words[1]).trimmingCharacters(in: .decimalDigits)) else { throw fail("unreadable atom line '\(l)'") }
                let x = numbers(l).suffix(3).map { $0 * alat }
                species.append(e)
                frac.append(lattice.fractional(Vec3(x[0], x[1], x[2])))
            }
        }
        if let c = lines.lastIndex(where: { $0.hasPrefix("CELL_PARAMETERS") }), c + 3 < lines.count {
            let header = lines[c]
            let scale: Double = header.contains("angstrom") ? 1 : header.contains("bohr") ? QEInputSet.bohr
                : (numbers(header).first.map { $0 * QEInputSet.bohr } ?? alat)
            cell = (1...3).map { numbers(lines[c + $0]).suffix(3).map { $0 * scale } }
        }
        if let p = lines.lastIndex(where: { $0.hasPrefix("ATOMIC_POSITIONS") }), p + nat < lines.count {
            guard lines[p].contains("crystal") else { throw fail("final positions not in crystal coordinates (\(lines[p]))") }
            species = []
            frac = []
            for l in lines[(p + 1)...(p + nat)] {
                let words = l.split(separator: " ")
                guard words.count >= 4, let e = try? Element(String(words[0]).trimmingCharacters(in: .decimalDigits)) else { throw fail("unreadable position line '\(l)'") }
                let x = words[1...3].compactMap { Double($0) }
                guard x.count == 3 else { throw fail("unreadable position line '\(l)'") }
                species.append(e)
                frac.append(Vec3(x[0], x[1], x[2]))
            }
        }
        guard species.count == nat else { throw fail("found \(species.count) of \(nat) atom positions") }
        structure = Structure(lattice: Lattice(cell), species: species, fracCoords: frac)

        var forces: [Vec3] = []
        if let f = lines.lastIndex(where: { $0.contains("Forces acting on atoms") }) {
            let unit = QEInputSet.rydberg / QEInputSet.bohr
            for l in lines[(f + 1)...].filter({ $0.contains("force =") && $0.contains("atom") }).prefix(nat) {
                let x = numbers(l).suffix(3)
                forces.append(Vec3(x[x.startIndex] * unit, x[x.startIndex + 1] * unit, x[x.startIndex + 2] * unit))
            }
        }
        self.forces = forces
    }

    /// The settings two pw.x energies must share to be compared, in one line.
    public var settings: String {
        "\(functional ?? "?"); " + String(format: "ecutwfc %.4g Ry, ecutrho %.5g Ry; ", ecutwfc ?? 0, ecutrho ?? 0)
            + pseudopotentials.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
    }
}
