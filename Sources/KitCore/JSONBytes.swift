// JSON text <-> JSONValue straight from and to UTF-8 bytes, without Foundation's Codable machinery: the hot path of
// every envelope, notification, answer and log line. `JSONCoding.value(from:)` and `JSONCoding.encode(_:)` of a
// JSONValue use these; typed values still go through JSONDecoder / JSONEncoder.
//
// Compatibility with what Foundation did before (Tests/KitCoreTests/JSONBytesTests.swift compares both):
// - the writer's bytes are JSONEncoder's with [.sortedKeys, .withoutEscapingSlashes]: keys in UTF-8 byte order,
//   `"` `\` and control characters escaped (\b \t \n \f \r, others \u00xx), `/`, DEL and non-ASCII as is, integral
//   doubles without ".0" (`Double.description` otherwise), NaN and infinities refused;
// - the reader gives the same value: the first of duplicate members wins, a leading byte order mark is skipped,
//   a number is `.int` when it is an integer (also `1.0`, `1e2`) that fits in Int64 and `.double` otherwise,
//   numbers out of Double's range, invalid UTF-8, raw control characters and unpaired surrogates are refused.
//   Unlike JSONDecoder it is strict RFC 8259 about trailing commas (`[1,]` is refused), it reads UTF-8 only
//   (JSONDecoder also guessed UTF-16/32 from NUL bytes) and refuses invalid UTF-8 anywhere (JSONDecoder let it pass
//   in a later duplicate member, which it skipped), and it refuses nesting deeper than ``JSONCoding/maxDepth`` itself.

/// Why JSON text could not be read: what and the byte offset.
public struct JSONReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "\(message) at byte \(offset)" }
}

