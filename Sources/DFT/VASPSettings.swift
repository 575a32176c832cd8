import Crystal
import Foundation

/// The settings of a VASP run that decide what its energy can be compared with, read from
/// vasprun.xml (`incar` and `parameters`) or OUTCAR (the parameter dump, both): the run type and U
/// values as pymatgen's `Vasprun.run_type` and `hubbards` give them, the POTCAR symbols, the
/// convergence limits, and whether Materials Project's MP2020 scheme accepts the run
/// (`mpCompatibilityProblem`).
public struct VASPSettings: Sendable {
    /// INCAR tags as the run read them and every parameter VASP used, as trimmed text (logicals
    /// "T"/"F", vectors space-separated).
    public let incar: [String: String], parameters: [String: String]
    /// The POTCAR of each atom type, in order ("PAW_PBE Fe_pv 06Sep2000").
    public let potcarSymbols: [String]

    public init(incar: [String: String], parameters: [String: String], potcarSymbols: [String]) {
        (self.incar, self.parameters, self.potcarSymbols) = (incar, parameters, potcarSymbols)
    }

    /// Element symbol of each POTCAR ("Fe" of "PAW_PBE Fe_pv 06Sep2000").
    var potcarElements: [String] {
        potcarSymbols.map { s in
            let words = s.split(separator: " ")
            return words.count > 1 ? String(words[1].split(separator: "_")[0]) : s
        }
    }

    /// `Vasprun.hubbards`: U − J per element when LDAU is on, else empty.
    public var hubbardU: [String: Double] {
        guard bool(incar["LDAU"]) == true else { return [:] }
        let us = numbers(incar["LDAUU"] ?? parameters["LDAUU"]), js0 = numbers(incar["LDAUJ"] ?? parameters["LDAUJ"])
        let js = js0.count == us.count ? js0 : Array(repeating: 0, count: us.count)
        let symbols = potcarElements
        guard us.count == symbols.count else { return [:] }
        return Dictionary(zip(symbols, zip(us, js).map { $0 - $1 }), uniquingKeysWith: { a, _ in a })
    }

    /// `Vasprun.is_hubbard`: some U is not zero.
    public var isHubbard: Bool { hubbardU.values.reduce(0, +) > 1e-8 }

    /// `Vasprun.run_type`: the functional (HF, HSE06, a meta-GGA, the GGA tag's functional, "GGA"
    /// for VASP's default from the POTCAR, or LDA) with "+U" and a van der Waals suffix.
    public var runType: String {
        let gga = ["RE": "revPBE", "PE": "PBE", "PS": "PBEsol", "RP": "revPBE+Padé", "AM": "AM05", "OR": "optPBE",
                   "BO": "optB88", "MK": "optB86b", "--": "GGA"]
        let metaGGA = ["TPSS": "TPSS", "RTPSS": "revTPSS", "M06L": "M06-L", "MBJ": "modified Becke-Johnson", "SCAN": "SCAN",
                       "R2SCAN": "R2SCAN", "RSCAN": "RSCAN", "MS0": "MadeSimple0", "MS1": "MadeSimple1", "MS2": "MadeSimple2"]
        var type: String
        let aexx = number(parameters["AEXX"]), hfscreen = number(parameters["HFSCREEN"])
        if aexx.map({ abs($0 - 1) < 1e-9 }) ?? true { type = "HF" }
        else if hfscreen.map({ abs($0 - 0.3) < 1e-9 }) ?? true { type = "HSE03" }
        else if (0.2...0.21).contains(hfscreen ?? 0.2) { type = "HSE06" }
        else if aexx.map({ abs($0 - 0.2) < 1e-9 }) ?? true { type = "B3LYP" }
        else if bool(parameters["LHFCALC"]) ?? true { type = "PBEO or other Hybrid Functional" }
        else if let m = incar["METAGGA"], !["--", "None"].contains(m) { type = metaGGA[m.uppercased()] ?? m.uppercased() }
        else if let g = parameters["GGA"], !g.isEmpty { type = gga[g.uppercased()] ?? g.uppercased() }
        else if potcarSymbols.first?.split(separator: " ").first == "PAW" { type = "LDA" }
        else { type = "unknown" }
        if isHubbard || (bool(parameters["LDAU"]) ?? true) { type += "+U" }
        let vdw = [0: "no-correction", 1: "DFT-D2", 10: "DFT-D2", 11: "DFT-D3", 12: "DFT-D3-BJ", 2: "TS", 20: "TS", 21: "TS-H", 202: "MBD", 4: "dDsC"]
        if bool(parameters["LUSE_VDW"]) == true { type += "+rVV10" }
        else if let i = int(incar["IVDW"]), let name = vdw[i] { type += "+vdW-\(name)" }
        else if let i = int(incar["IVDW"]), i != 0 { type += "+vdW-unknown" }
        return type
    }

