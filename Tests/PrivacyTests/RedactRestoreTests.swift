import KitCore
import Testing
import WxPayCore
import WxPayPrivacy

/// Placeholders, mappings and the pii-redact / pii-restore contracts, in process.
@Suite("Redact and restore")
struct RedactRestoreTests {
    let sealer = try! Sealer(key: hex("0123456789abcdeffedcba9876543210"))

    static let openid = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
    static let otherOpenid = "oGZUI0egBJY1zhBYw2KhdUfwVJJE"
    static let identifiers = [openid, otherOpenid, "4200000001202306151234567890", "13800138000",
                              "11010519491231002X", "4111111111111111", "alice@example.com"]

    // MARK: Placeholders

    @Test("the same identifier always gets the same placeholder; numbering is per kind, by first appearance")
    func stablePlaceholders() {
        var r = Redactor()
        let out = r.redact("\(Self.openid) 13800138000 \(Self.otherOpenid) \(Self.openid) 138 0013 8000")
        #expect(out == "⟦OPENID_1⟧ ⟦PHONE_1⟧ ⟦OPENID_2⟧ ⟦OPENID_1⟧ ⟦PHONE_1⟧")
        #expect(r.counts == [.openid: 3, .phone: 2])
        #expect(r.map.entries.count == 3)
    }

    @Test("a continued mapping keeps earlier numbers and continues them")
    func continuation() {
        var first = Redactor()
        _ = first.redact("user \(Self.openid) phone 13800138000")
        var second = Redactor(continuing: first.map)
        let out = second.redact("\(Self.otherOpenid) and again \(Self.openid), 13900139000")
        #expect(out == "⟦OPENID_2⟧ and again ⟦OPENID_1⟧, ⟦PHONE_2⟧")
        #expect(second.counts == [.openid: 2, .phone: 1])
    }

    @Test("restore(redact(text)) is the text, byte for byte")
    func roundTripText() {
        let text = "订单 oUpF8uMuAJO_M2pxb1Q9zNjWeS6o，电话 +86 138 0013 8000，身份证 11010519491231002X，"
            + "卡 6228 4800 1234 5671，邮箱 Alice@Example.com，交易 4200000001202306151234567890。🙂"
        var r = Redactor()
        let redacted = r.redact(text)
        for id in ["oUpF8u", "0013", "11010519491231002X", "4800", "Alice@", "4200000001202306151234567890"] {
            #expect(!redacted.contains(id))
        }
        var restorer = Restorer(map: r.map)
        #expect(restorer.restore(redacted) == text)
        #expect(restorer.unknownPlaceholders.isEmpty)
    }

    @Test("text without identifiers passes through unchanged")
    func nothingToDo() {
        var r = Redactor()
        let text = "请确认支付 19.99 元（1999 分），订单将在 5 分钟后过期。⟦not a placeholder⟧"
        #expect(r.redact(text) == text)
        #expect(r.map.isEmpty)
    }

    // MARK: Restore

    @Test("placeholders not in the mapping are left as they are and reported once, in order")
    func unknownPlaceholders() {
        var r = Redactor()
        _ = r.redact("\(Self.openid)")
        var restorer = Restorer(map: r.map)
        let answer = "Paid by ⟦OPENID_1⟧; ⟦OPENID_2⟧ and ⟦PHONE_1⟧ unknown, ⟦OPENID_2⟧ again, ⟦openid_1⟧ altered, ⟦x⟧ maths"
        let restored = restorer.restore(answer)
        #expect(restored == "Paid by \(Self.openid); ⟦OPENID_2⟧ and ⟦PHONE_1⟧ unknown, ⟦OPENID_2⟧ again, ⟦openid_1⟧ altered, ⟦x⟧ maths")
        #expect(restorer.unknownPlaceholders == ["⟦OPENID_2⟧", "⟦PHONE_1⟧", "⟦openid_1⟧"])
        #expect(restorer.restoredCount == 1)
    }

    // MARK: JSON

