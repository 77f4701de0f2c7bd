import KitCore
import Testing
import WxPayCore
import WxPayCrypto
import WxPaySandbox

/// `NotificationProcessor` against docs/functions.md: every rejection, the normalized event, attach, China time.
@Suite("Notifications")
struct NotificationTests {
    let keys = Fixtures.keys

    func secrets(_ mode: SandboxKeySet.VerificationMode = .publicKey) throws -> Secrets {
        try Fixtures.secrets(keys.secretsFile(mode: mode))
    }

    func builder(_ mode: SandboxKeySet.VerificationMode = .publicKey) -> NotificationBuilder {
        NotificationBuilder(side: keys.wechatSide(mode: mode))
    }

    func process(_ n: (headers: [(name: String, value: String)], body: [UInt8]), secrets: Secrets, now: Int64)
        -> Result<PaymentEvent, WxPayError>
    {
        do {
            return .success(try NotificationProcessor.process(header: lookup(n.headers), body: n.body, secrets: secrets,
                                                              now: now))
        } catch { return .failure(error) }
    }

    // MARK: The rejection table (docs/functions.md#webhook)

    /// Each fault of the simulator and the code the webhook must refuse it with (all 401, exit 77).
    static let rejections: [(NotificationBuilder.Fault, String)] = [
        (.unsigned, "SIGNATURE_MISSING"),
        (.tampered, "SIGNATURE_INVALID"),
        (.wrongKey, "SIGNATURE_INVALID"),
        (.unknownSerial, "UNKNOWN_SERIAL"),
        (.stale, "TIMESTAMP_OUT_OF_WINDOW"),
        (.probe, "SIGNATURE_PROBE"),
        (.unsupportedSignatureType, "SIGNATURE_TYPE_UNSUPPORTED"),
        (.undecryptable, "DECRYPTION_FAILED"),
        (.otherMerchant, "MERCHANT_MISMATCH"),
    ]

    @Test("the table covers every fault the simulator can produce")
    func tableIsComplete() {
        #expect(Set(Self.rejections.map(\.0)) == Set(NotificationBuilder.Fault.allCases))
    }

    @Test("every webhook rejection (docs/functions.md#webhook) is a 401, exit 77, with its own code and no event",
          arguments: rejections.map { ($0.0.rawValue, $0.1) })
    func rejection(_ fault: String, _ code: String) throws {
        let now = System.unixTime()
        for mode in [SandboxKeySet.VerificationMode.publicKey, .certificate] {
            let n = try builder(mode).notification(
                eventType: "TRANSACTION.SUCCESS",
                resource: builder(mode).transaction(outTradeNo: "T-\(fault)", amount: 100, openid: "o-1"),
                now: now, fault: NotificationBuilder.Fault(rawValue: fault))
            let result = process(n, secrets: try secrets(mode), now: now)
            guard case .failure(let error) = result else {
                Issue.record("\(fault) (\(mode)) was accepted")
                continue
            }
            #expect(error.code == code, "\(mode)")
            #expect(error.exitStatus == ExitStatus.noPermission && error.exitStatus == 77)
            #expect(error.httpStatus == 401)
            #expect(!error.retryable)
            #expect(!error.message.contains(keys.apiV3Key))
        }
    }

    @Test("a resource naming another appid is MERCHANT_MISMATCH")
    func otherAppID() throws {
        let now = System.unixTime()
        guard case .object(var resource) = builder().transaction(outTradeNo: "T-app", amount: 1, openid: "o") else {
            Issue.record("the builder made no object")
            return
        }
        resource["appid"] = "wx0000000000000000"
        let n = try builder().notification(eventType: "TRANSACTION.SUCCESS", resource: .object(resource), now: now)
        let error = try #require(process(n, secrets: try secrets(), now: now).failureValue)
        #expect(error.code == "MERCHANT_MISMATCH" && error.exitStatus == 77)
    }

