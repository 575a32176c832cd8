import Crystal
import Foundation
import KilnSupport

/// A finished, converged DFT calculation as a knowledge store keeps it, read from a run folder or
/// file: VASP (vasprun.xml, or OUTCAR when vasprun.xml is missing or cut off; `.gz` too) or a pw.x
/// output. Anything truncated or unconverged is an error naming the file and the reason.
public struct DFTResult: Sendable {
    public enum Code: String, Sendable { case vasp, qe }

    public let code: Code
    /// The file the result was read from.
    public let file: URL
    /// The run's name: its folder (`kiln export dft` names each folder after the structure file, a
    /// campaign's candidate files after the candidate id).
    public let runName: String
    /// Total energy of the final structure (eV): VASP's σ→0 energy (pymatgen's `final_energy`), pw.x's last `!` energy.
    public let energy: Double
    public let structure: Structure
    /// Forces on the final structure (eV/Å).
    public let forces: [Vec3]
    /// The functional (VASP: pymatgen's run type, e.g. "GGA+U"; pw.x: its exchange–correlation line).
    public let functional: String
    /// U per element (eV), VASP only.
    public let hubbardU: [String: Double]
    /// Functional, U, POTCARs or pseudopotentials and cut-offs in one line.
    public let settings: String
    /// VASP: why MP2020 would not take the energy (nil: it is on MP's scale); pw.x: always set.
    public let mpIncompatibility: String?
    /// What the reader had to do (e.g. read OUTCAR because vasprun.xml was cut off).
    public let notes: [String]
    /// The pw.x output, for comparing settings with QE references.
    public let pw: PWOutput?

    public var energyPerAtom: Double { energy / Double(structure.count) }
    public var maxForce: Double? { forces.map { ($0.x * $0.x + $0.y * $0.y + $0.z * $0.z).squareRoot() }.max() }

    /// Reads a run folder (vasprun.xml[.gz], else OUTCAR[.gz], else the one pw.x output in it) or one
    /// output file.
    public static func read(_ url: URL) throws -> DFTResult {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { throw DFTError.badInput("\(url.path): no such file or folder") }
        let folder = isDirectory.boolValue ? url : url.deletingLastPathComponent()
        let runName = folder.standardizedFileURL.lastPathComponent
        func sibling(_ names: [String]) -> URL? {
            names.map { folder.appendingPathComponent($0) }.first { FileManager.default.fileExists(atPath: $0.path) }
        }
        let name = url.lastPathComponent.lowercased()
        if isDirectory.boolValue {
            if let v = sibling(["vasprun.xml", "vasprun.xml.gz"]) { return try vasp(v, runName: runName, outcar: sibling(["OUTCAR", "OUTCAR.gz"])) }
            if let o = sibling(["OUTCAR", "OUTCAR.gz"]) { return try vaspOutcar(o, runName: runName, notes: ["no vasprun.xml; read OUTCAR"]) }
            let files = (try? FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? []
            let outputs = try files.sorted { $0.lastPathComponent < $1.lastPathComponent }.filter { try Self.isPWOutput($0) }
            guard let first = outputs.first else { throw DFTError.badInput("\(url.path): no vasprun.xml, OUTCAR or pw.x output in this folder") }
            guard outputs.count == 1 else {
                throw DFTError.badInput("\(url.path): several pw.x outputs (\(outputs.map(\.lastPathComponent).joined(separator: ", "))); name the one to ingest")
            }
            return try qe(first, runName: runName)
        }
        if name.hasPrefix("vasprun") { return try vasp(url, runName: runName, outcar: sibling(["OUTCAR", "OUTCAR.gz"])) }
        if name.hasPrefix("outcar") { return try vaspOutcar(url, runName: runName, notes: []) }
        guard try isPWOutput(url) else { throw DFTError.badInput("\(url.path): not a vasprun.xml, OUTCAR or pw.x output") }
        return try qe(url, runName: runName)
    }

    static func data(_ url: URL) throws -> Data {
        do { return url.pathExtension.lowercased() == "gz" ? try Gzip.readFile(url) : try Data(contentsOf: url) } catch {
            throw DFTError.badInput("\(url.path): cannot read (\(ErrorText.describe(error)); a cut-off .gz file cannot be decompressed)")
        }
    }

    /// Whether a folder holds a run itself (vasprun.xml, OUTCAR or a pw.x output) rather than run folders.
    public static func isRunFolder(_ folder: URL) -> Bool {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.contains { ["vasprun.xml", "vasprun.xml.gz", "OUTCAR", "OUTCAR.gz"].contains($0) }
            || files.contains { (try? isPWOutput(folder.appendingPathComponent($0))) == true }
    }

    static func isPWOutput(_ url: URL) throws -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let handle = FileHandle(forReadingAtPath: url.path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        let text = String(decoding: Gzip.isCompressed(head) ? (try? Gzip.readFile(url)).map { $0.prefix(4096) } ?? Data() : head, as: UTF8.self)
        return text.contains("Program PWSCF")
    }

    static func vasp(_ url: URL, runName: String, outcar: URL?) throws -> DFTResult {
        let xml: Data
        do { xml = try data(url) } catch {
            // A cut-off vasprun.xml.gz cannot be decompressed: the finished OUTCAR beside it can still be read.
            guard let outcar else { throw error }
            return try vaspOutcar(outcar, runName: runName, notes: ["\(url.lastPathComponent) cannot be read (\(error)); read \(outcar.lastPathComponent)"])
        }
        let run = try VASPRun(xml: xml, name: url.path)
        if !run.complete, let outcar {
            return try vaspOutcar(outcar, runName: runName, notes: ["\(url.lastPathComponent) is cut off after \(run.ionicSteps.count) ionic step(s); read \(outcar.lastPathComponent)"])
        }
        let checked = try run.requireConverged()
        guard let energy = checked.finalEnergy else { throw DFTError.badInput("\(url.path): no final energy") }
        let structure = checked.finalStructure
        return DFTResult(code: .vasp, file: url, runName: runName, energy: energy, structure: structure, forces: checked.forces,
                         functional: checked.settings.runType, hubbardU: checked.settings.hubbardU, settings: checked.settings.summary,
                         mpIncompatibility: checked.settings.mpCompatibilityProblem(for: structure), notes: [], pw: nil)
    }

    static func vaspOutcar(_ url: URL, runName: String, notes: [String]) throws -> DFTResult {
        let text = String(decoding: try data(url), as: UTF8.self)
        let o = try VASPOutcar(text: text, name: url.path)
        if let p = o.problem { throw DFTError.badInput("\(url.path): \(p)") }
        return DFTResult(code: .vasp, file: url, runName: runName, energy: o.energy, structure: o.structure, forces: o.forces,
                         functional: o.settings.runType, hubbardU: o.settings.hubbardU, settings: o.settings.summary,
                         mpIncompatibility: o.settings.mpCompatibilityProblem(for: o.structure), notes: notes, pw: nil)
    }

    static func qe(_ url: URL, runName: String) throws -> DFTResult {
        let out = try PWOutput(text: String(decoding: try data(url), as: UTF8.self), name: url.path)
        return DFTResult(code: .qe, file: url, runName: runName, energy: out.energy, structure: out.structure, forces: out.forces,
                         functional: out.functional ?? "?", hubbardU: [:], settings: out.settings,
                         mpIncompatibility: "a Quantum ESPRESSO energy (pseudopotentials, not VASP's PAW set): comparable only with QE references computed the same way",
                         notes: [], pw: out)
    }
}
