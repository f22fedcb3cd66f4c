extension PositionedJSON {
    /// Parses one JSON document (RFC 8259), tracking the line and column of every value and key.
    ///
    /// - Throws: `JSONSyntaxError` naming the position of the first offending character.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> PositionedJSON {
        var parser = JSONParser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }
}

/// A recursive-descent parser over UTF-8 bytes. Nesting is capped so hostile input cannot overflow
/// the stack.
struct JSONParser {
    static let maximumDepth = 256

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    private var depth = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }  // tolerate a UTF-8 byte order mark
    }

    private var position: SourcePosition { SourcePosition(line: line, column: column) }

    private func fail(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(position: position, message: message)
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1  // count scalars, not continuation bytes
        }
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            advance()
        }
    }

    private func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "the end of the file" }
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16))"
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> PositionedJSON {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if current != nil { throw fail("unexpected \(describe(current)) after the end of the JSON value") }
        return value
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> PositionedJSON {
        let start = position
        switch current {
        case UInt8(ascii: "{"): return PositionedJSON(value: try parseObject(), position: start)
        case UInt8(ascii: "["): return PositionedJSON(value: try parseArray(), position: start)
        case UInt8(ascii: "\""): return PositionedJSON(value: .string(try parseString()), position: start)
        case UInt8(ascii: "t"): try expectWord("true"); return PositionedJSON(value: .bool(true), position: start)
        case UInt8(ascii: "f"): try expectWord("false"); return PositionedJSON(value: .bool(false), position: start)
        case UInt8(ascii: "n"): try expectWord("null"); return PositionedJSON(value: .null, position: start)
        case let byte? where byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39):
            return PositionedJSON(value: try parseNumber(), position: start)
        default:
            throw fail("expected a value, found \(describe(current))")
        }
    }

    private mutating func expectWord(_ word: String) throws(JSONSyntaxError) {
        for expected in word.utf8 {
            guard current == expected else { throw fail("invalid literal: expected '\(word)'") }
            advance()
        }
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw fail("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> PositionedJSON.Value {
        try enter()
        defer { depth -= 1 }
        advance()  // {
        var members: [PositionedJSON.Member] = []
        skipWhitespace()
        if current == UInt8(ascii: "}") { advance(); return .object(members) }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                throw fail("expected a quoted key, found \(describe(current))")
            }
            let keyPosition = position
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw fail("expected ':' after key \"\(key)\", found \(describe(current))") }
            advance()
            skipWhitespace()
            let value = try parseValue()
            members.append(PositionedJSON.Member(key: key, keyPosition: keyPosition, value: value))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "}"): advance(); return .object(members)
            default: throw fail("expected ',' or '}' after the value of \"\(key)\", found \(describe(current))")
            }
            skipWhitespace()
            if current == UInt8(ascii: "}") { throw fail("trailing comma before '}'") }
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> PositionedJSON.Value {
        try enter()
        defer { depth -= 1 }
        advance()  // [
        var elements: [PositionedJSON] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") { advance(); return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "]"): advance(); return .array(elements)
            default: throw fail("expected ',' or ']' in the array, found \(describe(current))")
            }
            skipWhitespace()
            if current == UInt8(ascii: "]") { throw fail("trailing comma before ']'") }
        }
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        advance()  // opening quote
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() {
            if !raw.isEmpty { scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars); raw = [] }
        }
        while true {
            guard let byte = current else { throw fail("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                advance()
                scalars.append(try parseEscape())
            case 0x00..<0x20:
                throw fail("control character \(describe(byte)) inside a string: escape it")
            default:
                raw.append(byte)
                advance()
            }
        }
    }

    private mutating func parseEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        guard let byte = current else { throw fail("unterminated escape") }
        advance()
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try parseHex4()
            if (0xD800..<0xDC00).contains(high) {
                guard current == UInt8(ascii: "\\") else { throw fail("lone high surrogate \\u\(String(high, radix: 16))") }
                advance()
                guard current == UInt8(ascii: "u") else { throw fail("lone high surrogate \\u\(String(high, radix: 16))") }
                advance()
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw fail("invalid low surrogate \\u\(String(low, radix: 16))") }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(high) else { throw fail("lone low surrogate \\u\(String(high, radix: 16))") }
            return scalar
        default:
            throw fail("invalid escape '\\\(Character(Unicode.Scalar(byte)))'")
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = hexDigit(byte) else { throw fail("expected 4 hex digits after \\u") }
            value = value << 4 | digit
            advance()
        }
        return value
    }

    private func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30)
        case 0x41...0x46: UInt32(byte - 0x41 + 10)
        case 0x61...0x66: UInt32(byte - 0x61 + 10)
        default: nil
        }
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> PositionedJSON.Value {
        let startIndex = index
        if current == UInt8(ascii: "-") { advance() }
        guard let first = current, first >= 0x30 && first <= 0x39 else { throw fail("expected a digit") }
        advance()
        if first != 0x30 { skipDigits() }
        if current == UInt8(ascii: ".") {
            advance()
            guard try requireDigit() else { throw fail("expected a digit after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            advance()
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { advance() }
            guard try requireDigit() else { throw fail("expected a digit in the exponent") }
        }
        let literal = String(decoding: bytes[startIndex..<index], as: UTF8.self)
        guard let number = Double(literal) else { throw fail("invalid number \(literal)") }
        return .number(number, literal: literal)
    }

    private mutating func requireDigit() throws(JSONSyntaxError) -> Bool {
        guard let byte = current, byte >= 0x30 && byte <= 0x39 else { return false }
        skipDigits()
        return true
    }

    private mutating func skipDigits() {
        while let byte = current, byte >= 0x30 && byte <= 0x39 { advance() }
    }
}
