/// Parses chemical formulas as users write them: "Fe2O3", "Ca3(PO4)2", "[Co(NH3)6]Cl3",
/// "Li0.5CoO2", hydrates "CuSO4·5H2O" (also "*" as the dot).
struct FormulaParser {
    private let text: String
    private let chars: [Character]
    private var pos = 0

    init(_ text: String) {
        self.text = text
        self.chars = Array(text.filter { !$0.isWhitespace })
    }

    static func parse(_ text: String) throws -> [(Element, Double)] {
        var p = FormulaParser(text)
        guard !p.chars.isEmpty else { throw CrystalError.invalidFormula(text, reason: "empty formula") }
        var parts = try p.parseSequence()
        while p.pos < p.chars.count, p.chars[p.pos] == "·" || p.chars[p.pos] == "•" || p.chars[p.pos] == "*" {
            p.pos += 1
            let factor = p.parseNumber() ?? 1
            let unit = try p.parseSequence()
            guard !unit.isEmpty else { throw p.fail("nothing after the hydrate dot") }
            parts += unit.map { ($0.0, $0.1 * factor) }
        }
        guard p.pos == p.chars.count else { throw p.fail("unexpected '\(p.chars[p.pos])'") }
        var order: [Element] = []
        var amounts: [Element: Double] = [:]
        for (el, amt) in parts {
            if amounts[el] == nil { order.append(el) }
            amounts[el, default: 0] += amt
        }
        return order.map { ($0, amounts[$0]!) }
    }

    private func fail(_ reason: String) -> CrystalError {
        .invalidFormula(text, reason: "\(reason) at character \(pos + 1)")
    }

    private mutating func parseSequence() throws -> [(Element, Double)] {
        var out: [(Element, Double)] = []
        while pos < chars.count {
            let c = chars[pos]
            if c == "(" || c == "[" || c == "{" {
                let close: Character = c == "(" ? ")" : (c == "[" ? "]" : "}")
                pos += 1
                let inner = try parseSequence()
                guard pos < chars.count, chars[pos] == close else { throw fail("missing '\(close)'") }
                guard !inner.isEmpty else { throw fail("empty group") }
                pos += 1
                let n = parseNumber() ?? 1
                out += inner.map { ($0.0, $0.1 * n) }
            } else if c.isUppercase, c.isASCII {
                var sym = String(c)
                pos += 1
                while pos < chars.count, chars[pos].isLowercase, chars[pos].isASCII {
                    sym.append(chars[pos]); pos += 1
                }
                guard let el = try? Element(sym) else {
                    throw CrystalError.invalidFormula(text, reason: "unknown element '\(sym)'")
                }
                let n = parseNumber() ?? 1
                guard n.isFinite, n >= 0 else { throw fail("amount must be non-negative") }
                out.append((el, n))
            } else {
                break
            }
        }
        return out
    }

    private mutating func parseNumber() -> Double? {
        let start = pos
        while pos < chars.count, chars[pos].isNumber || chars[pos] == "." { pos += 1 }
        guard pos > start else { return nil }
        return Double(String(chars[start..<pos]))
    }
}
