import Crystal
import Foundation

/// A VASP run read from its OUTCAR, for when vasprun.xml is missing or cut off: the final energy
/// (the last `energy(sigma->0)`, as pymatgen's `Outcar.final_energy`), the final cell (the last
/// "direct lattice vectors") with the positions and forces of the last `POSITION … TOTAL-FORCE`
/// block, the species (`TITEL` and "ions per type"), the parameter dump (`VASPSettings`) and the
/// convergence of the SCF (the last ionic step's iterations against NELM) and of the relaxation. A
/// run that did not finish (no "General timing and accounting" line) is an error.
public struct VASPOutcar: Sendable {
    public let name: String
    public let settings: VASPSettings
    public let energy: Double
    public let structure: Structure
    public let forces: [Vec3]
    public let ionicSteps: Int, lastElectronicSteps: Int

    public init(text: String, name: String = "OUTCAR") throws {
        self.name = name
        func fail(_ why: String) -> DFTError { .badInput("\(name): \(why)") }
        guard text.contains("General timing and accounting") else {
            throw fail("VASP did not finish (no \"General timing and accounting\" line: the OUTCAR is truncated or the run was stopped)")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)


        // The parameter dump: "  NAME = value  comment", several per line separated by ';'.
        var params: [String: String] = [:]
        var titles: [String] = [], counts: [Int] = []
        var ldau = false
        for l in lines {
            if l.contains("TITEL  =") { titles.append(l.components(separatedBy: "=")[1].trimmingCharacters(in: .whitespaces)); continue }
            if l.contains("ions per type =") { counts = Self.numbers(l.components(separatedBy: "=")[1]).map { Int($0) }; continue }
            if l.contains("LDA+U is selected") { ldau = true }
            if l.contains("for each species LDAU") , let eq = l.lastIndex(of: "=") {
                let key = l[..<eq].split(separator: " ").last.map(String.init) ?? ""
                params[key] = Self.numbers(l[l.index(after: eq)...]).map { VASPSettings.format($0) }.joined(separator: " ")
                continue
            }
            for part in l.split(separator: ";") {
                let kv = part.split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { continue }
                let key = kv[0].trimmingCharacters(in: .whitespaces)
                guard !key.isEmpty, key.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }), key.first!.isLetter, params[key] == nil,
                      let value = kv[1].split(separator: " ").first else { continue }
                params[key] = String(value)
            }
        }
        params["LDAU"] = ldau ? "T" : "F"
        if params["METAGGA"] == "F" { params["METAGGA"] = nil }
        if params["LHFCALC"] != "T" { params["AEXX"] = params["AEXX"] ?? "0"; params["HFSCREEN"] = params["HFSCREEN"] ?? "0" }
        settings = VASPSettings(incar: params, parameters: params, potcarSymbols: titles)
        guard !titles.isEmpty, titles.count == counts.count else { throw fail("no POTCAR titles or ion counts") }
        var species: [Element] = []
        for (t, n) in zip(settings.potcarElements, counts) {
            guard let e = try? Element(t) else { throw fail("unknown element '\(t)' in the POTCAR titles") }
            species += Array(repeating: e, count: n)
        }

        guard let e0 = lines.last(where: { $0.contains("energy(sigma->0)") }),
              let value = e0.components(separatedBy: "energy(sigma->0) =").last.flatMap({ Self.numbers($0).first }) else {
            throw fail("no energy(sigma->0) line")
        }
        energy = value
        let iterations = lines.filter { $0.contains("Iteration") && $0.contains("(") }.compactMap { l -> (Int, Int)? in
            let n = Self.numbers(l.replacingOccurrences(of: "(", with: " ").replacingOccurrences(of: ")", with: " ").replacingOccurrences(of: "-", with: " "))
            return n.count >= 2 ? (Int(n[0]), Int(n[1])) : nil
        }
        let lastStep = iterations.map { $0.0 }.max() ?? 0
        ionicSteps = lastStep
        lastElectronicSteps = iterations.filter { $0.0 == lastStep }.map { $0.1 }.max() ?? 0

        guard let cellLine = lines.lastIndex(where: { $0.contains("direct lattice vectors") }), cellLine + 3 < lines.count else { throw fail("no lattice vectors") }
        let cell = (1...3).map { Array(Self.numbers(lines[cellLine + $0]).prefix(3)) }
        guard cell.allSatisfy({ $0.count == 3 }) else { throw fail("unreadable lattice vectors") }
        guard let block = lines.lastIndex(where: { $0.contains("POSITION") && $0.contains("TOTAL-FORCE") }), block + 1 + species.count < lines.count else {
            throw fail("no POSITION/TOTAL-FORCE block")
        }
        let rows = lines[(block + 2)...].prefix(species.count).map { Self.numbers($0) }
        guard rows.count == species.count, rows.allSatisfy({ $0.count == 6 }) else { throw fail("unreadable POSITION/TOTAL-FORCE block") }
        let lattice = Lattice(cell)
        structure = Structure(lattice: lattice, species: species, fracCoords: rows.map { lattice.fractional(Vec3($0[0], $0[1], $0[2])) })
        forces = rows.map { Vec3($0[3], $0[4], $0[5]) }
    }

    static func numbers<S: StringProtocol>(_ s: S) -> [Double] { s.split(separator: " ").compactMap { Double($0) } }

    /// Why the run cannot be used (SCF or relaxation not converged), nil when it can.
    public var problem: String? { settings.convergenceProblem(ionicSteps: ionicSteps, lastElectronicSteps: lastElectronicSteps) }
}
