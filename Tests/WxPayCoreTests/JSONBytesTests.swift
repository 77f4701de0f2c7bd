import FoundationEssentials
import KitCore
import Testing

/// KitCore's byte-level JSON reader and writer against what Foundation's JSONDecoder / JSONEncoder (the project's
/// JSON before them, still JSONValue's Codable conformance) give for the same bytes and values.
@Suite("JSONReader / JSONWriter: the same values and bytes as Foundation's JSON")
struct JSONBytesTests {
    /// Foundation's reading of `bytes` as a JSONValue, or nil when it refuses them.
    static func foundationValue(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// Foundation's bytes for `value` with the project's options.
    static func foundationBytes(_ value: JSONValue) -> [UInt8]? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { Array($0) }
    }

    /// Whether the text has a comma followed (after whitespace) by `]` or `}` outside strings: JSONDecoder takes
    /// such trailing commas, the reader (RFC 8259) does not.
    static func hasTrailingComma(_ bytes: [UInt8]) -> Bool {
        var inString = false, escape = false, afterComma = false
        for c in bytes {
            if inString {
                if escape { escape = false } else if c == 0x5C { escape = true } else if c == 0x22 { inString = false }
                continue
            }
            switch c {
            case 0x22: inString = true; afterComma = false
            case 0x2C: afterComma = true
            case 0x5D, 0x7D: if afterComma { return true }
            case 0x20, 0x09, 0x0A, 0x0D: break
            default: afterComma = false
            }
        }
        return false
    }

    /// Checks one input: the reader accepts exactly what Foundation accepts (but for the documented differences),
    /// gives the same value, and the writer gives Foundation's bytes for it.
    static func agree(_ bytes: [UInt8], _ label: String) {
        let ours = try? JSONReader.parse(bytes)
        let theirs = foundationValue(bytes)
        switch (ours, theirs) {
        case (let a?, let b?):
            #expect(a == b, "\(label): values differ")
            #expect((try? JSONWriter.bytes(a)) == foundationBytes(a), "\(label): written bytes differ")
        case (nil, let b?):
            // The documented differences: trailing commas, nesting deeper than JSONCoding.maxDepth, and text that is
            // not UTF-8 (JSONDecoder guesses UTF-16/32 from NUL bytes, and skips a later duplicate member unchecked).
            let notUTF8 = bytes.contains(0) || String(validating: bytes, as: UTF8.self) == nil
            let known = hasTrailingComma(bytes) || !JSONDepth.isWithin(JSONCoding.maxDepth, bytes) || notUTF8
            #expect(known, "\(label): Foundation reads it as \(b), the reader refuses it")
        case (let a?, nil):
            Issue.record("\(label): the reader takes \(a), Foundation refuses it")
        case (nil, nil):
            break
        }
    }

    static let edgeCases: [String] = [
        #"{"a":1,"a":2}"#, #"{"a":{"b":1},"a":2}"#, "1.0", "1e2", "-0", "-0.0", "1E400", "-1E400", "1e-400", "-1e-400",
        "12345678901234567890", "-9223372036854775808", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "9223372036854775807.0", "-9223372036854775808.0", "9223372036854775000.0",
        "9223372036854774784", "9223372036854774784.0", "9007199254740993.0", "9007199254740993e0",
        "123456789012345678.0", "4.0000000000000000001", "1.00000000000000000000000000000000000001e2", "0.5e1",
        "1e1000", "1E+2", "1e+2", "1.e1", "1e", "00", "-01", "0e0", "0e99999999999", "0.0e-99999999999", "[1e309]",
        "0.1", "1.5e300", "-0.5", "18446744073709551615", "2.5E-3", "100e-2", "1.0e1", "1e19", "9.2e18", "-1e0",
        "5e-324", "1.7976931348623157e308", "1.7976931348623159e308", "123456789012345678901234567890",
        "true", "false", "null", "1", "0", " 1 ", "", " ", "01", "1.", ".5", "+1", "-", "NaN", "Infinity", "tru",
        "truex", "nul", "[true false]", "1 2", "[1,]", #"{"a":1,}"#, #"["a",,]"#, "[,]", "{,}", #"{"a"}"#,
        #"{"a":}"#, "{1:2}", "[", "]", "{", "}", "[]", "{}", "[[]]", #"{"":{}}"#, "\u{FEFF}1", "\u{FEFF}", "1\u{FEFF}",
        #""\ud800""#, #""\ud800\udc00""#, #""\udc00""#, #""\uD800\u0041""#, #""\uD834\uDD1E""#, #""\u00E9""#,
        #""\u0000""#, #""\u001f""#, "\"a\tb\"", "\"a\nb\"", #""\/""#, #""\x""#, #""\u12""#, #""\u12G4""#, #""abc"#,
        "\"\u{7F}\"", "\"\u{2028}\"", "\"\u{FFFF}\"", "\"é😀中\"", #""a\"b\\c\/d\b\f\n\r\t""#,
        "[1 , 2]", #"{ "a" : 1 }"#, "\r\n[\t1]\n", "\u{0B}1", "[1]x", #"{"b":1,"a":[1,2.5,"x",null,true,{}]}"#,
        #"{"e\u0301":1,"f":2,"é":3}"#, #"{"Z":1,"a":2,"_":3,"~":4,"ｚ":5,"😀":6,"":7}"#,
    ]

