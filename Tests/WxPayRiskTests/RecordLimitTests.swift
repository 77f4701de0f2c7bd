import Testing
@testable import WxPayRisk

/// Bounded memory on untrusted input: records over the limit are skipped, answered once, and the stream goes on;
/// nesting is capped.
@Suite("risk-batch limits: record size, nesting depth")
struct RecordLimitTests {
    static let good = #"{"id":"t1","amount":1999,"currency":"CNY","description":"咖啡","user_openid":"o1","created_at":"2026-11-23T18:25:00+08:00","type":"payment"}"#
    static let limit = 1024

    /// A transaction line of exactly `bytes` bytes (its description padded).
    static func line(id: String, bytes: Int) -> String {
        let head = #"{"id":""# + id + #"","amount":1,"currency":"CNY","user_openid":"o","created_at":"2026-11-23T18:25:00Z","type":"payment","description":""#
        let tail = #""}"#
        return head + String(repeating: "a", count: bytes - head.utf8.count - tail.utf8.count) + tail
    }

    func code(_ line: String) throws -> String? { try json(line)["error"]?["code"]?.string }

    @Test("NDJSON: a line over the limit is one RECORD_TOO_LARGE line, in place, whatever the chunking")
    func ndjsonLines() throws {
        let input = [Self.good, Self.line(id: "big", bytes: 50_000), Self.line(id: "edge", bytes: Self.limit),
                     Self.line(id: "over", bytes: Self.limit + 1), Self.good].joined(separator: "\n") + "\n"
        for chunk in [1, 7, 100, 1023, 1024, 1025, 4096, 1 << 20] {
            let (lines, processor) = process(input, chunk: chunk, maxRecordBytes: Self.limit)
            try #require(lines.count == 5, "chunk \(chunk): \(lines)")
            #expect(try json(lines[0])["id"]?.string == "t1")
            #expect(try code(lines[1]) == "RECORD_TOO_LARGE")
            #expect(try json(lines[1])["id"] == .null)
            #expect(try json(lines[1])["error"]?["retryable"] == .bool(false))
            #expect(try json(lines[2])["id"]?.string == "edge", "a line of exactly the limit is read")
            #expect(try code(lines[2]) == nil)
            #expect(try code(lines[3]) == "RECORD_TOO_LARGE", "one byte over the limit is not")
            #expect(try json(lines[4])["id"]?.string == "t1")
            #expect(processor.scorer.summary.records == 5 && processor.scorer.summary.errors == 2)
        }
    }

    @Test("A first line over the limit, and a last one without a line feed, are too large; the rest is read")
    func firstAndLast() throws {
        let big = String(repeating: "x", count: 10_000)
        for chunk in [1, 7, 4096] {
            var (lines, _) = process(Self.line(id: "big", bytes: 9_000) + "\n" + Self.good + "\n" + big,
                                     chunk: chunk, maxRecordBytes: Self.limit)
            try #require(lines.count == 3, "\(lines)")
            #expect(try code(lines[0]) == "RECORD_TOO_LARGE")
            #expect(try json(lines[1])["id"]?.string == "t1")
            #expect(try code(lines[2]) == "RECORD_TOO_LARGE")
            // A first line that looks like the start of a multi-line document but is too long.
            (lines, _) = process(#"{"id":""# + big + #"", "x": {"# + "\n" + Self.good + "\n", chunk: chunk,
                                 maxRecordBytes: Self.limit)
            try #require(lines.count == 2, "\(lines)")
            #expect(try code(lines[0]) == "RECORD_TOO_LARGE")
            #expect(try json(lines[1])["id"]?.string == "t1")
        }
    }

    @Test("A pretty-printed single transaction longer than the limit is one RECORD_TOO_LARGE (held as a document)")
    func longPrettyTransaction() throws {
        let pretty = "{\n \"id\": \"p1\", \"amount\": 100, \"currency\": \"CNY\",\n \"description\": \""
            + String(repeating: "d", count: 3000) + "\",\n \"user_openid\": \"o\", \"created_at\": \"2026-11-23T18:25:00Z\", \"type\": \"refund\"\n}\n"
        let (lines, _) = process(pretty, maxRecordBytes: Self.limit)
        #expect(lines.count == 1)
        #expect(try code(lines[0]) == "RECORD_TOO_LARGE")
        let (read, _) = process(pretty, maxRecordBytes: 4096)
        #expect(try json(read[0])["id"]?.string == "p1")
    }

