import Crystal
import CrystalIO
import Foundation
import KilnSupport

/// Replaces a campaign's structure-file folders (`cif/`, `poscar/`, `extxyz/`) so that a run killed
/// at any moment leaves each folder holding either the previous complete set or the new one.
///
/// The new set is written into `.kiln-export-new/<folder>` inside the output folder, together with
/// hard links (copies where linking fails) of every entry Kiln did not write, so files of the user
/// survive. Then each live folder is renamed to `.kiln-export-old/<folder>` and the new one renamed
/// into place. A run killed between those two renames leaves the old folder under
/// `.kiln-export-old`; `recover()` (called first by every export) moves it back and removes the
/// staging folders, which only Kiln writes.
struct CampaignExport {
    /// The campaign's output folder.
    var directory: URL
    /// Every candidate id in the store: the files named after them are Kiln's.
    var ids: Set<String>

    static let staging = ".kiln-export-new"
    static let retired = ".kiln-export-old"

    /// Puts back a folder a killed export had moved aside and removes the staging folders.
    func recover() throws {
        let fm = FileManager.default
        let old = directory.appendingPathComponent(Self.retired)
        for format in ExportFormat.allCases {
            let live = directory.appendingPathComponent(format.folder)
            let aside = old.appendingPathComponent(format.folder)
            if !fm.fileExists(atPath: live.path), fm.fileExists(atPath: aside.path) {
                try fm.moveItem(at: aside, to: live)
            }
        }
        for name in [Self.staging, Self.retired] {
            let url = directory.appendingPathComponent(name)
            if fm.fileExists(atPath: url.path) { try fm.removeItem(at: url) }
        }
    }

    /// Replaces Kiln's files in every format folder by `files` (file name → text per requested
    /// format, possibly none; a format not in `files` loses Kiln's old ones). Entries Kiln did not write stay.
    func replace(_ files: [ExportFormat: [(name: String, text: String)]]) throws {
        let fm = FileManager.default
        try recover()
        let staging = directory.appendingPathComponent(Self.staging)
        let old = directory.appendingPathComponent(Self.retired)
        var prepared: [(live: URL, new: URL, keep: Bool)] = []
        for format in ExportFormat.allCases {
            let live = directory.appendingPathComponent(format.folder)
            let new = staging.appendingPathComponent(format.folder)
            try fm.createDirectory(at: new, withIntermediateDirectories: true)
            for file in files[format] ?? [] {
                try file.text.write(to: new.appendingPathComponent(file.name), atomically: false, encoding: .utf8)
            }
            let existing = fm.fileExists(atPath: live.path)
            var foreign = 0
            for name in try (existing ? fm.contentsOfDirectory(atPath: live.path) : []) where !Self.isKilnFile(name, ids: ids) {
                let source = live.appendingPathComponent(name), target = new.appendingPathComponent(name)
                if (try? fm.linkItem(at: source, to: target)) == nil { try fm.copyItem(at: source, to: target) }
                foreign += 1
            }
            // A requested format always gets its folder; another one only keeps an existing folder.
            prepared.append((live, new, existing || files[format] != nil || foreign > 0))
        }
        try fm.createDirectory(at: old, withIntermediateDirectories: true)
        for p in prepared {
            if fm.fileExists(atPath: p.live.path) { try fm.moveItem(at: p.live, to: old.appendingPathComponent(p.live.lastPathComponent)) }
            if p.keep { try fm.moveItem(at: p.new, to: p.live) }
        }
        try fm.removeItem(at: old)
        try fm.removeItem(at: staging)
    }

    /// True for a name `fileName` gives one of `ids` in any format (any rank and formula).
    static func isKilnFile(_ name: String, ids: Set<String>) -> Bool {
        guard name.first?.isNumber == true,
              let format = ExportFormat.allCases.first(where: { name.hasSuffix("." + $0.fileExtension) }) else { return false }
        let stem = name.dropLast(format.fileExtension.count + 1)
        return ids.contains { stem.hasSuffix("-" + $0) }
    }
}

extension ExportFormat {
    /// The folder of the output folder that holds this format's files.
    var folder: String { rawValue }
    var fileExtension: String {
        switch self {
        case .cif: return "cif"
        case .poscar: return "vasp"
        case .extxyz: return "extxyz"
        }
    }
}

extension CampaignRunner {
    /// The file name of a ranked candidate's structure file in `format`.
    static func fileName(rank: Int, formula: String, id: String, format: ExportFormat = .cif) -> String {
        String(format: "%03d-%@-%@.%@", rank, formula, id, format.fileExtension)
    }

    /// The file name of a ranked candidate's CIF.
    static func cifName(rank: Int, formula: String, id: String) -> String { fileName(rank: rank, formula: formula, id: id) }

    /// Writes the structure files of the ranked candidates in the spec's formats, replacing the
    /// previous set as a whole (`CampaignExport`); `all` is every candidate of the store.
    func writeStructureFiles(ranked: [CandidateRecord], all: [CandidateRecord], hullReference: String, margins: CampaignMargins) throws {
        var files = [ExportFormat: [(name: String, text: String)]](uniqueKeysWithValues: spec.exportFormats.map { ($0, []) })
        for r in ranked {
            guard let rank = r.rank, let text = r.relaxedStructure else { continue }
            let structure = try StructureCoding.decode(text)
            let candidate = CandidateFiles(annotations: annotations(r, structure: structure, hullReference: hullReference, margins: margins), structure: structure)
            for format in spec.exportFormats {
                let name = Self.fileName(rank: rank, formula: r.formula, id: r.id, format: format)
                files[format, default: []].append((name, try candidate.text(format, stem: "\(r.formula)_\(r.id)")))
            }
        }
        try CampaignExport(directory: outputDirectory, ids: Set(all.map(\.id))).replace(files)
    }

    func annotations(_ r: CandidateRecord, structure: Structure, hullReference: String, margins: CampaignMargins) -> CandidateAnnotations {
        CandidateAnnotations(
            campaign: spec.name, id: r.id, rank: r.rank, potential: r.model ?? potential.label, energyPerAtom: r.finalEnergyPerAtom,
            formationEnergyPerAtom: r.formationEnergyPerAtom, energyAboveHull: r.energyAboveHull, hullReference: hullReference,
            stability: r.stability, stabilityThreshold: spec.stabilityThreshold,
            stabilityMargin: margins.margin(for: Set(structure.composition.elements)), unique: r.isUnique, novelty: r.noveltyLevel?.rawValue,
            noveltyMatch: r.noveltyMatch, decomposition: r.decomposition, magneticMoments: r.magneticMoments, generator: r.generator,
            parent: r.parent, substitution: r.substitution,
            kilnVersion: KilnVersion.number + (KilnVersion.commit.map { " (commit \($0))" } ?? ""))
    }
}
