/// An element, optionally with an oxidation state (pymatgen's Species).
public struct Species: Hashable, Sendable, CustomStringConvertible {
    public let element: Element
    public let oxidationState: Double?

    public init(_ element: Element, oxidationState: Double? = nil) {
        self.element = element
        self.oxidationState = oxidationState
    }

    /// Parses "Fe", "Fe2+", "O2-", "Na+" (pymatgen's string forms).
    public init(_ text: String) throws {
        var sym = ""
        var rest = Substring(text)
        while let c = rest.first, c.isLetter { sym.append(c); rest = rest.dropFirst() }
        let el = try Element(sym)
        if rest.isEmpty { self.init(el); return }
        guard let signChar = rest.last, signChar == "+" || signChar == "-" else {
            throw CrystalError.unknownElement(text)
        }
        let magnitude = rest.dropLast().isEmpty ? 1.0 : Double(rest.dropLast())
        guard let m = magnitude else { throw CrystalError.unknownElement(text) }
        self.init(el, oxidationState: signChar == "+" ? m : -m)
    }

    public var description: String {
        guard let ox = oxidationState else { return element.symbol }
        let mag = abs(ox)
        let num = mag == 1 ? "" : (mag == mag.rounded() && mag < 1e15 ? String(Int(mag)) : "\(mag)")
        return element.symbol + num + (ox >= 0 ? "+" : "-")
    }
}
