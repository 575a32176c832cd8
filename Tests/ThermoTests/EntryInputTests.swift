import Crystal
import Thermo
import XCTest

/// Entry files, energy scales and the bundled MP reference.
final class EntryInputTests: XCTestCase {
    func testCSVParsesAndReportsLineNumbers() throws {
        let csv = "# comment\nformula,energy,id,note\nLi,-1.9,li,\"a, b\"\n\nLiFeO2,-26,lfo,\n"
        let recs = try EntryFile.parseCSV(csv, name: "e.csv")
        XCTAssertEqual(recs.map(\.id), ["li", "lfo"])
        XCTAssertEqual(recs[0].attributes["note"], "a, b")
        XCTAssertEqual(recs[1].energy, .total(-26))
        XCTAssertEqual(recs[1].location, "e.csv:5")
        func message(_ text: String) -> String {
            do { _ = try EntryFile.parseCSV(text, name: "x.csv"); return "" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("formula,energy\nLi,-1\nXx2O,-3\n"), "x.csv:3: invalid formula 'Xx2O': unknown element 'Xx'")
        XCTAssertEqual(message("formula,energy\nLi,nan\n"), "x.csv:2: energy is not a finite number")
        XCTAssertEqual(message("formula,energy\nLi,abc\n"), "x.csv:2: energy 'abc' is not a number")
        XCTAssertEqual(message("formula,energy,energy_per_atom\nLi,-1,-1\n"),
                       "x.csv:2: several energies given (energy, energy_per_atom); give one")
        XCTAssertEqual(message("formula,energy\nLi\n"), "x.csv:2: row has 1 fields, the header has 2")
        XCTAssertEqual(message("name,energy\n"), "x.csv:1: header needs a 'formula' column")
    }

    /// Duplicate ids and absurd energies are refused with the line (issue 12, hostile input 11:
    /// −1e300 and repeated ids were accepted).
    func testDuplicateIDsAndAbsurdEnergiesAreRefused() throws {
        let service = try HullService(reference: .none)
        func message(_ text: String) -> String {
            do { _ = try service.entries(try EntryFile.parseCSV(text, name: "x.csv")); return "" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("formula,energy,id\nLi,-1.9,a\nO,-4.9,b\nLi2O,-14,a\n"),
                       "x.csv:4: id 'a' is already used at x.csv:2; give each entry its own id")
        XCTAssertTrue(message("formula,energy\nLi,-1.9\nLi2O,-1e300\n").hasPrefix("x.csv:3: energy of -3.33"), message("formula,energy\nLi,-1.9\nLi2O,-1e300\n"))
        XCTAssertTrue(message("formula,formation_energy_per_atom\nLi2O,5000\n").hasPrefix("x.csv:2: energy of 5000.0 eV/atom is outside ±1000"))
        XCTAssertEqual(message("formula,energy,id\nLi,-1.9,a\nO,-4.9,b\nLi2O,-14,c\n"), "")
    }

    func testJSONParses() throws {
        let json = #"[{"formula": "Li2O", "formation_energy_per_atom": -2.0, "id": "a"}, {"formula": "Li", "energy_per_atom": -1.9}]"#
        let recs = try EntryFile.parseJSON(Data(json.utf8), name: "e.json")
        XCTAssertEqual(recs.map(\.energy), [.formationPerAtom(-2), .perAtom(-1.9)])
        XCTAssertEqual(recs[1].id, "2")
        XCTAssertThrowsError(try EntryFile.parseJSON(Data(#"[{"formula": "Li"}]"#.utf8), name: "e.json")) {
            XCTAssertTrue("\($0)".hasPrefix("e.json: entry 1: no energy"))
        }
    }

    func testTotalEnergyOnMPScaleWithCorrections() throws {
        let refs = try MPElementalReferences.bundled()
        let compat = try MP2020Compatibility.bundled()
        let c = try Composition("Fe2O3")
        let raw = 2 * refs.energyPerAtom[try Element("Fe")]! + 3 * refs.energyPerAtom[try Element("O")]! - 10
        let rec = EntryRecord(id: "x", composition: c, energy: .total(raw), location: "test")
        let plain = try rec.entry(on: .formation, references: refs)
        XCTAssertEqual(plain.energyPerAtom, -2, accuracy: 1e-12)
        let corrected = try rec.entry(on: .formation, corrections: compat, references: refs)
        XCTAssertEqual(corrected.energyPerAtom, -2 + (2 * -2.256 + 3 * -0.687) / 5, accuracy: 1e-12)
        XCTAssertThrowsError(try EntryRecord(id: "f", composition: c, energy: .formationPerAtom(-1), location: "l")
            .entry(on: .raw))
    }

    func testBundledReferenceAnswersOffline() throws {
        let meta = try MPReference.metadata()
        XCTAssertEqual(meta.license, "CC-BY-4.0")
        let entries = try MPReference.entries()
        XCTAssertEqual(entries.count, meta.entryCount)
        XCTAssertEqual(entries.count, 169_492)
        let pd = try PhaseDiagram(entries: entries)
        let r = try pd.analyze(ThermoEntry(composition: Composition("LiFeO2"), energyPerAtom: -1.85, id: "q"))
        XCTAssertFalse(r.isStable)
        XCTAssertGreaterThan(r.energyAboveHull, 0)
        XCTAssertEqual(r.decomposition.reduce(0) { $0 + $1.fraction }, 1, accuracy: 1e-9)
        let deep = try pd.analyze(ThermoEntry(composition: Composition("LiFeO2"), energyPerAtom: -3, id: "deep"))
        XCTAssertTrue(deep.isStable)
        XCTAssertLessThan(deep.phaseSeparationEnergy!, 0)
    }
}
