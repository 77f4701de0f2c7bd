import Testing
import WxPayCore
import WxPayPrivacy

/// What the detector finds, and what it must leave alone.
@Suite("PII detector")
struct PIIDetectorTests {
    let detector = PIIDetector.standard

    /// The (kind, matched text) pairs found in `text`.
    func found(_ text: String) -> [(PIIKind, String)] {
        let b = Array(text.utf8)
        return detector.matches(in: b).map { ($0.kind, String(decoding: b[$0.range], as: UTF8.self)) }
    }

    func expectFinds(_ text: String, _ kind: PIIKind, _ exact: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let hits = found(text)
        #expect(hits.count == 1 && hits.first?.0 == kind && hits.first?.1 == exact,
                "\(text) → \(hits)", sourceLocation: sourceLocation)
    }

    func expectNothing(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let hits = found(text)
        #expect(hits.isEmpty, "\(text) → \(hits)", sourceLocation: sourceLocation)
    }

    // MARK: WeChat identifiers

    @Test("openids: o + 27 token characters with an upper-case letter, as a whole token")
    func openids() {
        expectFinds("payer oUpF8uMuAJO_M2pxb1Q9zNjWeS6o paid", .openid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
        expectFinds("openid=oGZUI0egBJY1zhBYw2KhdUfwVJJE&x=1", .openid, "oGZUI0egBJY1zhBYw2KhdUfwVJJE")
        expectFinds("用户oUpF8uMuAJO_M2pxb1Q9zNjWeS6o已支付", .openid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
        expectNothing("order_status_changed_handler")  // 28 characters from o, but a snake_case word
        expectNothing("oUpF8uMuAJO_M2pxb1Q9zNjWeS6oX")  // 29
        expectNothing("oUpF8uMuAJO_M2pxb1Q9zNjWeS6")  // 27
        expectNothing("xUpF8uMuAJO_M2pxb1Q9zNjWeS6o")  // not o
    }

    @Test("transaction ids: exactly 28 digits starting with 42")
    func transactionIDs() {
        expectFinds("交易单号4200000001202306151234567890。", .transactionID, "4200000001202306151234567890")
        expectNothing("420000000120230615123456789")  // 27
        expectNothing("42000000012023061512345678901")  // 29
        expectNothing("4300000001202306151234567890")  // 43
    }

    @Test("this kit's own order and refund numbers, as IntentIdentity derives them", arguments: [1, 2, 10, 99_999])
    func kitNumbers(attempt: Int) {
        let order = IntentIdentity.outTradeNo(mchid: "1900000109", idempotencyKey: "thread-42", attempt: attempt)
        let refund = IntentIdentity.outRefundNo(mchid: "1900000109", outTradeNo: order, idempotencyKey: "r-1")
        let hits = found("订单\(order)已退款，退款单号 \(refund)。")
        #expect(hits.map(\.0) == [.outTradeNo, .outRefundNo])
        #expect(hits.map(\.1) == [order, refund])
        expectNothing("ai0123456789abcdef01234567")  // no attempt
        expectNothing("ai0123456789ABCDEF01234567-1")  // upper-case hex
        expectNothing("xai0123456789abcdef01234567-1")
        expectNothing("rf0123456789abcdef0123456789abc")  // 29 hex digits
    }

    // MARK: Phones

    @Test("mobile numbers: 11 digits 1[3-9]…, with +86/86/0086 prefixes and 3-4-4 grouping", arguments: [
        ("call 13800138000 now", "13800138000"),
        ("tel:+8613912345678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("008613912345678", "13912345678"),
        ("+86 13912345678", "13912345678"),
        ("手机：138 0013 8000。", "138 0013 8000"),
        ("138-0013-8000", "138-0013-8000"),
        ("+86 138 0013 8000", "138 0013 8000"),
        ("电话19912345678谢谢", "19912345678"),
    ])
    func phones(text: String, exact: String) {
        expectFinds(text, .phone, exact)
    }

    @Test("not mobile numbers: wrong second digit, wrong length, inside a longer digit run, mixed grouping")
    func notPhones() {
        expectNothing("12345678901")
        expectNothing("10012345678")
        expectNothing("1380013800")
        expectNothing("138001380001")
        expectNothing("9913800138000")  // 13 digits not starting with 86
        expectNothing("138 0013-8000")
        expectNothing("amount 1999 fen at 1700000000")
    }

    @Test("grouped numbers of one identity: the identity is the 11 digits")
    func phoneIdentity() {
        let grouped = detector.matches(in: "138 0013 8000")
        let plain = detector.matches(in: "13800138000")
        #expect(grouped.first?.identity == "13800138000")
        #expect(plain.first?.identity == "13800138000")
    }

    // MARK: Resident ID numbers

    @Test("resident ID numbers with a right check character, real birth date, known province", arguments: [
        "11010519491231002X", "11010519491231002x", "440308199901011234", "320106200002290043", "510107198511203210",
    ])
    func residentIDs(id: String) {
        expectFinds("身份证号 \(id)，", .idCard, id)
        #expect(detector.matches(in: id).first?.identity == id.uppercased())
    }

    @Test("not resident ID numbers: a wrong check digit, an impossible date, an unknown province")
    func notResidentIDs() throws {
        // The right check digit for 11010519491231002 is X: every other one is wrong.
        for c in "0123456789" {
            let id = "11010519491231002\(c)"
            #expect(!ResidentID.isValid(Array(id.utf8)), "\(id)")
            #expect(!found(id).contains { $0.0 == .idCard }, "\(id)")
        }
        // Right check characters, impossible content.
        func withCheck(_ first17: String) throws -> String {
            let check = try #require(ResidentID.checkCharacter(Array(first17.utf8)))
            return first17 + String(decoding: [check], as: UTF8.self)
        }
        for first17 in ["11010519490230001",  // 30 February
                        "32010619000229004",  // 1900 is not a leap year
                        "11010518991231002",  // before 1900
                        "99010519491231002",  // no province 99
                        "11010519491301002"]  // month 13
        {
            let id = try withCheck(first17)
            #expect(!ResidentID.isValid(Array(id.utf8)), "\(id)")
            #expect(!found(id).contains { $0.0 == .idCard }, "\(id)")
        }
        #expect(try ResidentID.isValid(Array(withCheck("32010620000229004").utf8)))  // 2000 is
    }

    // MARK: Cards

    @Test("card numbers: Luhn-valid, 13–19 digits, plain or grouped", arguments: [
        ("card 4111111111111111.", "4111111111111111"),
        ("卡号6222021234567890128", "6222021234567890128"),
        ("6228 4800 1234 5671", "6228 4800 1234 5671"),
        ("6228-4800-1234-5671", "6228-4800-1234-5671"),
        ("6222 0212 3456 7890 128 and 2 items", "6222 0212 3456 7890 128"),
        ("6258070000000009", "6258070000000009"),
    ])
    func cards(text: String, exact: String) {
        expectFinds(text, .bankCard, exact)
    }

    @Test("not card numbers: Luhn failure, leading 1 (timestamps), too short or long, mixed separators")
    func notCards() {
        #expect(!Luhn.isValid(Array("4111111111111112".utf8)))
        expectNothing("4111111111111112")
        expectNothing("4111 1111 1111 1112")
        #expect(Luhn.isValid(Array("1700000000004".utf8)))
        expectNothing("1700000000004")  // a Luhn-valid millisecond timestamp: cards do not start with 1
        expectNothing("411111111111")  // 12 digits
        expectNothing("41111111111111111111")  // 20 digits
        expectNothing("6228 4800-1234 5671")
    }

    @Test("an 18-digit valid ID number that also passes Luhn is an ID, not a card")
    func idBeatsCard() {
        let id = "440308199901011103"
        #expect(Luhn.isValid(Array(id.utf8)) && ResidentID.isValid(Array(id.utf8)))
        expectFinds("号码\(id)", .idCard, id)
    }

    // MARK: E-mail

    @Test("e-mail addresses; the domain's case does not change the identity")
    func emails() {
        expectFinds("write to Foo.Bar+tag@Example.COM.", .email, "Foo.Bar+tag@Example.COM")
        expectFinds("邮箱：alice@mail.example.cn，谢谢", .email, "alice@mail.example.cn")
        #expect(detector.matches(in: "Foo@Example.COM").first?.identity == "Foo@example.com")
        expectNothing("user@localhost")
        expectNothing("@example.com")
        expectNothing("a@b.c")
        expectNothing("x@-bad.com")
    }

    @Test("a numeric QQ mailbox is one e-mail, not a phone number")
    func emailBeatsPhone() {
        expectFinds("13800138000@qq.com", .email, "13800138000@qq.com")
    }

    // MARK: Mixed

    @Test("every kind in one sentence, in text order, nothing else")
    func mixed() {
        let text = "用户oUpF8uMuAJO_M2pxb1Q9zNjWeS6o(手机13800138000, 身份证11010519491231002X, "
            + "卡4111111111111111, 邮箱a@b.cn) 交易4200000001202306151234567890 金额1999分"
        #expect(found(text).map(\.0) == [.openid, .phone, .idCard, .bankCard, .email, .transactionID])
    }

    @Test("a merchant number pattern is one table row")
    func prefixedPattern() {
        var custom = PIIDetector.standard
        custom.patterns.append(PIIPattern(.outTradeNo, PIIScanners.prefixedToken("WXA", length: 20...32)))
        let b = Array("order WXA20261123abcdef0123 closed, WXA1 not".utf8)
        let hits = custom.matches(in: b)
        #expect(hits.map(\.kind) == [.outTradeNo])
        #expect(hits.first.map { String(decoding: b[$0.range], as: UTF8.self) } == "WXA20261123abcdef0123")
    }

    @Test("identifier keys are matched case-insensitively")
    func keys() {
        #expect(detector.kind(forKey: "out_trade_no") == .outTradeNo)
        #expect(detector.kind(forKey: "Transaction_ID") == .transactionID)
        #expect(detector.kind(forKey: "payer_openid") == .openid)
        #expect(detector.kind(forKey: "description") == nil)
    }
}
