import KitCore
import Testing
import WxPayCore
import WxPayCrypto
import WxPayHTTP
import WxPaySandbox

/// Regression tests for the classes of hostile input the fuzzers found or target, one suite per class.
@Suite("Integer overflow class: outside integers are parsed with a range and compared without overflow")
struct IntegerOverflowClassTests {
    static let extremes = ["-9223372036854775808", "9223372036854775807", "9223372036854775808",
                           "-9223372036854775809", "99999999999999999999999"]

    @Test("Untrusted.integer accepts only canonical decimals inside the range",
          arguments: [("0", 0 as Int64?), ("42", 42), ("-1", nil), ("+5", nil), (" 5", nil), ("5 ", nil), ("", nil),
                      ("-", nil), ("0x10", nil), ("1e3", nil), ("253402300799", 253_402_300_799),
                      ("253402300800", nil), ("9223372036854775807", nil), ("٣", nil)])
    func unixSecondsParse(_ text: String, _ expected: Int64?) {
        #expect(Untrusted.unixSeconds(text) == expected)
    }

    @Test("Untrusted.integer at Int64's own limits")
    func int64Limits() {
        let all = Int64.min...Int64.max
        #expect(Untrusted.integer("-9223372036854775808", in: all) == .min)
        #expect(Untrusted.integer("9223372036854775807", in: all) == .max)
        #expect(Untrusted.integer("9223372036854775808", in: all) == nil)
        #expect(Untrusted.integer("-9223372036854775809", in: all) == nil)
        #expect(Untrusted.integer("-0", in: all) == 0)
    }

    @Test("distance and window checks never trap, whatever the values")
    func distanceAtExtremes() {
        #expect(Untrusted.distance(.min, .max) == UInt64.max)
        #expect(Untrusted.distance(.max, .min) == UInt64.max)
        #expect(Untrusted.distance(0, .min) == UInt64(Int64.max) + 1)
        #expect(!Untrusted.within(.min, 1_796_083_200, window: 300))
        #expect(Untrusted.within(1_796_083_500, 1_796_083_200, window: 300))
        #expect(!Untrusted.within(1_796_083_501, 1_796_083_200, window: 300))
        #expect(!Untrusted.within(1, 1, window: -1))
    }

    @Test("a Wechatpay-Timestamp at Int64's limits is TIMESTAMP_INVALID (exit 77), not a trap",
          arguments: extremes + ["-1", "+1796083200"])
    func notificationTimestamp(_ timestamp: String) throws {
        let secrets = try Fixtures.secrets(Fixtures.keys.secretsFile(mode: .publicKey))
        let headers = SignedHeaders { name in
            ["wechatpay-timestamp": timestamp, "wechatpay-nonce": "n", "wechatpay-signature": "c2ln",
             "wechatpay-serial": Fixtures.keys.publicKeyID][name]
        }
        let error = try #require(throws: WxPayError.self) {
            try SignatureVerifier.verify(headers, body: Array("{}".utf8), secrets: secrets, now: 1_796_083_200)
        }
        #expect(error.code == "TIMESTAMP_INVALID")
        #expect(error.exitStatus == 77)
    }

    @Test("a forwarded event's t= at Int64's limits does not verify, and does not trap", arguments: extremes)
    func forwardSignature(_ t: String) {
        let secret = Array("fwd-secret".utf8)
        let good = ForwardSignature.header(secret: secret, timestamp: 1_796_083_200, body: [])
        let mac = good.split(separator: ",")[1]
        #expect(!ForwardSignature.verify(header: "t=\(t),\(mac)", secret: secret, body: [], now: 1_796_083_200))
        #expect(ForwardSignature.verify(header: good, secret: secret, body: [], now: 1_796_083_200))
        #expect(!ForwardSignature.verify(header: good, secret: secret, body: [], now: Int64.min))
    }

    @Test("the emulator's Authorization timestamp at Int64's limits is SIGN_ERROR, not a trap", arguments: extremes)
    func authorizationTimestamp(_ timestamp: String) throws {
        let keys = Fixtures.keys
        let header = "WECHATPAY2-SHA256-RSA2048 mchid=\"\(keys.mchid)\",nonce_str=\"n\",timestamp=\"\(timestamp)\","
            + "serial_no=\"\(keys.merchantCertificate.serialNumber)\",signature=\"c2ln\""
        let error = try #require(throws: WeChatAPIError.self) {
            try RequestAuthenticator(mchid: keys.mchid, certificate: keys.merchantCertificate)
                .verify(method: "GET", target: "/v3/x", body: [], authorization: header, now: 1_796_083_200)
        }
        #expect(error.code == "SIGN_ERROR")
        #expect(error.detail?["field"] == "timestamp")
    }

    @Test("an order's attach read back from WeChat Pay: creation time and lifetime in range, so t + e cannot overflow")
    func attachTimes() throws {
        let hostile = try #require(AttachCodec.decode(#"{"ik":"k","t":9223372036854775807,"e":9223372036854775807}"#))
        #expect(hostile.idempotencyKey == "k")
        #expect(hostile.createdAt == nil)
        #expect(hostile.expiresIn == nil)
        let negative = try #require(AttachCodec.decode(#"{"ik":"k","t":-1,"e":-300}"#))
        #expect(negative.createdAt == nil && negative.expiresIn == nil)
        let normal = try #require(AttachCodec.decode(#"{"ik":"k","t":1796083200,"e":300}"#))
        #expect(normal.createdAt == 1_796_083_200)
        #expect(normal.expiresIn == 300)
    }

    @Test("Content-Length: one, digits only, in range", arguments: [
        ("Content-Length: 2\r\nContent-Length: 40", 400, "BAD_REQUEST"),
        ("Content-Length: -9223372036854775808", 400, "BAD_REQUEST"),
        ("Content-Length: +2", 400, "BAD_REQUEST"),
        ("Content-Length: 99999999999999999999999", 400, "BAD_REQUEST"),
        ("Content-Length: 1048577", 413, "TOO_LARGE"),
        ("Transfer-Encoding: chunked", 411, "LENGTH_REQUIRED"),
    ])
    func contentLength(_ field: String, _ status: Int, _ code: String) throws {
        let head = Array("POST /webhook HTTP/1.1\r\nHost: x\r\n\(field)".utf8)
        let refusal = try #require(throws: RequestHead.Refusal.self) {
            try RequestHead.parse(head[...], maxBodyBytes: 1 << 20)
        }
        #expect(refusal.status == status)
        #expect(refusal.code == code)
    }
}

