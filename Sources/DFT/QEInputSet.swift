import Crystal
import Foundation

/// Quantum ESPRESSO pw.x inputs for a candidate, with the Materials Project's physical choices
/// carried over where they translate (`VASPInputSet`): the k-mesh by MP's reciprocal density (64
/// per Å⁻³, Gamma-centred or shifted as MP's), spin polarisation with MP's initial moments, and
/// MP's +U (Dudarev) for oxides and fluorides; plane-wave cut-offs as SSSP chooses them — the largest
/// of the pseudopotentials' own recommended cut-offs (docs/dft.md). Pseudopotentials come from a
/// folder the user gives: per element, the first UPF file (by name) named `El.…` or `El_…` for the
/// chosen functional, without spin–orbit.
public struct QEInputSet: Sendable {
    /// pw.x `calculation`.
    public enum Calculation: String, Sendable { case scf, relax, vcRelax = "vc-relax" }

    /// A pseudopotential file and what its header says.
    public struct Pseudopotential: Sendable, Equatable {
        public let element: String
        public let file: String
        /// "PBE", "PBESOL", "LDA", … as read from the header.
        public let functional: String
        public let ultrasoftOrPAW: Bool
        /// Recommended cut-offs (Ry) from the header, nil when it gives none.
        public let wavefunctionCutoff: Double?, densityCutoff: Double?
        public let valence: Double

        /// Reads the header of a UPF (v1 or v2) file.
        public init(element: String, url: URL) throws {
            guard let data = try? Data(contentsOf: url) else { throw DFTError.badInput("cannot read pseudopotential \(url.path)") }
            let text = String(decoding: data.prefix(200_000), as: UTF8.self)
            func attribute(_ name: String) -> String? {
                guard let r = text.range(of: "\(name)=\"") else { return nil }
                return String(text[r.upperBound...].prefix { $0 != "\"" }).trimmingCharacters(in: .whitespaces)
            }
            func line(_ marker: String) -> String? {
                text.split(separator: "\n").first { $0.contains(marker) }.map(String.init)
            }
            func number(_ s: String?) -> Double? {
                s.flatMap { Double($0.split(whereSeparator: { $0 == " " || $0 == "\t" }).first { Double($0) != nil } ?? "") }
            }
            let rawFunctional = attribute("functional") ?? line("Functional:").map { String($0.split(separator: ":", maxSplits: 1).last ?? "") }
            guard let rawFunctional, let valence = number(attribute("z_valence")) ?? number(line("Z valence")) else {
                throw DFTError.badInput("\(url.lastPathComponent): not a UPF pseudopotential (no functional or valence in its header)")
            }
            if attribute("has_so") == "true" || attribute("has_so") == "T" {
                throw DFTError.badInput("\(url.lastPathComponent): a fully relativistic (spin–orbit) pseudopotential")
            }
            self.element = element
            file = url.lastPathComponent
            functional = Self.functional(rawFunctional)
            let type = (attribute("pseudo_type") ?? line("US|NC|PAW").map { $0 } ?? "").uppercased()
            ultrasoftOrPAW = type.contains("US") || type.contains("PAW") || attribute("is_ultrasoft") == "true" || attribute("is_paw") == "true"
            let wfc = number(attribute("wfc_cutoff")) ?? number(line("Suggested minimum cutoff for wavefunctions")?.components(separatedBy: ":").last)
            let rho = number(attribute("rho_cutoff")) ?? number(line("Suggested minimum cutoff for charge density")?.components(separatedBy: ":").last)
            wavefunctionCutoff = wfc.flatMap { $0 > 0 ? $0 : nil }
            densityCutoff = rho.flatMap { $0 > 0 ? $0 : nil }
            self.valence = valence
        }

        /// "PBE" for PBE in any spelling (`PBE`, `SLA PW PBE PBE`, `GGA PBE`), likewise PBEsol
        /// (`PBESOL`, `SLA PW PSX PSC`) and LDA (`PZ`, `SLA PZ …`); otherwise the header's words.
        static func functional(_ raw: String) -> String {
            let words = Set(raw.uppercased().split(whereSeparator: { " -_,".contains($0) }).map(String.init))
            if words.contains("PBESOL") || words.contains("PSX") { return "PBESOL" }
            if words.contains("PBE") { return "PBE" }
            if words.contains("PZ") || words.contains("LDA") { return "LDA" }
            return words.sorted().joined(separator: " ")
        }
    }

    public let structure: Structure
    public let calculation: Calculation
    public let pseudopotentials: [Pseudopotential]
    public let pseudoDirectory: URL
    /// Cut-offs (Ry).
    public let ecutwfc: Double, ecutrho: Double
    public let kpointGrid: [Int], kpointShift: [Int]
    /// Per element: pw.x starting_magnetization (MP's initial moment over the valence charge); empty
    /// for a spin-unpolarised run (no element with an initial moment).
    public let startingMagnetization: [String: Double]
    /// Per element: U (eV), Dudarev, as MP applies it.
    public let hubbardU: [String: Double]
    /// pw.x conv_thr (Ry): MP's EDIFF of 5e-5 eV per atom.
    public let convergenceThreshold: Double

    /// Recommended cut-offs when a pseudopotential's header gives none (Ry), and the density/
    /// wavefunction ratio SSSP uses for norm-conserving and for ultrasoft/PAW pseudopotentials.
    public static let defaultWavefunctionCutoff = 50.0, dualNormConserving = 4.0, dualUltrasoft = 8.0

