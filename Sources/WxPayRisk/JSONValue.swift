// A small, strict JSON reader for configuration documents (the rules file) and for batch events.
// The per-transaction hot path does not use it: see TransactionScanner.swift.

/// A parsed JSON value. Objects keep their members in document order (duplicates are rejected by the parser).
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// An integer literal that fits in `Int` (no fraction, no exponent).
    case int(Int)
    /// Any other number.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// A short name of the value's JSON type, for error messages.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Why a JSON document could not be parsed, with the byte offset where it went wrong.
struct JSONSyntaxError: Error, Sendable, Equatable {
    var message: String
    var offset: Int
}

/// Recursive-descent JSON parser over UTF-8 bytes (RFC 8259: no comments, no trailing commas, no NaN).
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0
    private static let maxDepth = 64

    /// Parses one complete JSON document (surrounding whitespace allowed, nothing else).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.i != bytes.count { throw parser.fail("unexpected data after the JSON value") }
        return value
    }

    /// Parses a JSON document held in a `String`.
    static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var copy = text
        let result: Result<JSONValue, JSONSyntaxError> = copy.withUTF8 { buffer in
            do throws(JSONSyntaxError) { return .success(try parse(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private func fail(_ message: String) -> JSONSyntaxError { JSONSyntaxError(message: message, offset: i) }

    private mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard i < bytes.count else { throw fail("unexpected end of JSON") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""):
            var scratch: [UInt8] = []
            var position = i
            do throws(JSONStringError) {
                try JSONStringDecoder.decode(bytes, at: &position, into: &scratch)
            } catch {
                i = position
                throw fail(error.message)
            }
            i = position
            return .string(String(decoding: scratch, as: UTF8.self))
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard i + count <= bytes.count else { throw fail("unexpected end of JSON") }
        for k in 0..<count where bytes[i + k] != literal.utf8Start[k] { throw fail("invalid literal") }
        i += count
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw fail("invalid number") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        var isInteger = true
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("invalid number: digits expected after '.'") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("invalid number: digits expected in exponent") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        if isInteger, let value = Int(text) { return .int(value) }
        guard let value = Double(text), value.isFinite else { throw fail("number out of range") }
        return .double(value)
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maxDepth { throw fail("JSON nested too deeply") }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        i += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard i < bytes.count else { throw fail("unexpected end of JSON in an array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw fail("expected ',' or ']' in an array")
        }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        i += 1
        var members: [(key: String, value: JSONValue)] = []
        var seen = Set<String>()
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            guard case .string(let key) = try parseValue() else { throw fail("expected a member name") }
            if !seen.insert(key).inserted { throw fail("duplicate member \"\(key)\"") }
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after a member name") }
            i += 1
            skipWhitespace()
            members.append((key, try parseValue()))
            skipWhitespace()
            guard i < bytes.count else { throw fail("unexpected end of JSON in an object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw fail("expected ',' or '}' in an object")
        }
    }
}

@inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

/// Why a JSON string literal could not be decoded.
struct JSONStringError: Error, Sendable {
    var message: String
}

/// Decodes JSON string literals (the hot path shares this with the configuration parser).
enum JSONStringDecoder {
    /// Decodes the string literal whose opening quote is at `position`, appending its UTF-8 to `output`.
    /// On return `position` is just past the closing quote. Validates UTF-8, rejects raw control characters,
    /// unknown escapes and unpaired surrogates.
    @inline(__always)
    static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int, into output: inout [UInt8]
    ) throws(JSONStringError) {
        var i = position + 1
        let end = bytes.count
        defer { position = i }
        while i < end {
            // Copy the longest run of plain ASCII in one go.
            let runStart = i
            while i < end {
                let b = bytes[i]
                if b == 0x22 || b == 0x5C || b < 0x20 || b >= 0x80 { break }
                i += 1
            }
            if i > runStart { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            guard i < end else { break }
            let b = bytes[i]
            if b == 0x22 { i += 1; return }
            if b < 0x20 { throw JSONStringError(message: "control character in a string (must be escaped)") }
            if b == 0x5C {
                guard i + 1 < end else { break }
                let e = bytes[i + 1]
                i += 2
                switch e {
                case 0x22, 0x5C, 0x2F: output.append(e)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    appendUTF8(try unicodeEscape(bytes, at: &i), to: &output)
                default:
                    throw JSONStringError(message: "invalid escape sequence in a string")
                }
                continue
            }
            // Multi-byte UTF-8: validate and copy one scalar.
            let length = try validateUTF8Scalar(bytes, at: i)
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<(i + length)]))
            i += length
        }
        throw JSONStringError(message: "unterminated string")
    }

    /// ``decode(_:at:into:)-(_,_,[UInt8])`` writing through a pointer: appends the string's UTF-8 at
    /// `output + count` and advances `count`. The caller guarantees room for as many bytes as the literal has
    /// (a decoded string is never longer than its JSON literal). Same validation, same errors.
    @inline(__always)
    static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int, into output: UnsafeMutablePointer<UInt8>,
        count: inout Int
    ) throws(JSONStringError) {
        var i = position + 1
        var o = count
        let end = bytes.count
        let input = bytes.baseAddress!
        defer {
            position = i
            count = o
        }
        @inline(__always) func put(_ byte: UInt8) {
            output[o] = byte
            o += 1
        }
        while i < end {
            // Copy the longest run of plain ASCII in one go, found eight bytes at a time.
            let runStart = i
            i = plainASCIIRunEnd(input, from: i, end: end)
            if i > runStart {
                (output + o).update(from: input + runStart, count: i - runStart)
                o += i - runStart
            }
            guard i < end else { break }
            let b = input[i]
            if b == 0x22 { i += 1; return }
            if b < 0x20 { throw JSONStringError(message: "control character in a string (must be escaped)") }
            if b == 0x5C {
                guard i + 1 < end else { break }
                let e = input[i + 1]
                i += 2
                switch e {
                case 0x22, 0x5C, 0x2F: put(e)
                case UInt8(ascii: "b"): put(0x08)
                case UInt8(ascii: "f"): put(0x0C)
                case UInt8(ascii: "n"): put(0x0A)
                case UInt8(ascii: "r"): put(0x0D)
                case UInt8(ascii: "t"): put(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try unicodeEscape(bytes, at: &i)
                    switch scalar {
                    case 0..<0x80:
                        put(UInt8(scalar))
                    case 0x80..<0x800:
                        put(UInt8(0xC0 | (scalar >> 6)))
                        put(UInt8(0x80 | (scalar & 0x3F)))
                    case 0x800..<0x10000:
                        put(UInt8(0xE0 | (scalar >> 12)))
                        put(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                        put(UInt8(0x80 | (scalar & 0x3F)))
                    default:
                        put(UInt8(0xF0 | (scalar >> 18)))
                        put(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
                        put(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                        put(UInt8(0x80 | (scalar & 0x3F)))
                    }
                default:
                    throw JSONStringError(message: "invalid escape sequence in a string")
                }
                continue
            }
            // Multi-byte UTF-8: validate and copy one scalar.
            let length = try validateUTF8Scalar(bytes, at: i)
            for k in 0..<length { output[o + k] = input[i + k] }
            o += length
            i += length
        }
        throw JSONStringError(message: "unterminated string")
    }

    /// The scalar of a `\\uXXXX` escape whose hex digits start at `i` (a UTF-16 surrogate pair taking a second
    /// escape), advancing `i` past it. Unpaired surrogates are errors.
    @inline(__always)
    private static func unicodeEscape(_ bytes: UnsafeBufferPointer<UInt8>, at i: inout Int) throws(JSONStringError)
        -> UInt32
    {
        var scalar = try hex4(bytes, at: i)
        i += 4
        if scalar >= 0xD800 && scalar <= 0xDBFF {
            guard i + 6 <= bytes.count, bytes[i] == 0x5C, bytes[i + 1] == UInt8(ascii: "u") else {
                throw JSONStringError(message: "unpaired surrogate in a \\u escape")
            }
            let low = try hex4(bytes, at: i + 2)
            guard low >= 0xDC00 && low <= 0xDFFF else {
                throw JSONStringError(message: "unpaired surrogate in a \\u escape")
            }
            i += 6
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
            throw JSONStringError(message: "unpaired surrogate in a \\u escape")
        }
        return scalar
    }

    @inline(__always)
    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) throws(JSONStringError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw JSONStringError(message: "truncated \\u escape") }
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = bytes[i + k]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw JSONStringError(message: "invalid hex digit in a \\u escape")
            }
            value = value << 4 | digit
        }
        return value
    }
}

