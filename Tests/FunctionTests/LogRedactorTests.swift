import FunctionKit
import Testing

/// What FunctionKit's log handler keeps out of a log line, knowing no particular signature scheme.
@Suite("Log redaction")
struct LogRedactorTests {
    @Test("a signature scheme's credentials are cut, whatever the scheme", arguments: [
        (#"bad header WECHATPAY2-SHA256-RSA2048 mchid="1900000109",signature="c2ln""#,
         "bad header WECHATPAY2-SHA256-RSA2048 [redacted]"),
        ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request, Signature=abc",
         "AWS4-HMAC-SHA256 [redacted]"),
    ])
    func schemes(text: String, scrubbed: String) {
        #expect(LogRedactor.scrub(text) == scrubbed)
    }

    @Test("text that only looks like a scheme stays", arguments: [
        "UTF-8 text, 2026-11-23T10:00:00+08:00", "order ai-1 paid", "HTTP-1 =", "status SUCCESS code=200",
    ])
    func plain(text: String) {
        #expect(LogRedactor.scrub(text) == text)
    }

    @Test("metadata keys that name secrets or keys are sensitive; others are not")
    func keys() {
        for key in ["apiv3_key", "sm4_key", "merchant_private_key", "Authorization", "client_secret", "api_token"] {
            #expect(LogRedactor.isSensitive(key: key), "\(key)")
        }
        for key in ["endpoint", "status", "ms", "code", "request_id"] {
            #expect(!LogRedactor.isSensitive(key: key), "\(key)")
        }
    }
}