    /// Inputs for `structure` with pseudopotentials from `pseudoDirectory`.
    public init(structure: Structure, pseudoDirectory: URL, calculation: Calculation = .vcRelax, functional: String = "PBE") throws {
        guard structure.isOrdered else { throw DFTError.badInput("pw.x inputs need an ordered structure (one species per site)") }
        let settings = try MPRelaxSettings.bundled()
        let mp = try VASPInputSet(mpRelax: structure)
        self.structure = mp.structure
        self.calculation = calculation
        self.pseudoDirectory = pseudoDirectory
        let files = (try? FileManager.default.contentsOfDirectory(atPath: pseudoDirectory.path)) ?? []
        if files.isEmpty { throw DFTError.badInput("no pseudopotential folder at \(pseudoDirectory.path) (give --pseudo-dir with UPF files)") }
        pseudopotentials = try mp.symbols.map { symbol in
            let named = files.filter { f in
                f.lowercased().hasSuffix(".upf") && f.hasPrefix(symbol)
                    && f.dropFirst(symbol.count).first.map { $0 == "." || $0 == "_" } == true
            }.sorted()
            for f in named {
                guard let p = try? Pseudopotential(element: symbol, url: pseudoDirectory.appendingPathComponent(f)) else { continue }
                if p.functional == functional.uppercased() { return p }
            }
            throw DFTError.badInput("no \(functional) pseudopotential for \(symbol) in \(pseudoDirectory.path) (expected a UPF file named \(symbol).… or \(symbol)_…, without spin–orbit)")
        }
        ecutwfc = pseudopotentials.map { $0.wavefunctionCutoff ?? Self.defaultWavefunctionCutoff }.max()!
        ecutrho = max(pseudopotentials.compactMap(\.densityCutoff).max() ?? 0,
                      ecutwfc * (pseudopotentials.contains { $0.ultrasoftOrPAW } ? Self.dualUltrasoft : Self.dualNormConserving))
        kpointGrid = mp.kpointGrid
        kpointShift = mp.kpointStyle == "Gamma" ? [0, 0, 0] : [1, 1, 1]
        var magnetization: [String: Double] = [:]
        if case .list(let moments)? = mp.incar.first(where: { $0.key == "MAGMOM" })?.value, moments.contains(where: { $0 != 0 }) {
            for p in pseudopotentials {
                let m = settings.magmom[p.element] ?? 0.6
                magnetization[p.element] = max(-1, min(1, m / p.valence))
            }
        }
        startingMagnetization = magnetization
        var u: [String: Double] = [:]
        if case .list(let values)? = mp.incar.first(where: { $0.key == "LDAUU" })?.value {
            for (symbol, value) in zip(mp.symbols, values) where value > 0 { u[symbol] = value }
        }
        hubbardU = u
        convergenceThreshold = 5e-5 * Double(structure.count) / Self.rydberg
    }

    /// eV per rydberg and Å per bohr (CODATA 2018, as pw.x).
    public static let rydberg = 13.605693122994, bohr = 0.529177210903

    /// The pw.x input file.
    public var text: String {
        func f(_ x: Double) -> String { String(format: "%.10f", x) }
        func g(_ x: Double) -> String { String(format: "%.6g", x) }
        let species = pseudopotentials
        var system = ["ibrav = 0", "nat = \(structure.count)", "ntyp = \(species.count)", "ecutwfc = \(g(ecutwfc))", "ecutrho = \(g(ecutrho))",
                      "occupations = 'smearing'", "smearing = 'mv'", "degauss = 0.01"]
        if !startingMagnetization.isEmpty {
            system.append("nspin = 2")
            for (i, p) in species.enumerated() { system.append("starting_magnetization(\(i + 1)) = \(g(startingMagnetization[p.element] ?? 0))") }
        }
        if !hubbardU.isEmpty {
            system += ["lda_plus_u = .true.", "lda_plus_u_kind = 0"]
            for (i, p) in species.enumerated() { system.append("Hubbard_U(\(i + 1)) = \(g(hubbardU[p.element] ?? 0))") }
        }
        var out = """
            &CONTROL
              calculation = '\(calculation.rawValue)'
              prefix = 'kiln'
              outdir = './tmp'
              pseudo_dir = '\(pseudoDirectory.path)'
              tprnfor = .true.
              tstress = .true.
              forc_conv_thr = 1.0d-3
              etot_conv_thr = \(g(convergenceThreshold * 10))
            /
            &SYSTEM
            \(system.map { "  " + $0 }.joined(separator: "\n"))
            /
            &ELECTRONS
              conv_thr = \(g(convergenceThreshold))
              mixing_beta = 0.4
            /

            """
        if calculation != .scf { out += "&IONS\n/\n" }
        if calculation == .vcRelax { out += "&CELL\n  cell_dofree = 'all'\n/\n" }
        out += "ATOMIC_SPECIES\n" + species.map { p in "  \(p.element) \(f(structure.sites.first { $0.element.symbol == p.element }!.element.mass)) \(p.file)" }.joined(separator: "\n") + "\n"
        out += "CELL_PARAMETERS angstrom\n" + (0..<3).map { structure.lattice.matrix[$0] }.map { "  " + [$0.x, $0.y, $0.z].map(f).joined(separator: " ") }.joined(separator: "\n") + "\n"
        out += "ATOMIC_POSITIONS crystal\n"
            + structure.sites.map { "  \($0.element.symbol) " + [$0.frac.x, $0.frac.y, $0.frac.z].map(f).joined(separator: " ") }.joined(separator: "\n") + "\n"
        out += "K_POINTS automatic\n  " + (kpointGrid + kpointShift).map(String.init).joined(separator: " ") + "\n"
        return out
    }

    /// Writes `pw.in` into `folder`.
    public func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try text.write(to: folder.appendingPathComponent("pw.in"), atomically: true, encoding: .utf8)
    }
}
