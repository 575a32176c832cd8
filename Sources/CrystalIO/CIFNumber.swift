/// Numbers as CIF files write them.
enum CIFNumber {
    /// Parses a CIF number, dropping a standard uncertainty such as the "(5)" of "1.234(5)"
    /// (everything from the first "(" on, as pymatgen's `str2float` does). "." (inapplicable)
    /// reads as 0; "?" (unknown) and anything non-numeric give nil.
    static func parse(_ text: Substring) -> Double? {
        var t = text
        if let open = t.firstIndex(of: "("), open != t.startIndex { t = t[..<open] }
        t = t.trimmingSpaces()
        if t == "." { return 0 }
        return parseDecimal(t)
    }

    static func parse(_ text: String) -> Double? { parse(Substring(text)) }

    /// A plain decimal (sign, digits, optional fraction and exponent); rejects inf/nan and hex.
    static func parseDecimal(_ t: Substring) -> Double? {
        var sawDigit = false
        for c in t.utf8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): continue
            default: return nil
            }
        }
        guard sawDigit, let v = Double(t), v.isFinite else { return nil }
        return v
    }
}

extension Substring {
    /// The text without leading and trailing spaces, tabs and line breaks.
    func trimmingSpaces() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" || c == "\n" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" || c == "\r" { s = s.dropLast() }
        return s
    }
}