    @Test("JSON: values under identifier keys are replaced whole; strings, keys and numbers are scanned")
    func json() throws {
        let input: JSONValue = [
            "out_trade_no": "1217752501201407033233368018",
            "transaction_id": "1217752501201407033233368018",
            "payer": ["openid": .string(Self.openid)],
            "amount": ["total": 1999, "currency": "CNY"],
            "note": "call 13800138000",
            "mobile": 13800138000,
            "contacts": [.string("alice@example.com"), "bob"],
            "by_openid": .object([Self.otherOpenid: true]),
            "intent_id": "⟦OUT_TRADE_NO_9⟧",
        ]
        var r = Redactor()
        let out = try r.redact(json: input)
        let text = try JSONCoding.string(out)
        for id in ["1217752501201407033233368018", Self.openid, Self.otherOpenid, "13800138000", "alice@"] {
            #expect(!text.contains(id), "\(id) leaked")
        }
        #expect(out["amount"] == ["total": 1999, "currency": "CNY"])
        #expect(out["mobile"] == "⟦PHONE_1⟧" && out["note"] == "call ⟦PHONE_1⟧")
        #expect(out["intent_id"] == "⟦OUT_TRADE_NO_9⟧")  // an earlier turn's placeholder stays as it is
        #expect(out["contacts"] == ["⟦EMAIL_1⟧", "bob"])
        // One value under two identifier keys: one placeholder per kind, both restore to it.
        #expect(out["out_trade_no"]?.stringValue?.hasPrefix("⟦OUT_TRADE_NO_") == true)
        #expect(out["transaction_id"] == "⟦TRANSACTION_ID_1⟧")

        var restorer = Restorer(map: r.map)
        let back = try restorer.restore(json: out)
        var expected = input.objectValue!
        expected["mobile"] = "13800138000"  // numbers come back as strings
        #expect(back == .object(expected))
        #expect(restorer.unknownPlaceholders == ["⟦OUT_TRADE_NO_9⟧"])
    }

    // MARK: Function contract

    @Test("pii-redact output: the same key, a sealed mapping, counts for every kind")
    func redactContract() throws {
        let (out, _) = try PrivacyProxy.redact(["text": .string("to \(Self.openid) at 13800138000 or 13800138000")],
                                               sealer: sealer)
        #expect(out["text"] == "to ⟦OPENID_1⟧ at ⟦PHONE_1⟧ or ⟦PHONE_1⟧")
        #expect(out["mapping"]?.stringValue?.hasPrefix("wxs1.") == true)
        let counts = try #require(out["counts"]?.objectValue)
        #expect(Set(counts.keys) == Set(PIIKind.allCases.map(\.countKey)))
        #expect(counts["phone"] == 2 && counts["openid"] == 1 && counts["email"] == 0)
        #expect(out.objectValue?.count == 3)
    }

    @Test("pii-restore puts identifiers back from the sealed mapping and lists unknown placeholders")
    func restoreContract() throws {
        let text = "退款给 \(Self.openid)，交易 4200000001202306151234567890"
        let (redacted, _) = try PrivacyProxy.redact(["text": .string(text)], sealer: sealer)
        let answer = "已为 ⟦OPENID_1⟧ 退款（⟦TRANSACTION_ID_1⟧），⟦PHONE_3⟧ 未知"
        let (out, restored) = try PrivacyProxy.restore(["text": .string(answer), "mapping": redacted["mapping"]!],
                                                       sealer: sealer)
        #expect(out["text"] == .string("已为 \(Self.openid) 退款（4200000001202306151234567890），⟦PHONE_3⟧ 未知"))
        #expect(out["unknown_placeholders"] == ["⟦PHONE_3⟧"])
        #expect(restored == 2)
    }

    @Test("a mapping passed to the next pii-redact turn keeps the numbering")
    func continuedContract() throws {
        let (turn1, _) = try PrivacyProxy.redact(["text": .string("a \(Self.openid)")], sealer: sealer)
        let (turn2, _) = try PrivacyProxy.redact(
            ["text": .string("b \(Self.otherOpenid) c \(Self.openid)"), "mapping": turn1["mapping"]!], sealer: sealer)
        #expect(turn2["text"] == "b ⟦OPENID_2⟧ c ⟦OPENID_1⟧")
        let (back, _) = try PrivacyProxy.restore(["text": "⟦OPENID_1⟧ ⟦OPENID_2⟧", "mapping": turn2["mapping"]!],
                                                 sealer: sealer)
        #expect(back["text"] == .string("\(Self.openid) \(Self.otherOpenid)"))
    }