    @Test("a resource without mchid is MERCHANT_MISMATCH, not accepted")
    func missingMchid() throws {
        let now = System.unixTime()
        let n = try builder().notification(eventType: "TRANSACTION.SUCCESS",
                                           resource: ["out_trade_no": "T", "appid": .string(keys.appid)], now: now)
        #expect(process(n, secrets: try secrets(), now: now).failureValue?.code == "MERCHANT_MISMATCH")
    }

    @Test("a body over 64 KiB is EVENT_TOO_LARGE (413); 64 KiB exactly is read")
    func tooLarge() throws {
        let now = System.unixTime()
        let big = [UInt8](repeating: 0x20, count: NotificationProcessor.maxBodyBytes + 1)
        let error = try #require(process(([], big), secrets: try secrets(), now: now).failureValue)
        #expect(error.code == "EVENT_TOO_LARGE" && error.httpStatus == 413 && error.exitStatus == 65)
        // Exactly the limit is not "too large": it gets as far as the signature check.
        let limit = Array("{}".utf8) + [UInt8](repeating: 0x20, count: NotificationProcessor.maxBodyBytes - 2)
        #expect(process(([], limit), secrets: try secrets(), now: now).failureValue?.code == "SIGNATURE_MISSING")
    }

    @Test("a body that is not JSON is NOT_JSON (400, exit 65) before any signature check")
    func notJSON() throws {
        let now = System.unixTime()
        for text in ["", "<xml/>", "{\"id\":", "\u{FEFF}garbage"] {
            let error = try #require(process(([], Array(text.utf8)), secrets: try secrets(), now: now).failureValue)
            #expect(error.code == "NOT_JSON", "\(text)")
            #expect(error.httpStatus == 400 && error.exitStatus == 65)
        }
    }

