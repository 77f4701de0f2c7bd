import Testing
@testable import WxPayRisk

@Suite("risk-batch core: scanner, splitter, answers")
struct BatchTests {
    let line1 = #"{"id":"t1","amount":1999,"currency":"CNY","description":"咖啡","user_openid":"o1","created_at":"2026-11-23T18:25:00+08:00","type":"payment"}"#
    let line2 = #"{"id":"t2","amount":1999,"currency":"CNY","description":"\u8d4c\u535a","user_openid":"o2","created_at":"2026-11-23T18:25:00+08:00","type":"payment","client_ip":null,"extra":{"a":[1,2,{"b":"c"}]}}"#

    @Test("NDJSON: one answer per line, in order, with escapes decoded")
    func ndjson() throws {
        let (lines, processor) = process(line1 + "\n" + line2 + "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == #"{"id":"t1","score":0,"action":"approve","reasons":[]}"#)
        let second = try json(lines[1])
        #expect(second["id"]?.string == "t2")
        #expect(second["action"]?.string == "block")
        #expect(second["reasons"]?.array?.first?["rule"]?.string == "prohibited_gambling")
        #expect(processor.scorer.summary.actions == [.approve: 1, .block: 1])
        #expect(processor.scorer.summary.rules == ["prohibited_gambling": 1])
    }

    @Test(
        "Malformed lines get BAD_TRANSACTION with the id when known, and the stream goes on",
        arguments: [
            (#"{"id":"b1","amount":19.99,"currency":"CNY","description":"x","user_openid":"o","created_at":"2026-11-23T18:25:00Z","type":"payment"}"#, "b1", "amount must be an integer"),
            (#"{"id":"b2","amount":1,"currency":"CNY","description":"x","user_openid":"o","created_at":"yesterday","type":"payment"}"#, "b2", "created_at must be an RFC 3339"),
            (#"{"id":"b3","amount":1,"currency":"CNY","description":"x","user_openid":"o","created_at":"2026-11-23T18:25:00Z","type":"gift"}"#, "b3", "type must be"),
            (#"{"id":"b4","amount":1,"currency":"CNY","user_openid":"o","created_at":"2026-11-23T18:25:00Z","type":"payment"}"#, "b4", "description is missing"),
            (#"{"id":"b5","amount":1,"amount":2}"#, "b5", "amount appears twice"),
            (#"{"amount":1,"id":"b6","description":"\ud800"}"#, "b6", "unpaired surrogate"),
            (#"{"amount":1,"description":"\ud800","id":"b7"}"#, "b7", "unpaired surrogate"),
            (#"{"id":"b8","amount":1"#, "b8", "unexpected end"),
            (#"not json"#, nil, "must be a JSON object"),
            (#"{"id":"b9","amount":0,"currency":"CNY","description":"x","user_openid":"o","created_at":"2026-11-23T18:25:00Z","type":"payment"}"#, "b9", "amount must be 1"),
            ("{\"id\":\"b10\",\"description\":\"tab\tinside\"}", "b10", "control character"),
        ] as [(String, String?, String)])
    func malformed(line: String, id: String?, message: String) throws {
        let (lines, processor) = process(line + "\n" + line1 + "\n")
        #expect(lines.count == 2)
        let error = try json(lines[0])
        #expect(error["id"]?.string == id)
        if id == nil { #expect(error["id"] == .null) }
        #expect(error["error"]?["code"]?.string == "BAD_TRANSACTION")
        #expect(error["error"]?["message"]?.string?.contains(message) == true, "\(lines[0])")
        #expect(error["error"]?["retryable"] == .bool(false))
        #expect(try json(lines[1])["id"]?.string == "t1")
        #expect(processor.scorer.summary.errors == 1 && processor.scorer.summary.records == 2)
    }

    @Test("Surrogate pairs decode to one scalar; ids are re-escaped safely")
    func escapes() throws {
        let line = #"{"id":"q\"\\\u0001\ud83d\ude00","amount":5,"currency":"CNY","description":"\ud83c\udfb2 \u8d4c\u200b\u535a","user_openid":"o","created_at":"2026-11-23T18:25:00Z","type":"payment"}"#
        let (lines, _) = process(line)
        let answer = try json(lines[0])
        #expect(answer["id"]?.string == "q\"\\\u{01}😀")
        #expect(answer["action"]?.string == "block")
    }

    @Test("A JSON array streams element by element, across chunk boundaries, with the same answers")
    func array() throws {
        for chunk in [1, 3, 64, 4096] {
            let (lines, _) = process("[\n " + line1 + ",\n" + line2 + "\n]\n", chunk: chunk)
            #expect(lines.count == 2)
            #expect(try json(lines[0])["id"]?.string == "t1")
            #expect(try json(lines[1])["action"]?.string == "block")
        }
        #expect(process("[]").lines.isEmpty)
        let broken = process("[" + line1 + ",,]").lines
        #expect(broken.count == 3)
        #expect(try json(broken[1])["error"]?["message"]?.string == "empty element in the JSON array")
        let unclosed = process("[" + line1).lines
        #expect(unclosed.count == 2)
        #expect(try json(unclosed[1])["error"]?["message"]?.string == "the JSON array ended without ']'")
        let trailing = process("[" + line1 + "] x").lines
        #expect(try json(trailing[1])["error"]?["message"]?.string == "unexpected data after the end of the JSON value")
    }

    @Test("A batch event answers one object with results and a summary, on one line or pretty-printed")
    func batchEvent() throws {
        for input in [
            #"{"transactions":["# + line1 + "," + line2 + "]}",
            "{\n  \"source\": \"lambda\",\n  \"transactions\": [\n    " + line1 + ",\n    " + line2 + "\n  ]\n}\n",
        ] {
            let (lines, processor) = process(input, chunk: 5)
            #expect(lines.count == 1)
            let answer = try json(lines[0])
            let results = try #require(answer["results"]?.array)
            #expect(results.map { $0["id"]?.string } == ["t1", "t2"])
            #expect(answer["summary"]?["records"]?.int == 2)
            #expect(answer["summary"]?["actions"]?["block"]?.int == 1)
            #expect(processor.answeredBatch)
        }
        let bad = process(#"{"transactions": 5}"#).processor
        #expect(bad.invalidEvent == "transactions must be an array of transaction objects")
    }

    @Test("A pretty-printed single transaction is one record; blank lines are skipped; no final newline is fine")
    func shapes() throws {
        let pretty = "{\n \"id\": \"p1\", \"amount\": 100, \"currency\": \"CNY\", \"description\": \"x\",\n \"user_openid\": \"o\", \"created_at\": \"2026-11-23T18:25:00Z\", \"type\": \"refund\"\n}"
        let (one, _) = process(pretty)
        #expect(one.count == 1)
        #expect(try json(one[0])["id"]?.string == "p1")
        let (lines, _) = process("\n\n" + line1 + "\n\n  \n" + line2)
        #expect(lines.count == 2)
    }

    @Test("The batch path and the RiskTransaction path give the same decisions")
    func samePaths() throws {
        let (lines, _) = process(line1 + "\n" + line2)
        let engine = RiskEngine()
        let d1 = engine.score(RiskTransaction(id: "t1", amount: 1999, description: "咖啡", userOpenid: "o1", createdAt: "2026-11-23T18:25:00+08:00"))
        let d2 = engine.score(RiskTransaction(id: "t2", amount: 1999, description: "赌博", userOpenid: "o2", createdAt: "2026-11-23T18:25:00+08:00"))
        #expect(try json(lines[0])["score"]?.int == d1.score)
        #expect(try json(lines[1])["score"]?.int == d2.score)
        let detail = try #require(d2.reasons.first?.detail, "赌博 gave no reason")
        #expect(try json(lines[1])["reasons"]?.array?.first?["detail"]?.string == detail)
    }
}