    @Test("A single-line batch event longer than the limit is still a batch event (transactions comes early)")
    func longBatchEvent() throws {
        let many = Array(repeating: Self.good, count: 40).joined(separator: ",")
        let input = #"{"transactions":["# + many + "]}\n" + Self.good + "\n"
        #expect(input.utf8.count > 4 * Self.limit)
        for chunk in [7, 4096] {
            let (lines, processor) = process(input, chunk: chunk, maxRecordBytes: Self.limit)
            try #require(lines.count == 2, "\(lines.map { $0.prefix(200) })")
            #expect(try json(lines[0])["results"]?.array?.count == 40)
            #expect(processor.answeredBatch)
            #expect(try json(lines[1])["id"]?.string == "t1", "NDJSON goes on after it, as after a short one")
        }
        // A batch element over the limit is answered RECORD_TOO_LARGE inside the results.
        let withBig = #"{"transactions":["# + Self.good + "," + Self.line(id: "big", bytes: 5000) + "," + Self.good + "]}"
        let (lines, _) = process(withBig, maxRecordBytes: Self.limit)
        let results = try #require(try json(lines[0])["results"]?.array)
        #expect(results.count == 3)
        #expect(results[1]["error"]?["code"]?.string == "RECORD_TOO_LARGE")
        #expect(results[2]["id"]?.string == "t1")
    }

    @Test("Array mode: an element over the limit is skipped (strings and nesting still tracked), the rest is read")
    func arrayElements() throws {
        // The big element holds brackets, commas and escaped quotes inside strings, and nested arrays.
        let tricky = #"{"id":"big","description":"],[,\"]\\","x":[[1,2],{"y":"}]"}],"pad":""# + String(repeating: "z", count: 5000) + #""}"#
        let input = "[\n" + [Self.good, tricky, Self.line(id: "edge", bytes: Self.limit), Self.good].joined(separator: ",\n") + "\n]\n"
        for chunk in [1, 7, 100, 4096] {
            let (lines, processor) = process(input, chunk: chunk, maxRecordBytes: Self.limit)
            try #require(lines.count == 4, "chunk \(chunk): \(lines)")
            #expect(try json(lines[0])["id"]?.string == "t1")
            #expect(try code(lines[1]) == "RECORD_TOO_LARGE")
            #expect(try json(lines[2])["id"]?.string == "edge")
            #expect(try json(lines[3])["id"]?.string == "t1")
            #expect(processor.scorer.summary.errors == 1)
        }
        // Unclosed array ending inside a big element: one RECORD_TOO_LARGE, then the unclosed-array error.
        let (lines, _) = process("[" + Self.good + "," + tricky, maxRecordBytes: Self.limit)
        #expect(lines.count == 3)
        #expect(try code(lines[1]) == "RECORD_TOO_LARGE")
        #expect(try json(lines[2])["error"]?["message"]?.string == "the JSON array ended without ']'")
    }

    @Test("The record limit from outside: digits only, 1 KiB to 64 MiB, no overflow",
          arguments: [
              ("1048576", 1_048_576), ("1024", 1024), ("67108864", 67_108_864), ("1023", nil), ("67108865", nil),
              ("0", nil), ("", nil), ("-1", nil), ("+2048", nil), (" 2048", nil), ("2048 ", nil), ("2k", nil),
              ("1e6", nil), ("99999999999999999999", nil), ("18446744073709551617", nil), ("0000002048", 2048),
              ("00000002048", nil), ("２０４８", nil),
          ] as [(String, Int?)])
    func parseLimit(text: String, expected: Int?) {
        #expect(RiskInputSplitter.parseMaxRecordBytes(text) == expected)
    }

    @Test("100,000 nested brackets: every JSON reader answers its normal error (no crash, no stack overflow)")
    func deepNesting() throws {
        let deep = String(repeating: "[", count: 100_000)
        // The rules reader (JSONParser).
        #expect(throws: RiskRulesError.self) { try RiskRules.parse(json: Array(deep.utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
        // The transaction scanner (a member it skips, one it reads), after a first line that sets NDJSON mode.
        let first = Self.good + "\n"
        var (lines, _) = process(first + #"{"id":"d1","extra":"# + deep + "\n" + Self.good + "\n", chunk: 4096)
        try #require(lines.count == 3)
        #expect(try code(lines[1]) == "BAD_TRANSACTION")
        #expect(try json(lines[1])["id"]?.string == "d1")
        #expect(try json(lines[2])["id"]?.string == "t1")
        (lines, _) = process(first + #"{"id":"d2","attach":"# + deep + "\n", chunk: 4096)
        #expect(try code(lines[1]) == "BAD_TRANSACTION")
        (lines, _) = process(first + deep + "\n" + Self.good, chunk: 4096)
        #expect(try code(lines[1]) == "BAD_TRANSACTION")
        #expect(try json(lines[2])["id"]?.string == "t1")
        // Array mode: the element never closes.
        (lines, _) = process("[" + deep, chunk: 4096)
        #expect(lines.count == 2)
        #expect(try code(lines[0]) == "BAD_TRANSACTION")
        // A batch event whose transactions nest deeply, on one line and pretty-printed, closed or not.
        for input in [#"{"transactions":"# + deep, "{\n\"transactions\": " + deep,
                      #"{"transactions":"# + deep + String(repeating: "]", count: 100_000) + "}"] {
            let (answer, processor) = process(input, chunk: 4096)
            #expect(answer.count == 1, "\(answer.map { $0.prefix(200) })")
            #expect(processor.scorer.summary.errors == 1 || processor.answeredBatch)
        }
    }
}