    @Test("Hand-written edge cases: numbers, strings, escapes, duplicates, structure")
    func edgeCasesAgree() {
        for text in Self.edgeCases { Self.agree(Array(text.utf8), text.debugDescription) }
    }

    @Test("Invalid UTF-8 is refused, like Foundation does")
    func invalidUTF8() {
        let cases: [[UInt8]] = [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
                                [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],
                                [0x22, 0xE0, 0x80, 0xAF, 0x22], [0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], [0x22, 0x80, 0x22],
                                [0x22, 0xC3, 0xA9, 0x22], [0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22]]
        for bytes in cases { Self.agree(bytes, "\(bytes)") }
        #expect(throws: JSONReadError.self) { try JSONReader.parse([0x22, 0xFF, 0x22]) }
    }

    @Test("Nesting: 64 levels read, 65 refused (JSONCoding.maxDepth), in arrays and objects")
    func depth() throws {
        let deep = Array(String(repeating: "[", count: 64).utf8) + Array(String(repeating: "]", count: 64).utf8)
        #expect(try JSONCoding.value(from: deep) == Self.foundationValue(deep))
        let deeper = [0x5B] + deep + [0x5D]
        #expect(throws: DecodingError.self) { try JSONCoding.value(from: deeper) }
        let objects = Array((String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)).utf8)
        #expect(throws: DecodingError.self) { try JSONCoding.value(from: objects) }
        let huge = Array(String(repeating: "[", count: 100_000).utf8)
        #expect(throws: DecodingError.self) { try JSONCoding.value(from: huge) }
    }

    @Test("The writer gives JSONEncoder's bytes for built values: escapes, doubles, key order")
    func writerAgrees() throws {
        var controls = ""
        for scalar in 0..<0x20 { controls.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        let doubles: [Double] = [0.1, 1e20, 1e-7, 1.5, -0.0, 0, 100, 1e16, 1e15, 1.2345678901234568e17, .leastNonzeroMagnitude,
                                 1.7976931348623157e308, 0.000001, 1e21, 1e22, 3.0e-5, 2.5, 1.0 / 3, 9007199254740992,
                                 -1e300, 4.35, 1999.99]
        let values: [JSONValue] = [
            .string(controls), .string("a\"b\\c/d\u{7F}é\u{2028}😀 中文"), .string("e\u{301}"),
            .object(["b": 1, "a": 2, "B": 3, "a10": 4, "a9": 5, "é": 6, "f": 8, "": 9, "ｚ": 10, "😀": 11]),
            .array(doubles.map(JSONValue.double)), .array([.int(.min), .int(.max), .int(0), .int(-1), .int(10)]),
            .array([.null, .bool(true), .bool(false), .object([:]), .array([])]),
            ["nested": ["deeper": [1, "two", ["three": nil]]]],
        ]
        for value in values {
            #expect(try JSONWriter.bytes(value) == Self.foundationBytes(value), "\(value)")
            #expect(try JSONCoding.encode(value) == Self.foundationBytes(value))
        }
        #expect(throws: EncodingError.self) { try JSONCoding.encode(JSONValue.double(.nan)) }
        #expect(throws: EncodingError.self) { try JSONCoding.encode(JSONValue.array([.double(.infinity)])) }
    }

    @Test("Every fuzz seed (Fuzz/corpus): the reader and the writer agree with Foundation")
    func fuzzCorpus() throws {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let root = (parts + ["Fuzz", "corpus"]).joined(separator: "/")
        let targets = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
        #expect(targets.count >= 10)
        var inputs = 0, accepted = 0
        for target in targets {
            let directory = root + "/" + target
            for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
                guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { continue }
                let bytes = Array(data)
                var pieces: [[UInt8]] = [bytes]
                // The notification seeds are header lines, a NUL, then the body; NDJSON seeds are lines.
                if let nul = bytes.firstIndex(of: 0) { pieces.append(Array(bytes[(nul + 1)...])) }
                if target.hasSuffix("ndjson") {
                    pieces += bytes.split(separator: 0x0A, omittingEmptySubsequences: true).map(Array.init)
                }
                for piece in pieces {
                    inputs += 1
                    if (try? JSONReader.parse(piece)) != nil { accepted += 1 }
                    Self.agree(piece, "\(target)/\(name)")
                }
            }
        }
        #expect(inputs > 1000)
        #expect(accepted > 500)
    }

    @Test("JSONCoding routes JSON values through the reader and writer; typed values still decode")
    func codingRoutes() throws {
        let text = #"{"amount":{"total":100},"attach":"{\"ik\":\"k\"}","ok":true}"#
        let value = try JSONCoding.value(from: Array(text.utf8))
        #expect(try JSONCoding.decode(JSONValue.self, from: Array(text.utf8)) == value)
        #expect(try JSONCoding.string(value) == text)
        #expect(try JSONCoding.encode(value.objectValue!) == Array(text.utf8))
        struct Typed: Decodable, Equatable { var ok: Bool; var amount: [String: Int] }
        #expect(try JSONCoding.decode(Typed.self, from: Array(text.utf8)) == Typed(ok: true, amount: ["total": 100]))
        let error = #expect(throws: DecodingError.self) { try JSONCoding.value(from: Array(#"{"a":tru}"#.utf8)) }
        if case .dataCorrupted(let context)? = error { #expect(context.debugDescription.contains("at byte 5")) }
    }
}