/// The index of the first byte at or after `start` that ends a plain run inside a JSON string (`"`, `\\`, a
/// control character or a non-ASCII byte), or `end`. Eight bytes at a time: for each test, the lowest flagged
/// byte of a word is always a true hit (false positives only appear above a true one).
@inline(__always)
func plainASCIIRunEnd(_ input: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int {
    var i = start
    let raw = UnsafeRawPointer(input)
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    while i + 8 <= end {
        let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        let quote = x ^ 0x2222_2222_2222_2222
        let backslash = x ^ 0x5C5C_5C5C_5C5C_5C5C
        let flagged =
            ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | (x &- 0x2020_2020_2020_2020) | x
        let hits = flagged & highs
        if hits != 0 { return i + hits.trailingZeroBitCount / 8 }
        i += 8
    }
    while i < end {
        let b = input[i]
        if b == 0x22 || b == 0x5C || b < 0x20 || b >= 0x80 { break }
        i += 1
    }
    return i
}

/// Appends the UTF-8 encoding of a Unicode scalar value.
@inline(__always)
func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        output.append(UInt8(scalar))
    case 0x80..<0x800:
        output.append(UInt8(0xC0 | (scalar >> 6)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
    case 0x800..<0x10000:
        output.append(UInt8(0xE0 | (scalar >> 12)))
        output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
    default:
        output.append(UInt8(0xF0 | (scalar >> 18)))
        output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
        output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
    }
}

/// Validates the multi-byte UTF-8 sequence starting at `i` (its first byte is >= 0x80) and returns its length.
@inline(__always)
func validateUTF8Scalar(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) throws(JSONStringError) -> Int {
    let b0 = bytes[i]
    let end = bytes.count
    @inline(__always) func cont(_ k: Int) -> Bool { i + k < end && bytes[i + k] & 0xC0 == 0x80 }
    switch b0 {
    case 0xC2...0xDF:
        if cont(1) { return 2 }
    case 0xE0...0xEF:
        if cont(1) && cont(2) {
            let b1 = bytes[i + 1]
            if b0 == 0xE0 && b1 < 0xA0 { break }  // overlong
            if b0 == 0xED && b1 >= 0xA0 { break }  // surrogate
            return 3
        }
    case 0xF0...0xF4:
        if cont(1) && cont(2) && cont(3) {
            let b1 = bytes[i + 1]
            if b0 == 0xF0 && b1 < 0x90 { break }
            if b0 == 0xF4 && b1 >= 0x90 { break }
            return 4
        }
    default:
        break
    }
    throw JSONStringError(message: "invalid UTF-8 in a string")
}
