/// One value of a CIF data item, with the 1-based line it came from.
public struct CIFValue: Hashable, Sendable {
    public var text: String
    public var line: Int
    /// True when the value was quoted or a semicolon text field (so "?" or "." are literal text).
    public var isQuoted: Bool

    public init(_ text: String, line: Int, isQuoted: Bool = false) {
        self.text = text
        self.line = line
        self.isQuoted = isQuoted
    }
}

/// One `data_` block of a CIF: tags with their values (one for a plain item, a column for a loop).
public struct CIFBlock: Sendable {
    public var name: String
    /// Line of the `data_` header.
    public var line: Int
    /// Values by tag (tags are case-sensitive, as pymatgen reads them).
    public var items: [String: [CIFValue]] = [:]
    /// Line where each tag appears.
    public var tagLines: [String: Int] = [:]
    /// Tags grouped by the loop they belong to.
    public var loops: [[String]] = []

    public init(name: String, line: Int) {
        self.name = name
        self.line = line
    }

    /// The values of a tag (a single plain item gives one value).
    public subscript(tag: String) -> [CIFValue]? { items[tag] }

    /// The first value of a tag when it is present and not empty.
    public func first(_ tag: String) -> CIFValue? {
        guard let v = items[tag]?.first, !v.text.isEmpty else { return nil }
        return v
    }
}

/// The syntax layer of a CIF file: data blocks split into tags, values and loops, following
/// pymatgen's `CifFile.from_str` (comments after `#`, quoted strings, `;` text fields,
/// blocks containing `powder_pattern` in their header line skipped).
public struct CIFDocument: Sendable {
    public var blocks: [CIFBlock] = []
    /// Oddities that did not stop parsing (stray tokens), with line numbers.
    public var warnings: [String] = []

    /// Splits CIF text into blocks; throws `CrystalIOError` for malformed loops or text fields.
    public init(text: String, file: String = "<string>") throws {
        var bytes = Array(text.utf8)
        bytes.removeAll { $0 >= 0x80 }  // pymatgen drops non-ASCII characters
        let lines = Self.splitLines(bytes)
        var blockStarts: [Int] = []
        for (k, r) in lines.enumerated() {
            var i = r.lowerBound
            while i < r.upperBound, Self.isSpace(bytes[i]) { i += 1 }
            if Self.hasPrefix(bytes, at: i, end: r.upperBound, "data_") { blockStarts.append(k) }
        }
        var byName: [String: Int] = [:]
        for (b, start) in blockStarts.enumerated() {
            let end = b + 1 < blockStarts.count ? blockStarts[b + 1] : lines.count
            let header = lines[start]
            if Self.contains(bytes, header, "powder_pattern") { continue }
            let tokens = try Self.tokenize(bytes, lines: lines, range: start..<end, file: file)
            let block = try Self.parseBlock(tokens, file: file, warnings: &warnings)
            if let k = byName[block.name] {
                blocks[k] = block  // a repeated block name replaces the earlier block, as in pymatgen
            } else {
                byName[block.name] = blocks.count
                blocks.append(block)
            }
        }
    }

    // MARK: - Tokens

    struct Token {
        enum Kind { case bare, quoted, textField }
        var kind: Kind
        var text: String
        var line: Int
        /// A bare token starting with "_" names a tag.
        var isTag: Bool { kind == .bare && text.utf8.first == UInt8(ascii: "_") }
        var isLoop: Bool { kind == .bare && text.hasPrefix("loop_") }
        var value: CIFValue { CIFValue(text, line: line, isQuoted: kind != .bare) }
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0d || c == 0x0c || c == 0x0b }

    static func hasPrefix(_ b: [UInt8], at i: Int, end: Int, _ p: StaticString) -> Bool {
        let n = p.utf8CodeUnitCount
        guard end - i >= n else { return false }
        return p.withUTF8Buffer { pb in (0..<n).allSatisfy { b[i + $0] == pb[$0] } }
    }

    static func contains(_ b: [UInt8], _ r: Range<Int>, _ p: StaticString) -> Bool {
        r.contains { hasPrefix(b, at: $0, end: r.upperBound, p) }
    }

    /// Line ranges (without the line break); "\n", "\r\n" and "\r" all end a line.
    static func splitLines(_ b: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0, i = 0
        while i < b.count {
            if b[i] == 0x0a || b[i] == 0x0d {
                out.append(start..<i)
                if b[i] == 0x0d, i + 1 < b.count, b[i + 1] == 0x0a { i += 1 }
                start = i + 1
            }
            i += 1
        }
        if start < b.count { out.append(start..<b.count) }
        return out
    }

