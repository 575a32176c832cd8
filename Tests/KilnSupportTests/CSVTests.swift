import KilnSupport
import XCTest

final class CSVTests: XCTestCase {
    func testReaderQuotingAndLines() throws {
        let t = try CSVTable(text: "a,b,c\n1,\"x, \"\"y\"\"\nz\",3\r\n\n2,,\n")
        XCTAssertEqual(t.header, ["a", "b", "c"])
        XCTAssertEqual(t.rows, [["1", "x, \"y\"\nz", "3"], ["2", "", ""]])
        XCTAssertEqual(t.headerLine, 1)
        XCTAssertEqual(t.rowLines, [2, 5])
        XCTAssertEqual(t.column("c"), 2)
    }

    func testReaderErrorsNameTheLine() {
        func error(_ text: String) -> CSVError? {
            do { _ = try CSVTable(text: text); return nil } catch { return error as? CSVError }
        }
        XCTAssertEqual(error("a,b\n1,2\n3,\"open\n\n")?.line, 3)
        XCTAssertEqual(error("a,b\n1,2\n3,\"open\n\n")?.description, "line 3: quoted field is never closed")
        XCTAssertEqual(error("a,b\n\"x\ny\",2\n1,2,3\n")?.line, 4)
        XCTAssertEqual(error("a,b\n1,2,3\n")?.reason, "row has 3 fields, the header has 2")
        XCTAssertEqual(error("\n\n")?.reason, "no header row")
    }

    func testCommentsAndTrimming() throws {
        let t = try CSVTable(text: "# note\n formula , energy\n  # indented note\nLi, \"a, b\" \n\t\nO,2", skipsComments: true,
                             trimsWhitespace: true)
        XCTAssertEqual(t.header, ["formula", "energy"])
        XCTAssertEqual(t.headerLine, 2)
        XCTAssertEqual(t.rows, [["Li", "a, b"], ["O", "2"]])
        XCTAssertEqual(t.rowLines, [4, 6])
        // Without the options '#' and blanks are data.
        XCTAssertEqual(try CSVTable(text: "a\n#b\n c \n").rows, [["#b"], [" c "]])
    }

    func testWriterQuotesOnlyWhenNeededAndRoundTrips() throws {
        let w = CSVWriter()
        XCTAssertEqual(w.row(["plain", "-1.5", "a,b", "say \"hi\"", "two\nlines", "cr\r\nlf", ""]),
                       "plain,-1.5,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\nlf\",")
        let rows = [["1", "x, \"y\"\nz", "=SUM(A1)"], ["", "\r\n", "-2"]]
        let text = w.document(header: ["a", "b", "c"], rows: rows)
        let back = try CSVTable(text: text)
        XCTAssertEqual(back.header, ["a", "b", "c"])
        XCTAssertEqual(back.rows, rows)
    }

    func testSpreadsheetSafety() {
        let safe = CSVWriter(spreadsheetSafe: true)
        XCTAssertEqual(safe.row(["=SUM(A1)", "+x", "-cmd", "@x", "-1.5", "+2e3", "a=b"]),
                       "'=SUM(A1),'+x,'-cmd,'@x,-1.5,+2e3,a=b")
        XCTAssertEqual(CSVWriter().row(["=SUM(A1)"]), "=SUM(A1)")
    }
}