/// Reads one JSON document from UTF-8 bytes into a ``JSONValue`` (RFC 8259).
public struct JSONReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0
    private var scratch: [UInt8] = []

    /// Parses one complete document (surrounding whitespace allowed, nothing else).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONReadError) -> JSONValue {
        var reader = JSONReader(bytes: bytes)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { reader.i = 3 }
        reader.skipWhitespace()
        let value = try reader.parseValue()
        reader.skipWhitespace()
        if reader.i != bytes.count { throw reader.fail("unexpected data after the JSON value") }
        return value
    }

    /// Parses one complete document held in any byte sequence.
    public static func parse(_ bytes: some Sequence<UInt8>) throws(JSONReadError) -> JSONValue {
        let result: Result<JSONValue, JSONReadError>? = bytes.withContiguousStorageIfAvailable { buffer in
            do throws(JSONReadError) { return .success(try parse(buffer)) } catch { return .failure(error) }
        }
        if let result { return try result.get() }
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(JSONReadError) -> JSONValue in try parse(buffer) }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private func fail(_ message: String) -> JSONReadError { JSONReadError(message: message, offset: i) }

    @inline(__always)
    private mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONReadError) -> JSONValue {
        guard i < bytes.count else { throw fail("unexpected end of JSON") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONReadError) {
        let count = literal.utf8CodeUnitCount
        guard i + count <= bytes.count else { throw fail("unexpected end of JSON") }
        for k in 0..<count where bytes[i + k] != literal.utf8Start[k] { throw fail("invalid literal") }
        i += count
    }

    private mutating func enter() throws(JSONReadError) {
        depth += 1
        if depth > JSONCoding.maxDepth { throw fail("the JSON nests deeper than \(JSONCoding.maxDepth) levels") }
    }

    private mutating func parseArray() throws(JSONReadError) -> JSONValue {
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

    private mutating func parseObject() throws(JSONReadError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        i += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let key = try parseString()
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after a member name") }
            i += 1
            skipWhitespace()
            let value = try parseValue()
            // Duplicate members: the first wins (as JSONDecoder did).
            if members[key] == nil { members[key] = value }
            skipWhitespace()
            guard i < bytes.count else { throw fail("unexpected end of JSON in an object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw fail("expected ',' or '}' in an object")
        }
    }

    // MARK: Strings

    /// The string literal whose opening quote is at `i`; `i` ends past the closing quote.
    private mutating func parseString() throws(JSONReadError) -> String {
        let start = i + 1
        var k = start
        let end = bytes.count
        // Fast path: plain ASCII up to the closing quote.
        while k < end {
            let b = bytes[k]
            if b == 0x22 {
                i = k + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<k]), as: UTF8.self)
            }
            if b == 0x5C || b < 0x20 || b >= 0x80 { break }
            k += 1
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<k]))
        i = k
        while i < end {
            let b = bytes[i]
            if b == 0x22 {
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if b < 0x20 { throw fail("control character in a string (must be escaped)") }
            if b == 0x5C {
                guard i + 1 < end else { break }
                let e = bytes[i + 1]
                switch e {
                case 0x22, 0x5C, 0x2F: scratch.append(e)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    i += 2
                    JSONReader.appendUTF8(try unicodeEscape(), to: &scratch)
                    continue
                default:
                    throw fail("invalid escape sequence in a string")
                }
                i += 2
                continue
            }
            if b < 0x80 {
                scratch.append(b)
                i += 1
                continue
            }
            let length = try utf8ScalarLength()
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<(i + length)]))
            i += length
        }
        throw fail("unterminated string")
    }

    /// The scalar of the `\u` escape whose hex digits start at `i` (a surrogate pair takes a second escape).
    private mutating func unicodeEscape() throws(JSONReadError) -> UInt32 {
        var scalar = try hex4(at: i)
        i += 4
        if scalar >= 0xD800 && scalar <= 0xDBFF {
            guard i + 6 <= bytes.count, bytes[i] == 0x5C, bytes[i + 1] == UInt8(ascii: "u") else {
                throw fail("unpaired surrogate in a \\u escape")
            }
            let low = try hex4(at: i + 2)
            guard low >= 0xDC00 && low <= 0xDFFF else { throw fail("unpaired surrogate in a \\u escape") }
            i += 6
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
            throw fail("unpaired surrogate in a \\u escape")
        }
        return scalar
    }

    private func hex4(at offset: Int) throws(JSONReadError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = bytes[offset + k]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw fail("invalid hex digit in a \\u escape")
            }
            value = value << 4 | digit
        }
        return value
    }

    /// The length of the well-formed multi-byte UTF-8 sequence at `i` (no overlongs, surrogates or > U+10FFFF).
    private func utf8ScalarLength() throws(JSONReadError) -> Int {
        let b0 = bytes[i]
        let end = bytes.count
        func cont(_ k: Int) -> Bool { i + k < end && bytes[i + k] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            if cont(1) { return 2 }
        case 0xE0...0xEF:
            if cont(1) && cont(2) {
                let b1 = bytes[i + 1]
                if b0 == 0xE0 && b1 < 0xA0 { break }
                if b0 == 0xED && b1 >= 0xA0 { break }
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
        throw fail("invalid UTF-8 in a string")
    }

    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
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

    // MARK: Numbers

    private mutating func parseNumber() throws(JSONReadError) -> JSONValue {
        let start = i
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < bytes.count, JSONReader.isDigit(bytes[i]) else { throw fail("invalid number") }
        let intStart = i
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < bytes.count, JSONReader.isDigit(bytes[i]) { i += 1 }
        }
        let intEnd = i
        var fracStart = i, fracEnd = i
        var isInteger = true
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            fracStart = i
            guard i < bytes.count, JSONReader.isDigit(bytes[i]) else { throw fail("invalid number: digits expected after '.'") }
            while i < bytes.count, JSONReader.isDigit(bytes[i]) { i += 1 }
            fracEnd = i
        }
        var exponent = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            var expNegative = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < bytes.count, JSONReader.isDigit(bytes[i]) else { throw fail("invalid number: digits expected in exponent") }
            while i < bytes.count, JSONReader.isDigit(bytes[i]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[i] - 0x30) }
                i += 1
            }
            if expNegative { exponent = -exponent }
        }
        if isInteger, let value = JSONReader.integer(bytes, intStart..<intEnd, negative: negative) { return .int(value) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let double = Double(text), double.isFinite else { throw fail("number out of range") }
        // An integral number that fits in Int64 is an integer, as JSONDecoder read it: exactly when the text
        // is an integer ("9007199254740993.0"), else the double's value ("4.0000000000000000001" is 4).
        if double.rounded(.towardZero) == double, abs(double) < 9_223_372_036_854_775_808.0 {
            if let exact = JSONReader.exactInteger(bytes, int: intStart..<intEnd, fraction: fracStart..<fracEnd,
                                                   exponent: exponent, negative: negative)
            {
                return .int(exact)
            }
            return .int(Int64(double))
        }
        return .double(double)
    }

    @inline(__always) private static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// The integer literal's value, or nil when it does not fit in Int64.
    private static func integer(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, negative: Bool) -> Int64? {
        var magnitude: UInt64 = 0
        for k in range {
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(bytes[k] - 0x30))
            if o1 || o2 { return nil }
            magnitude = s
        }
        if negative {
            if magnitude <= UInt64(Int64.max) { return -Int64(magnitude) }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// The decimal's exact value when it is an integer that fits in Int64, else nil.
    private static func exactInteger(_ bytes: UnsafeBufferPointer<UInt8>, int: Range<Int>, fraction: Range<Int>,
                                     exponent: Int, negative: Bool) -> Int64?
    {
        var digits: [UInt8] = []
        for k in int { digits.append(bytes[k] - 0x30) }
        for k in fraction { digits.append(bytes[k] - 0x30) }
        var scale = exponent - fraction.count
        while scale < 0, digits.last == 0 {
            digits.removeLast()
            scale += 1
        }
        let significant = digits.drop { $0 == 0 }
        if significant.isEmpty { return 0 }
        if scale < 0 { return nil }
        if significant.count + scale > 19 { return nil }
        var magnitude: UInt64 = 0
        for d in significant { magnitude = magnitude * 10 + UInt64(d) }
        for _ in 0..<scale {
            let (m, o) = magnitude.multipliedReportingOverflow(by: 10)
            if o { return nil }
            magnitude = m
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return negative ? -Int64(magnitude) : Int64(magnitude)
    }
}

/// Writes a ``JSONValue`` as compact JSON bytes: the bytes JSONEncoder wrote with sorted keys and unescaped slashes.
public enum JSONWriter {
    /// Why a value cannot be written: a double that is NaN or infinite.
    public struct NonFiniteNumber: Error, Sendable {}

    /// The compact JSON bytes of `value`.
    /// - Throws: ``NonFiniteNumber`` for NaN and infinities (JSON has no such numbers).
    public static func bytes(_ value: JSONValue) throws(NonFiniteNumber) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        try write(value, into: &out)
        return out
    }

    /// Appends the compact JSON bytes of `value` to `out`.
    public static func write(_ value: JSONValue, into out: inout [UInt8]) throws(NonFiniteNumber) {
        switch value {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): b ? out.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
            : out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        case .int(let n): writeInteger(n, into: &out)
        case .double(let d):
            guard d.isFinite else { throw NonFiniteNumber() }
            var text = d.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            out.append(contentsOf: text.utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(0x5B)
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(0x2C) }
                try write(item, into: &out)
            }
            out.append(0x5D)
        case .object(let members):
            out.append(0x7B)
            // Keys in UTF-8 byte order (JSONEncoder's .sortedKeys; not String's < , which normalizes).
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (k, key) in keys.enumerated() {
                if k > 0 { out.append(0x2C) }
                writeString(key, into: &out)
                out.append(0x3A)
                try write(members[key]!, into: &out)
            }
            out.append(0x7D)
        }
    }

    static func writeInteger(_ n: Int64, into out: inout [UInt8]) {
        if n == 0 { out.append(0x30); return }
        if n < 0 { out.append(0x2D) }
        var magnitude = n.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch for the 19 or 20 digits, backwards
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while magnitude > 0 {
                raw[23 - count] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
                count += 1
            }
            out.append(contentsOf: raw[(24 - count)..<24])
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { utf8 in
            var runStart = 0
            for k in 0..<utf8.count {
                let b = utf8[k]
                guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
                if k > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<k])) }
                runStart = k + 1
                out.append(0x5C)
                switch b {
                case 0x22: out.append(0x22)
                case 0x5C: out.append(0x5C)
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                default:
                    out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hexDigits[Int(b >> 4)], hexDigits[Int(b & 0xF)]])
                }
            }
            if utf8.count > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count])) }
        }
        out.append(0x22)
    }
}
