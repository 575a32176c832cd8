import Crystal
import Foundation

/// What a VASP run wrote to vasprun.xml, read as pymatgen's `Vasprun` reads it: the final energy
/// (`final_energy`: the last ionic step's σ→0 energy, `e_0_energy`, with pymatgen's fix for VASP
/// versions that print it wrongly), the final structure (`finalpos`), the last ionic step's forces
/// and stress, whether the last step's SCF converged (fewer electronic steps than NELM) and whether
/// the relaxation converged (fewer ionic steps than NSW), and the settings that decide whether the
/// energy is on Materials Project's scale (`VASPSettings`: run type, U per element, POTCARs).
///
/// A file that ends before `</modeling>` is an error naming the file (`truncated`); an unconverged
/// run is read (so it can be reported) and refused by `requireConverged()`.
public struct VASPRun: Sendable {
    /// One ionic step: energies (eV), the structure it was computed for, forces (eV/Å), stress (kBar,
    /// VASP's sign) and the number of electronic steps.
    public struct IonicStep: Sendable {
        public let freeEnergy: Double, energyWithoutEntropy: Double, energySigma0: Double
        public let structure: Structure?
        public let forces: [Vec3], stress: [[Double]]
        public let electronicSteps: Int
        /// σ→0 energy and free energy of the last electronic step (for pymatgen's energy fix).
        let lastElectronic: (sigma0: Double, free: Double)?
    }

    /// The file name used in messages.
    public let name: String
    /// "vasp 6.3.0" as the generator block gives it.
    public let program: String
    /// INCAR, parameters and POTCARs: the run type and U values.
    public let settings: VASPSettings
    /// Element of each site.
    public let species: [Element]
    public let ionicSteps: [IonicStep]
    public let initialStructure: Structure, finalStructure: Structure
    /// False when the file ends before `</modeling>` (the run was killed or is still running).
    public let complete: Bool

