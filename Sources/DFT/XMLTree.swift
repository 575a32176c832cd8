import Foundation

/// A small, forgiving XML reader for DFT codes' output files (vasprun.xml): elements with their
/// attributes, text and children, where subtrees named in `skipping` are scanned past but not kept
/// (densities of states and eigenvalues are most of a vasprun's bytes). A file that ends inside an
/// element is not an error here: the elements closed before the cut are kept and `complete` is false,
/// so a reader can say the file is truncated.
struct XMLElement {
    var name: String
    var attributes: [String: String] = [:]
    var text = ""
    var children: [XMLElement] = []
    /// False for an element the file ended inside.
    var closed = true

    func attribute(_ key: String) -> String? { attributes[key]?.trimmingCharacters(in: .whitespaces) }
    /// The first child called `name` (with `name` attribute `named` when given).
    func child(_ name: String, named: String? = nil) -> XMLElement? {
        children.first { $0.name == name && (named == nil || $0.attribute("name") == named) }
    }
    func all(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }
}

struct XMLTree {
    /// The root element (closed or not).
    let root: XMLElement
    /// Whether the root element was closed: false for a cut-off file.
    let complete: Bool

    init(data: Data, skipping: Set<String> = []) throws {
        var stack: [XMLElement] = []
        var root: XMLElement?
        var skipDepth = 0
        var closedRoot = false
        let bytes = [UInt8](data)
        let n = bytes.count
        var i = 0

        func decode(_ s: ArraySlice<UInt8>) -> String {
            let t = String(decoding: s, as: UTF8.self)
            guard t.contains("&") else { return t }
            return t.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
        func find(_ pattern: [UInt8], from start: Int) -> Int? {
            var j = start
            while j + pattern.count <= n {
                if bytes[j] == pattern[0] && bytes[j..<(j + pattern.count)].elementsEqual(pattern) { return j }
                j += 1
            }
            return nil
        }

        while i < n {
            guard bytes[i] == UInt8(ascii: "<") else {
                var j = i
                while j < n && bytes[j] != UInt8(ascii: "<") { j += 1 }
                if skipDepth == 0, !stack.isEmpty { stack[stack.count - 1].text += decode(bytes[i..<j]) }
                i = j
                continue
            }
            guard i + 1 < n else { break }
            if bytes[i + 1] == UInt8(ascii: "?") {
                guard let e = find(Array("?>".utf8), from: i + 2) else { break }
                i = e + 2
            } else if bytes[i + 1] == UInt8(ascii: "!") {
                let end: [UInt8] = bytes[(i + 2)...].starts(with: Array("--".utf8)) ? Array("-->".utf8) : Array(">".utf8)
                guard let e = find(end, from: i + 2) else { break }
                i = e + end.count
            } else if bytes[i + 1] == UInt8(ascii: "/") {
                guard let e = find(Array(">".utf8), from: i + 2) else { break }
                let name = decode(bytes[(i + 2)..<e]).trimmingCharacters(in: .whitespaces)
                i = e + 1
                if skipDepth > 0 { skipDepth -= 1; continue }
                guard let top = stack.popLast() else { throw DFTError.badInput("unexpected closing tag </\(name)>") }
                guard top.name == name else { throw DFTError.badInput("<\(top.name)> closed by </\(name)>") }
                if stack.isEmpty { root = top; closedRoot = true } else { stack[stack.count - 1].children.append(top) }
            } else {
                // A start tag: name, attributes, maybe self-closing. Quoted values may hold '>'.
                var j = i + 1
                var quote: UInt8?
                while j < n {
                    let b = bytes[j]
                    if let q = quote { if b == q { quote = nil } } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") { quote = b } else if b == UInt8(ascii: ">") { break }
                    j += 1
                }
                guard j < n else { break }
                let selfClosing = bytes[j - 1] == UInt8(ascii: "/")
                let body = bytes[(i + 1)..<(selfClosing ? j - 1 : j)]
                i = j + 1
                if skipDepth > 0 { if !selfClosing { skipDepth += 1 }; continue }
                var k = body.startIndex
                while k < body.endIndex && !Self.isSpace(body[k]) { k += 1 }
                var element = XMLElement(name: decode(body[body.startIndex..<k]))
                if skipping.contains(element.name) {
                    if !selfClosing { skipDepth = 1 }
                    continue
                }
                // attributes: key = "value"
                while k < body.endIndex {
                    while k < body.endIndex && Self.isSpace(body[k]) { k += 1 }
                    let keyStart = k
                    while k < body.endIndex && body[k] != UInt8(ascii: "=") && !Self.isSpace(body[k]) { k += 1 }
                    let key = decode(body[keyStart..<k])
                    while k < body.endIndex && (Self.isSpace(body[k]) || body[k] == UInt8(ascii: "=")) { k += 1 }
                    guard k < body.endIndex, body[k] == UInt8(ascii: "\"") || body[k] == UInt8(ascii: "'") else { break }
                    let q = body[k]
                    k += 1
                    let valueStart = k
                    while k < body.endIndex && body[k] != q { k += 1 }
                    if !key.isEmpty { element.attributes[key] = decode(body[valueStart..<min(k, body.endIndex)]) }
                    k += 1
                }
                if selfClosing {
                    if stack.isEmpty { root = element; closedRoot = true } else { stack[stack.count - 1].children.append(element) }
                } else {
                    stack.append(element)
                }
            }
        }
        // Cut off: close what is open, so the reader sees everything before the cut.
        while var top = stack.popLast() {
            top.closed = false
            if stack.isEmpty { root = top } else { stack[stack.count - 1].children.append(top) }
        }
        guard let root else { throw DFTError.badInput("no XML element found") }
        self.root = root
        complete = closedRoot
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}