    /// `Vasprun.converged_electronic`: the last ionic step took fewer electronic steps than NELM.
    func electronicConverged(steps: Int) -> Bool {
        if bool(incar["ML_LMLFF"]) == true { return true }
        if incar["ALGO"]?.lowercased() == "exact" && int(incar["NELM"]) == 1 { return true }
        return steps < (int(parameters["NELM"]) ?? 60)
    }

    /// `Vasprun.converged_ionic`: a relaxation stopped before NSW steps (MD, EDIFFG = 0 and NSW ≤ 1
    /// runs count as converged when they ran their steps).
    func ionicConverged(steps: Int) -> Bool {
        let nsw = int(parameters["NSW"]) ?? 0
        let ibrion = int(parameters["IBRION"]) ?? (nsw == -1 || nsw == 0 ? -1 : 0)
        if ibrion == 0 { return nsw <= 1 || steps == nsw }
        if [1, 2].contains(ibrion) && (number(parameters["EDIFFG"]) ?? 1) == 0 { return nsw <= 1 || nsw == steps }
        return nsw <= 1 || steps < nsw
    }

    /// Why a finished run's result is not converged, nil when it is.
    func convergenceProblem(ionicSteps: Int, lastElectronicSteps: Int) -> String? {
        if !electronicConverged(steps: lastElectronicSteps) {
            return "the electronic SCF of the last ionic step did not converge (\(lastElectronicSteps) steps, NELM = \(parameters["NELM"] ?? "60"))"
        }
        if !ionicConverged(steps: ionicSteps) {
            return "the relaxation did not converge: it used all NSW = \(parameters["NSW"] ?? "?") ionic steps without reaching EDIFFG = \(parameters["EDIFFG"] ?? "?")"
        }
        return nil
    }

    /// Why MP2020 (pymatgen's `MaterialsProject2020Compatibility`) would not take this run of
    /// `composition`'s elements, nil when it would: the run type must be GGA or GGA+U (the GGA tag
    /// unset, as MPRelaxSet leaves it), every element's U must be MP's for this chemistry (0 where MP
    /// uses none), and the POTCARs must be MPRelaxSet's.
    public func mpCompatibilityProblem(for structure: Structure) -> String? {
        let type = runType
        guard type == "GGA" || type == "GGA+U" else {
            return "run type \(type): MP2020 takes GGA or GGA+U runs (PBE from the PAW_PBE POTCARs with the GGA tag unset, as MPRelaxSet writes)"
        }
        let mp: VASPInputSet
        do { mp = try VASPInputSet(mpRelax: structure) } catch { return "no Materials Project input set for this structure (\(error))" }
        let mpU = mp.incar.first { $0.key == "LDAUU" }.flatMap { u -> [Double]? in if case .list(let xs) = u.value { return xs } else { return nil } }
        var expected: [String: Double] = [:]
        if let mpU { for (s, u) in zip(mp.symbols, mpU) { expected[s] = u } }
        let actual = hubbardU
        var wrong: [String] = []
        for s in mp.symbols where abs((actual[s] ?? 0) - (expected[s] ?? 0)) > 1e-9 {
            wrong.append("\(s) \(Self.format(actual[s] ?? 0)) eV (MP: \(Self.format(expected[s] ?? 0)))")
        }
        if !wrong.isEmpty { return "U values not MP's: " + wrong.joined(separator: ", ") }
        let used = Set(potcarSymbols.compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) })
        if used != Set(mp.potcars) {
            return "POTCARs \(used.sorted().joined(separator: " ")) are not MPRelaxSet's (\(Set(mp.potcars).sorted().joined(separator: " ")))"
        }
        return nil
    }

    /// The functional, U and POTCARs in one line, for the knowledge store and messages.
    public var summary: String {
        let u = hubbardU.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \(Self.format($0.value))" }
        return runType + (u.isEmpty ? "" : " (U: " + u.joined(separator: ", ") + " eV)") + "; POTCARs "
            + potcarSymbols.compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) }.joined(separator: " ")
            + (parameters["ENCUT"].map { "; ENCUT \(Self.format(number($0) ?? 0)) eV" } ?? "")
    }

    static func format(_ x: Double) -> String { String(format: "%g", x) }

    // MARK: parameters as text

    func bool(_ s: String?) -> Bool? { s.map { $0 == "T" } }
    func int(_ s: String?) -> Int? { s.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) ?? VASPRun.number($0).map { Int($0) } } }
    func number(_ s: String?) -> Double? { s.flatMap(VASPRun.number) }
    func numbers(_ s: String?) -> [Double] { s.map { $0.split(separator: " ").compactMap { VASPRun.number(String($0)) } } ?? [] }
}