    /// Tokens of the given lines: comments removed, quotes and `;` text fields resolved.
    static func tokenize(_ b: [UInt8], lines: [Range<Int>], range: Range<Int>, file: String) throws -> [Token] {
        var tokens: [Token] = []
        var field: [String]? = nil
        var fieldLine = 0
        for k in range {
            var r = lines[k]
            // A "#" at the start of a line or after white space starts a comment.
            var i = r.lowerBound
            while i < r.upperBound {
                if b[i] == UInt8(ascii: "#"), i == r.lowerBound || isSpace(b[i - 1]) { r = r.lowerBound..<i; break }
                i += 1
            }
            if b[r].allSatisfy(isSpace) { continue }
            if field != nil {
                if b[r.lowerBound] == UInt8(ascii: ";") {
                    tokens.append(Token(kind: .textField, text: field!.joined(separator: " "), line: fieldLine))
                    field = nil
                    r = (r.lowerBound + 1)..<r.upperBound
                } else {
                    field!.append(String(decoding: b[r], as: UTF8.self).trimmingCharacters())
                    continue
                }
            }
            if r.isEmpty { continue }
            if b[r.lowerBound] == UInt8(ascii: ";") {
                field = [String(decoding: b[(r.lowerBound + 1)..<r.upperBound], as: UTF8.self).trimmingCharacters()]
                fieldLine = k + 1
                continue
            }
            tokenizeLine(b, r, line: k + 1, into: &tokens)
        }
        if field != nil {
            throw CrystalIOError(file: file, line: fieldLine, "text field opened with ';' is never closed")
        }
        return tokens
    }

    /// Splits one line on white space, keeping quoted strings together ('...' or "..." closed
    /// by a quote followed by white space or the line end).
    static func tokenizeLine(_ b: [UInt8], _ r: Range<Int>, line: Int, into tokens: inout [Token]) {
        var i = r.lowerBound
        let end = r.upperBound
        while i < end {
            let c = b[i]
            if isSpace(c) { i += 1; continue }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                var j = i + 1
                var close = -1
                while j < end {
                    if b[j] == c, j + 1 == end || isSpace(b[j + 1]) { close = j; break }
                    j += 1
                }
                if close >= 0 {
                    tokens.append(Token(kind: .quoted, text: String(decoding: b[(i + 1)..<close], as: UTF8.self), line: line))
                    i = close + 1
                } else {
                    i += 1  // an unmatched quote is skipped
                }
                continue
            }
            var j = i
            while j < end, !isSpace(b[j]) { j += 1 }
            tokens.append(Token(kind: .bare, text: String(decoding: b[i..<j], as: UTF8.self), line: line))
            i = j
        }
    }

    // MARK: - Blocks

    static func parseBlock(_ tokens: [Token], file: String, warnings: inout [String]) throws -> CIFBlock {
        guard let head = tokens.first else {
            throw CrystalIOError(file: file, "empty data block")
        }
        var block = CIFBlock(name: String(head.text.dropFirst(5)), line: head.line)
        var p = 1
        while p < tokens.count {
            let t = tokens[p]
            p += 1
            if t.kind == .bare && t.text == "_eof" { break }
            if t.isTag {
                // A tag takes the next token as its value, whatever it is (pymatgen's reading).
                let value = p < tokens.count ? tokens[p].value : CIFValue("", line: t.line)
                if p < tokens.count { p += 1 }
                block.items[t.text] = [value]
                block.tagLines[t.text] = t.line
            } else if t.isLoop {
                var columns: [String] = []
                while p < tokens.count, tokens[p].isTag {
                    columns.append(tokens[p].text)
                    block.tagLines[tokens[p].text] = tokens[p].line
                    p += 1
                }
                var values: [CIFValue] = []
                while p < tokens.count, !tokens[p].isTag, !tokens[p].isLoop {
                    values.append(tokens[p].value)
                    p += 1
                }
                guard !columns.isEmpty else {
                    throw CrystalIOError(file: file, line: t.line, "loop_ without any tags")
                }
                guard !values.isEmpty else {
                    throw CrystalIOError(file: file, line: t.line, "loop_ of \(columns[0]) has no values")
                }
                guard values.count % columns.count == 0 else {
                    throw CrystalIOError(file: file, line: values.last!.line,
                        "loop_ of \(columns[0]) has \(values.count) values, not a multiple of its \(columns.count) tags (truncated row?)")
                }
                for (c, tag) in columns.enumerated() {
                    block.items[tag] = stride(from: c, to: values.count, by: columns.count).map {
                        var v = values[$0]
                        v.text = v.text.trimmingCharacters()
                        return v
                    }
                }
                block.loops.append(columns)
            } else if !t.text.trimmingCharacters().isEmpty {
                warnings.append("\(file):\(t.line): stray value '\(t.text.prefix(40))' outside any tag ignored")
            }
        }
        return block
    }
}

extension String {
    /// The string without leading and trailing white space (ASCII).
    func trimmingCharacters() -> String {
        let u = utf8
        guard let f = u.firstIndex(where: { !CIFDocument.isSpace($0) && $0 != 0x0a }) else { return "" }
        let l = u.lastIndex(where: { !CIFDocument.isSpace($0) && $0 != 0x0a })!
        if f == u.startIndex && l == u.index(before: u.endIndex) { return self }
        return String(self[f...l])
    }
}