    public init(xml data: Data, name: String = "vasprun.xml") throws {
        self.name = name
        func fail(_ why: String) -> DFTError { .badInput("\(name): \(why)") }
        let tree: XMLTree
        do { tree = try XMLTree(data: data, skipping: ["dos", "eigenvalues", "projected", "dielectricfunction", "eigenvalues_kpoints_opt",
                                                       "projected_kpoints_opt", "dynmat", "kpoints"]) } catch { throw fail("not readable XML (\(error))") }
        let root = tree.root
        guard root.name == "modeling" else { throw fail("not a vasprun.xml (root element <\(root.name)>)") }
        complete = tree.complete
        let generator = root.child("generator").map(Self.params) ?? [:]
        program = [generator["program"], generator["version"]].compactMap { $0 }.joined(separator: " ")
        guard let incarElement = root.child("incar"), let parameterElement = root.child("parameters") else {
            throw fail(complete ? "no INCAR or parameters block" : "truncated before the run's parameters")
        }
        let incar = Self.params(incarElement), parameters = Self.params(parameterElement)
        guard let atominfo = root.child("atominfo"), atominfo.closed else { throw fail("truncated before the atom list (atominfo)") }
        var species: [Element] = [], potcars: [String] = []
        for a in atominfo.all("array") {
            let rows = a.child("set")?.all("rc").map { $0.all("c").map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) } } ?? []
            if a.attribute("name") == "atoms" {
                species = try rows.map { row in
                    guard let s = row.first else { throw fail("empty atom row in atominfo") }
                    // vasprun.xml cuts symbols to two characters: "X" is Xe and "r" is Zr (as pymatgen reads them).
                    let symbol = s == "X" ? "Xe" : s == "r" ? "Zr" : s
                    guard let e = try? Element(symbol) else { throw fail("unknown element '\(s)' in atominfo") }
                    return e
                }
            } else if a.attribute("name") == "atomtypes" {
                potcars = try rows.map { row in
                    guard row.count > 4 else { throw fail("no pseudopotential column in atominfo's atomtypes") }
                    return row[4]
                }
            }
        }
        guard !species.isEmpty else { throw fail("no atoms in atominfo") }
        self.species = species
        settings = VASPSettings(incar: incar, parameters: parameters, potcarSymbols: potcars)
        func structure(_ e: XMLElement) throws -> Structure {
            guard let basis = e.child("crystal")?.child("varray", named: "basis").map(Self.rows), basis.count == 3, basis.allSatisfy({ $0.count == 3 }),
                  let positions = e.child("varray", named: "positions").map(Self.rows), positions.count == species.count,
                  positions.allSatisfy({ $0.count == 3 })
            else { throw fail("unreadable structure block '\(e.attribute("name") ?? "")'") }
            return Structure(lattice: Lattice(basis), species: species, fracCoords: positions.map { Vec3($0[0], $0[1], $0[2]) })
        }
        guard let initial = root.child("structure", named: "initialpos") else { throw fail(complete ? "no initial structure" : "truncated before the initial structure") }
        initialStructure = try structure(initial)

        var steps: [IonicStep] = []
        for c in root.all("calculation") where c.closed {
            func energies(_ e: XMLElement?) -> [String: Double] {
                var out: [String: Double] = [:]
                for i in e?.all("i") ?? [] { if let k = i.attribute("name") { out[k] = Self.number(i.text) } }
                return out
            }
            let scsteps = c.all("scstep").map { energies($0.child("energy")) }.filter { !$0.isEmpty }
            let e = energies(c.child("energy"))
            guard let free = e["e_fr_energy"], let wo = e["e_wo_entrp"], let zero = e["e_0_energy"] else {
                throw fail("ionic step \(steps.count + 1) has no energy")
            }
            let forces = c.child("varray", named: "forces").map(Self.rows)?.map { Vec3($0[0], $0[1], $0[2]) } ?? []
            guard forces.isEmpty || forces.count == species.count else { throw fail("ionic step \(steps.count + 1): \(forces.count) forces for \(species.count) atoms") }
            let last = scsteps.last.flatMap { s in s["e_0_energy"].flatMap { z in s["e_fr_energy"].map { (sigma0: z, free: $0) } } }
            steps.append(IonicStep(freeEnergy: free, energyWithoutEntropy: wo, energySigma0: zero, structure: try c.child("structure").map(structure),
                                   forces: forces, stress: c.child("varray", named: "stress").map(Self.rows) ?? [], electronicSteps: scsteps.count,
                                   lastElectronic: last))
        }
        ionicSteps = steps
        if let f = root.child("structure", named: "finalpos"), f.closed {
            finalStructure = try structure(f)
        } else {
            finalStructure = steps.last?.structure ?? initialStructure
        }
    }

    /// `Vasprun.final_energy`: the last ionic step's `e_0_energy`, or, where VASP printed it wrongly
    /// (it differs by more than 1e-7 eV), its free energy plus the last electronic step's σ→0 − free
    /// energy, rounded to 8 decimals.
    public var finalEnergy: Double? {
        guard let s = ionicSteps.last else { return nil }
        guard let l = s.lastElectronic else { return s.energySigma0 }
        let fixed = ((l.sigma0 - l.free + s.freeEnergy) * 1e8).rounded() / 1e8
        return abs(s.energySigma0 - fixed) > 1e-7 ? fixed : s.energySigma0
    }

    /// Forces of the last ionic step (eV/Å), stress (kBar).
    public var forces: [Vec3] { ionicSteps.last?.forces ?? [] }
    public var stress: [[Double]] { ionicSteps.last?.stress ?? [] }

    /// `Vasprun.converged_electronic`: the last ionic step took fewer electronic steps than NELM.
    public var electronicConverged: Bool {
        guard let last = ionicSteps.last else { return false }
        return settings.electronicConverged(steps: last.electronicSteps)
    }

    /// `Vasprun.converged_ionic`: a relaxation stopped before NSW steps (MD, EDIFFG = 0 and NSW ≤ 1
    /// runs count as converged when they ran their steps).
    public var ionicConverged: Bool { settings.ionicConverged(steps: ionicSteps.count) }

    /// Why the run cannot be used (truncated, no ionic step, SCF or relaxation not converged), nil when it can.
    public var problem: String? {
        if !complete { return "truncated: the file ends before </modeling> (\(ionicSteps.count) complete ionic step(s)); the run was stopped or is still running" }
        guard !ionicSteps.isEmpty else { return "no ionic step with an energy" }
        return settings.convergenceProblem(ionicSteps: ionicSteps.count, lastElectronicSteps: ionicSteps.last!.electronicSteps)
    }

    /// Self, or an error naming the file and the reason it cannot be used.
    public func requireConverged() throws -> VASPRun {
        if let p = problem { throw DFTError.badInput("\(name): \(p)") }
        return self
    }

    static func number(_ s: String) -> Double? {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.hasPrefix("*") ? .nan : Double(t)
    }

    static func rows(_ e: XMLElement) -> [[Double]] {
        e.all("v").map { $0.text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map { Self.number(String($0)) ?? .nan } }
    }

    /// pymatgen's `_parse_params`: `<i>` and `<v>` by name (trimmed), separators flattened, the
    /// "response functions" separator not overriding earlier values; each value as trimmed text
    /// (logicals "T"/"F", vectors space-separated).
    static func params(_ e: XMLElement) -> [String: String] {
        var out: [String: String] = [:]
        for c in e.children {
            let name = c.attribute("name") ?? ""
            if c.name == "i" || c.name == "v" {
                out[name] = c.text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
            } else {
                let inner = params(c)
                out.merge(inner) { old, new in name == "response functions" ? old : new }
            }
        }
        return out
    }
}
