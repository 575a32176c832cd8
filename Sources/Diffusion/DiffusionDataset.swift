import Crystal
import CrystalIO
import Foundation
import KilnSupport
import Learning
import ReferenceData

/// Training and test crystals: CDVAE's benchmark splits (bundled) or any CSV in their layout
/// (`material_id`, `cif`, numeric property columns; gzip or plain).
public enum DiffusionDataset {
    /// The bundled CDVAE splits (txie-93/cdvae, MIT): perov_5 and carbon_24, val and test.
    public static let bundledNames = ["perov_5_val", "perov_5_test", "carbon_24_val", "carbon_24_test"]

    /// A bundled split by name.
    public static func bundled(_ name: String) throws -> [DiffusionCrystal] {
        guard bundledNames.contains(name),
              let url = Bundle.module.url(forResource: name, withExtension: "csv.gz", subdirectory: "cdvae") else {
            throw DiffusionError.badData("no bundled data set '\(name)' (bundled: \(bundledNames.joined(separator: ", ")))")
        }
        return try read(url)
    }

    /// The built-in MP structures of at most 20 ordered sites, split by material id with the one fixed
    /// split of every learned model (`Learning.DataSplit`: SHA-256 of the id, 8 of 10 training, 1
    /// validation, 1 test), with `formation_energy_per_atom` and `band_gap` where MP gives them.
    public static let mpNames = ["mp20_train": DataSplit.training, "mp20_val": .validation, "mp20_test": .test]

    public static func mp20(_ split: DataSplit) throws -> [DiffusionCrystal] {
        let mp = try ReferenceStructures.mp()
        let picked = mp.indices.filter { mp.siteCount(at: $0) <= 20 && mp.isOrdered(at: $0) && DataSplit(id: mp.id(at: $0)) == split }
        return WorkQueue.map(picked.count) { k in
            let i = picked[k]
            var properties: [String: Double] = [:]
            properties["formation_energy_per_atom"] = mp.formationEnergyPerAtom(at: i)
            properties["band_gap"] = mp.bandGap(at: i)
            return DiffusionCrystal(DiffusionCrystal.canonical(mp.structure(at: i)), id: mp.id(at: i), properties: properties)
        }
    }

    /// A bundled CDVAE split, an MP-20 split (`mp20_train`, `mp20_val`, `mp20_test`) or a CSV file's path.
    public static func load(_ nameOrPath: String) throws -> [DiffusionCrystal] {
        if let split = mpNames[nameOrPath] { return try mp20(split) }
        return bundledNames.contains(nameOrPath) ? try bundled(nameOrPath) : try read(URL(fileURLWithPath: nameOrPath))
    }

    /// Reads a CDVAE-style CSV: every row's CIF becomes a crystal named by `material_id` (in the
    /// `DiffusionCrystal.canonical` cell), every other numeric column a property. Disordered or unreadable CIFs are errors naming the row.
    public static func read(_ url: URL) throws -> [DiffusionCrystal] {
        var data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DiffusionError.badData("\(url.path): \(ErrorText.describe(error))")
        }
        if Gzip.isCompressed(data) { data = try Gzip.decompress(data) }
        guard let text = String(data: data, encoding: .utf8) else { throw DiffusionError.badData("\(url.path): not UTF-8 text") }
        let table: CSVTable
        do { table = try CSVTable(text: text) } catch { throw DiffusionError.badData("\(url.path): \(error)") }
        guard let cif = table.column("cif") else { throw DiffusionError.badData("\(url.path): no 'cif' column") }
        let idColumn = table.column("material_id")
        let skip: Set<String> = ["", "material_id", "cif", "formula"]
        let properties = table.header.indices.filter { !skip.contains(table.header[$0]) }
        return try WorkQueue.map(table.rows.count) { (r: Int) throws(DiffusionError) -> DiffusionCrystal in
            let row = table.rows[r]
            let id = idColumn.map { row[$0] } ?? "row-\(r + 1)"
            do {
                guard let s = try CIFReader().read(row[cif], file: id).first?.structure else { throw DiffusionError.badData("no structure") }
                guard s.isOrdered else { throw DiffusionError.badData("disordered sites") }
                var values: [String: Double] = [:]
                for p in properties { if let v = Double(row[p]) { values[table.header[p]] = v } }
                return DiffusionCrystal(DiffusionCrystal.canonical(s), id: id, properties: values)
            } catch {
                throw DiffusionError.badData("\(url.lastPathComponent) row \(r + 1) (\(id)): \(ErrorText.describe(error))")
            }
        }
    }
}
