import FoundationEssentials

/// Any JSON value. `FoundationEssentials` has no `JSONSerialization`, so free-form JSON (envelopes, decrypted
/// resources, `attach` data) goes through this Codable type.
public enum JSONValue: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    /// An integer that fits in 64 bits (amounts in fen always do).
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `key` of an object, or `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The string payload, or `nil`.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The integer payload (also an integral double), or `nil`.
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e15: return Int64(d)
        default: return nil
        }
    }
    /// The boolean payload, or `nil`.
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// The object payload, or `nil`.
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o } else { return nil } }
    /// The array payload, or `nil`.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    /// Whether this is `null`.
    public var isNull: Bool { self == .null }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
}

/// The project's one JSON configuration: sorted keys (stable output), no escaped slashes.
public enum JSONCoding {
    /// Encodes `value` to compact JSON bytes.
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        // JSON values (envelopes, answers, events, log lines) skip Codable: JSONWriter writes the same bytes.
        if let json = value as? JSONValue { return try bytes(json) }
        if let members = value as? [String: JSONValue] { return try bytes(.object(members)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Encodes `value` to a compact JSON string.
    public static func string(_ value: some Encodable) throws -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }

    /// The deepest nesting of arrays and objects accepted when decoding. Legitimate documents nest a few levels
    /// (an API Gateway envelope around a tool call around `attach` data: under 10); Foundation's decoder allows
    /// 512 and recurses once per level, so untrusted input is refused here first, in one pass without recursion.
    public static let maxDepth = 64

    /// Decodes `T` from JSON bytes.
    /// - Throws: `DecodingError.dataCorrupted` when the bytes nest deeper than ``maxDepth``, or Foundation's
    ///   decoding errors.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some Sequence<UInt8>) throws -> T {
        if T.self == JSONValue.self { return try value(from: bytes) as! T }
        let data = Data(bytes)
        if !JSONDepth.isWithin(maxDepth, data) {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "the JSON nests deeper than \(maxDepth) levels"))
        }
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Decodes `bytes` as a free-form JSON value (``JSONReader``: no Codable on the way).
    /// - Throws: `DecodingError.dataCorrupted` naming what is wrong and where, as for typed values.
    public static func value(from bytes: some Sequence<UInt8>) throws -> JSONValue {
        do throws(JSONReadError) {
            return try JSONReader.parse(bytes)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: error.description))
        }
    }

    /// The compact JSON bytes of a JSON value (``JSONWriter``).
    /// - Throws: `EncodingError.invalidValue` for NaN or an infinity, as JSONEncoder.
    private static func bytes(_ value: JSONValue) throws -> [UInt8] {
        do throws(JSONWriter.NonFiniteNumber) {
            return try JSONWriter.bytes(value)
        } catch {
            throw EncodingError.invalidValue(value, .init(codingPath: [],
                                                          debugDescription: "JSON has no NaN or infinite numbers"))
        }
    }
}

/// Nesting depth of JSON text, measured without parsing (strings skipped, escapes honoured).
public enum JSONDepth {
    /// Whether no array or object in `bytes` lies deeper than `limit` levels. Malformed text is not judged here
    /// (the parser refuses it); only its brackets outside strings are counted.
    public static func isWithin(_ limit: Int, _ bytes: some Sequence<UInt8>) -> Bool {
        var depth = 0
        var inString = false
        var escape = false
        for c in bytes {
            if inString {
                if escape { escape = false } else if c == 0x5C { escape = true } else if c == 0x22 { inString = false }
                continue
            }
            switch c {
            case 0x22: inString = true
            case 0x5B, 0x7B:
                depth += 1
                if depth > limit { return false }
            case 0x5D, 0x7D: depth -= 1
            default: break
            }
        }
        return true
    }
}