    @Test("a tampered, truncated or foreign mapping is refused with MAPPING_TAMPERED (exit 77), nothing restored")
    func tamperedMapping() throws {
        let (redacted, _) = try PrivacyProxy.redact(["text": .string(Self.openid)], sealer: sealer)
        let mapping = try #require(redacted["mapping"]?.stringValue)
        var flipped = Array(mapping.utf8)
        flipped[20] = flipped[20] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let foreign = try Sealer(key: hex("00000000000000000000000000000001"))
            .seal(Array(#"{"v":1,"e":[["OPENID",1,"oAttackerAttackerAttacker123"]]}"#.utf8),
                  context: PlaceholderMap.sealContext)
        let eventsLine = try SealedLine(key: hex("0123456789abcdeffedcba9876543210")).seal(Array("{}".utf8))
        let eventsSealed = try #require(try JSONCoding.value(from: eventsLine)["sealed"]?.stringValue)
        for bad in [String(decoding: flipped, as: UTF8.self), String(mapping.dropLast(4)), foreign, eventsSealed,
                    "not a mapping"]
        {
            #expect {
                try PrivacyProxy.restore(["text": "⟦OPENID_1⟧", "mapping": .string(bad)], sealer: sealer)
            } throws: { error in
                let e = error as? WxPayError
                return e?.code == "MAPPING_TAMPERED" && e?.exitStatus == 77 && !e!.message.contains(Self.openid)
            }
            #expect(throws: WxPayError.self) {
                try PrivacyProxy.redact(["text": "x", "mapping": .string(bad)], sealer: sealer)
            }
        }
    }

    @Test("bad inputs are INVALID_FIELD (exit 65)", arguments: [
        JSONValue.object([:]),
        ["text": "a", "json": ["b": 1]],
        ["text": 5],
        ["text": "a", "extra": 1],
        ["text": "a", "mapping": 5],
        ["text": "a", "mapping": ""],
    ])
    func badInputs(input: JSONValue) {
        #expect {
            try PrivacyProxy.redact(input, sealer: sealer)
        } throws: { ($0 as? WxPayError)?.code == "INVALID_FIELD" && ($0 as? WxPayError)?.exitStatus == 65 }
    }

    @Test("pii-restore needs a mapping")
    func restoreNeedsMapping() {
        #expect {
            try PrivacyProxy.restore(["text": "⟦OPENID_1⟧"], sealer: sealer)
        } throws: { ($0 as? WxPayError)?.details["field"] == "mapping" }
    }

    @Test("without sm4_key in the secrets file: SECRETS_INVALID (exit 78) naming sm4_key")
    func missingKey() throws {
        let secrets = try TestSecrets.secrets(sm4Key: nil)
        #expect {
            try PrivacyProxy.sealer(from: secrets)
        } throws: { error in
            let e = error as? WxPayError
            return e?.code == "SECRETS_INVALID" && e?.exitStatus == 78 && e?.details["field"] == "sm4_key"
        }
        _ = try PrivacyProxy.sealer(from: TestSecrets.secrets(sm4Key: "0123456789abcdeffedcba9876543210"))
    }
}

/// Throughput on a large payload, with every planted identifier accounted for.
@Suite("Redaction at scale")
struct RedactionScaleTests {
    @Test("about 1 MiB of chat text with 4,000 planted identifiers: all found, none leaked, round trip exact")
    func largeText() throws {
        let filler = "请确认订单金额 19.99 元，谢谢！The order expires in 5 minutes; reference 2026-11-23 18:25. "
        var text = ""
        var planted = 0
        for i in 0..<1000 {
            let phone = "139\(String(10_000_000 + i * 7).suffix(8))"
            text += filler + filler + "用户手机 \(phone)，邮箱 user\(i)@example.com，"
                + "openid oUpF8uMuAJO_M2pxb1Q9zNjW\(String(1000 + i))，卡 4111111111111111。"
                + String(repeating: filler, count: 6)
            planted += 4
        }
        let clock = ContinuousClock()
        var redactor = Redactor()
        var redacted = ""
        let redactTime = clock.measure { redacted = redactor.redact(text) }
        var restorer = Restorer(map: redactor.map)
        var restored = ""
        let restoreTime = clock.measure { restored = restorer.restore(redacted) }
        #expect(redactor.counts.values.reduce(0, +) == planted)
        #expect(redactor.counts[.bankCard] == 1000 && redactor.counts[.openid] == 1000)
        #expect(redactor.map.entries.count == 1000 * 3 + 1)  // one card, repeated
        #expect(!redacted.contains("4111111111111111") && !redacted.contains("@example.com"))
        #expect(restored == text)
        print("redact \(text.utf8.count) bytes: \(redactTime); restore: \(restoreTime)")
    }
}