@Suite("Request syntax class: the HTTP front accepts only well-formed request heads")
struct RequestSyntaxClassTests {
    @Test("malformed request lines and fields are 400", arguments: [
        "P\u{0}ST / HTTP/1.1", "POST  / HTTP/1.1", "POST / HTTP/2", "POST http://x/ HTTP/1.1", "POST /\u{7F} HTTP/1.1",
        "POST / HTTP/1.1\r\n folded: x", "POST / HTTP/1.1\r\nBad Name: x", "POST / HTTP/1.1\r\nX: a\u{1}b",
        "POST / HTTP/1.1\nHost: x", "POST / HTTP/1.1\r\n: x",
    ])
    func malformed(_ text: String) throws {
        let refusal = try #require(throws: RequestHead.Refusal.self) {
            try RequestHead.parse(Array(text.utf8)[...], maxBodyBytes: 1 << 20)
        }
        #expect(refusal.status == 400)
    }

    @Test("a well-formed head parses: method, path, query, fields, length")
    func wellFormed() throws {
        let text = "POST /webhook?x=1&y=2 HTTP/1.1\r\nHost: a\r\nContent-Length: 12 \r\nX-Empty:"
        let head = try RequestHead.parse(Array(text.utf8)[...], maxBodyBytes: 1 << 20)
        #expect(head.method == "POST")
        #expect(head.path == "/webhook")
        #expect(head.query == "x=1&y=2")
        #expect(head.contentLength == 12)
        #expect(head.header("content-length") == "12")
        #expect(head.header("x-empty") == "")
    }

    @Test("more than 100 fields is 431")
    func tooManyFields() throws {
        let text = "GET / HTTP/1.1" + String(repeating: "\r\nA: b", count: 101)
        let refusal = try #require(throws: RequestHead.Refusal.self) {
            try RequestHead.parse(Array(text.utf8)[...], maxBodyBytes: 1 << 20)
        }
        #expect(refusal.status == 431)
    }
}

@Suite("Unbounded echo class: outside text is quoted escaped and cut")
struct UnboundedEchoClassTests {
    @Test("UNKNOWN_SERIAL quotes at most 64 characters of the header, with control characters escaped")
    func unknownSerial() throws {
        let secrets = try Fixtures.secrets(Fixtures.keys.secretsFile(mode: .publicKey))
        let serial = "\u{1B}[31m" + String(repeating: "S", count: 5000) + "\n"
        let headers = SignedHeaders { name in
            ["wechatpay-timestamp": "1796083200", "wechatpay-nonce": "n", "wechatpay-signature": "c2ln",
             "wechatpay-serial": serial][name]
        }
        let error = try #require(throws: WxPayError.self) {
            try SignatureVerifier.verify(headers, body: [], secrets: secrets, now: 1_796_083_200)
        }
        #expect(error.code == "UNKNOWN_SERIAL")
        #expect(error.message.utf8.count < 300)
        #expect(!error.message.contains("\u{1B}"))
        #expect(error.message.contains("\\u{1b}[31m"))
        #expect(error.message.contains("…"))
    }

    @Test("excerpt escapes quotes, backslashes, controls and bidi overrides, and cuts at the limit")
    func excerpt() {
        #expect(Untrusted.excerpt("a\"b\\c\td") == "a\\\"b\\\\c\\td")
        #expect(Untrusted.excerpt("x\u{202E}y") == "x\\u{202e}y")
        #expect(Untrusted.excerpt(String(repeating: "支", count: 70)) == String(repeating: "支", count: 64) + "…")
        #expect(Untrusted.excerpt("short") == "short")
    }
}