    @Test("JSON of the wrong shape is authenticated first: unsigned it is SIGNATURE_MISSING, signed it is BAD_EVENT")
    func wrongShape() throws {
        let now = System.unixTime()
        let body = Array(#"{"hello":"world"}"#.utf8)
        #expect(process(([], body), secrets: try secrets(), now: now).failureValue?.code == "SIGNATURE_MISSING")
        let signed = try keys.wechatSide(mode: .publicKey).signedHeaders(body: body, timestamp: now)
        let error = try #require(process((signed, body), secrets: try secrets(), now: now).failureValue)
        #expect(error.code == "BAD_EVENT" && error.exitStatus == 65)
    }

    @Test("a resource algorithm other than AEAD_AES_256_GCM is refused")
    func otherAlgorithm() throws {
        let now = System.unixTime()
        let body = Array(#"{"id":"EV-1","event_type":"TRANSACTION.SUCCESS","resource":{"algorithm":"AEAD_SM4_GCM","ciphertext":"AAAA","nonce":"n","associated_data":"transaction"}}"#.utf8)
        let signed = try keys.wechatSide(mode: .publicKey).signedHeaders(body: body, timestamp: now)
        let error = try #require(process((signed, body), secrets: try secrets(), now: now).failureValue)
        #expect(error.code == "DECRYPTION_FAILED" && error.exitStatus == 77)
    }

    @Test("a resource that decrypts to something other than a JSON object is refused")
    func plaintextNotObject() throws {
        let now = System.unixTime()
        let ciphertext = try ResourceCipher.encrypt(plaintext: Array("[1,2,3]".utf8), nonce: "abcdefghijkl",
                                                    associatedData: "transaction", apiV3Key: Array(keys.apiV3Key.utf8))
        let body = Array(#"{"id":"EV-1","event_type":"TRANSACTION.SUCCESS","resource":{"algorithm":"AEAD_AES_256_GCM","ciphertext":"\#(ciphertext)","nonce":"abcdefghijkl","associated_data":"transaction"}}"#.utf8)
        let signed = try keys.wechatSide(mode: .publicKey).signedHeaders(body: body, timestamp: now)
        #expect(process((signed, body), secrets: try secrets(), now: now).failureValue?.code == "DECRYPTION_FAILED")
    }

    // MARK: Accepted events

    @Test("a payment: normalized fields, idempotency key and attach data from attach")
    func payment() throws {
        let now = System.unixTime()
        let attach = try #require(AttachCodec.encode(idempotencyKey: "thread-42", data: ["sku": "A1", "qty": 2]))
        let resource = builder().transaction(outTradeNo: "AK-0001", amount: 1999, openid: "oUpF8uMuAJO", attach: attach,
                                             transactionID: "4200000001", successTime: now - 5)
        let n = try builder().notification(eventType: "TRANSACTION.SUCCESS", resource: resource, now: now)
        let event = try process(n, secrets: try secrets(), now: now).get()
        let body = try JSONCoding.value(from: n.body)
        let json = event.json
        let id = try #require(body["id"])
        #expect(json["id"] == id)
        #expect(json["type"] == "payment.success")
        #expect(json["wechat_event_type"] == "TRANSACTION.SUCCESS")
        let createTime = try #require(body["create_time"])
        #expect(json["created_at"] == createTime)
        #expect(json["out_trade_no"] == "AK-0001")
        #expect(json["transaction_id"] == "4200000001")
        #expect(json["idempotency_key"] == "thread-42")
        #expect(json["attach"] == ["sku": "A1", "qty": 2])
        #expect(json["amount"] == 1999)
        #expect(json["currency"] == "CNY")
        #expect(json["payer_openid"] == "oUpF8uMuAJO")
        #expect(json["trade_state"] == "SUCCESS")
        #expect(json["success_time"] == .string(ChinaTime.format(unix: now - 5)))
        #expect(json["resource"] == resource)
        #expect(json["risk"] == nil, "risk is added by the webhook, not the processor")
        #expect(event.outTradeNo == "AK-0001" && event.payerOpenID == "oUpF8uMuAJO" && event.attach == attach)
    }

    @Test("a foreign attach string carries no idempotency key")
    func foreignAttach() throws {
        let now = System.unixTime()
        let resource = builder(.certificate).transaction(outTradeNo: "AK-2", amount: 1, openid: "o",
                                                         attach: "order from POS #7")
        let n = try builder(.certificate).notification(eventType: "TRANSACTION.SUCCESS", resource: resource, now: now)
        let json = try process(n, secrets: try secrets(.certificate), now: now).get().json
        #expect(json["idempotency_key"] == nil)
        #expect(json["attach"] == nil)
        #expect(json["resource"]?["attach"] == "order from POS #7")
    }

    @Test("refund events normalize to refund.success / refund.abnormal / refund.closed",
          arguments: [("SUCCESS", "refund.success"), ("ABNORMAL", "refund.abnormal"), ("CLOSED", "refund.closed")])
    func refund(_ status: String, _ type: String) throws {
        let now = System.unixTime()
        let resource = builder().refund(outTradeNo: "AK-3", transactionID: "4200000003", outRefundNo: "RF-AK-3",
                                        refundID: "50000000003", status: status, refund: 500, total: 1999, time: now)
        let n = try builder().notification(eventType: "REFUND.\(status)", resource: resource, now: now)
        let json = try process(n, secrets: try secrets(), now: now).get().json
        #expect(json["type"] == .string(type))
        #expect(json["wechat_event_type"] == .string("REFUND.\(status)"))
        #expect(json["out_trade_no"] == "AK-3")
        #expect(json["transaction_id"] == "4200000003")
        #expect(json["out_refund_no"] == "RF-AK-3")
        #expect(json["refund_id"] == "50000000003")
        #expect(json["refund_status"] == .string(status))
        #expect(json["amount"] == 500, "amount is the refunded amount")
        #expect(json["total_amount"] == 1999)
        #expect(json["currency"] == "CNY")
        #expect(json["payer_openid"] == nil && json["trade_state"] == nil)
        #expect((json["success_time"] != nil) == (status == "SUCCESS"))
    }

    @Test("event_type to type mapping", arguments: [
        ("TRANSACTION.SUCCESS", "payment.success"), ("TRANSACTION.FAIL", "payment.failed"),
        ("REFUND.SUCCESS", "refund.success"), ("REFUND.ABNORMAL", "refund.abnormal"),
        ("REFUND.CLOSED", "refund.closed"), ("PAYSCORE.USER_OPEN_SERVICE", "other"),
    ])
    func typeMapping(_ wechat: String, _ type: String) {
        #expect(PaymentEvent.type(for: wechat) == type)
    }

    // MARK: Attach

    @Test("attach round trip within WeChat's 128 bytes")
    func attachCodec() throws {
        let s = try #require(AttachCodec.encode(idempotencyKey: "conv_123", data: ["cart": "c9"]))
        #expect(s.utf8.count <= AttachCodec.maxBytes)
        let decoded = try #require(AttachCodec.decode(s))
        #expect(decoded.idempotencyKey == "conv_123")
        #expect(decoded.data == ["cart": "c9"])
        let bareText = try #require(AttachCodec.encode(idempotencyKey: "k", data: nil))
        let bare = try #require(AttachCodec.decode(bareText))
        #expect(bare.idempotencyKey == "k" && bare.data == nil)
        #expect(AttachCodec.encode(idempotencyKey: String(repeating: "k", count: 200), data: nil) == nil)
        #expect(AttachCodec.encode(idempotencyKey: "k", data: ["note": .string(String(repeating: "x", count: 120))]) == nil)
        #expect(AttachCodec.decode("plain text") == nil)
        #expect(AttachCodec.decode("[1]") == nil)
    }

    // MARK: China time

    @Test("ChinaTime formats in +08:00", arguments: [
        (Int64(0), "1970-01-01T08:00:00+08:00"),
        (1_700_000_000, "2023-11-15T06:13:20+08:00"),
        (1_709_136_000, "2024-02-29T00:00:00+08:00"),
        (1_735_660_799, "2024-12-31T23:59:59+08:00"),
    ])
    func chinaTimeFormat(_ unix: Int64, _ text: String) {
        #expect(ChinaTime.format(unix: unix) == text)
        #expect(ChinaTime.parse(text) == unix)
    }

    @Test("ChinaTime parse/format round trip over many instants")
    func chinaTimeRoundTrip() {
        var t: Int64 = 0
        while t < 4_102_444_800 {  // until 2100
            #expect(ChinaTime.parse(ChinaTime.format(unix: t)) == t)
            t += 7_919_993
        }
    }

    @Test("ChinaTime parses Z, other offsets and fractions; refuses malformed text")
    func chinaTimeParse() {
        #expect(ChinaTime.parse("2023-11-14T22:13:20Z") == 1_700_000_000)
        #expect(ChinaTime.parse("2023-11-14T22:13:20.123Z") == 1_700_000_000)
        #expect(ChinaTime.parse("2023-11-14T17:13:20-05:00") == 1_700_000_000)
        #expect(ChinaTime.parse("2023-11-15T06:13:20.5+08:00") == 1_700_000_000)
        #expect(ChinaTime.parse("2024-02-29T00:00:00+08:00") == 1_709_136_000)
        #expect(ChinaTime.parse("2000-02-29T00:00:00Z") == 951_782_400)
        for bad in ["", "2023-11-15", "2023-11-15T06:13:20", "2023-13-15T06:13:20+08:00", "2023-11-15T25:13:20+08:00",
                    "2023-11-15T06:13:20+0800", "2023-11-15T06:13:20+08:00x", "20231115T061320Z",
                    // Impossible dates and out-of-range offsets (issue 12.4): the one RFC 3339 parser refuses them.
                    "2023-02-31T06:13:20+08:00", "2023-02-29T06:13:20+08:00", "2100-02-29T00:00:00+08:00",
                    "2023-04-31T00:00:00+08:00", "2023-11-00T00:00:00+08:00", "2023-11-15T06:60:20+08:00",
                    "2023-11-15T06:13:61+08:00", "2023-11-15T06:13:20+24:00", "2023-11-15T06:13:20+08:60",
                    "2023-11-15T06:13:20.1234567890+08:00"] {
            #expect(ChinaTime.parse(bad) == nil, "\(bad)")
        }
    }
}

extension Result {
    /// The error, if this is a failure.
    var failureValue: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
