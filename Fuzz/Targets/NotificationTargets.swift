import KitCore
import WxPayCore
import WxPayCrypto
import WxPayNotifications
import WxPayRisk
import WxPaySandbox

/// Notification headers and body (what `webhook` receives from the internet).
enum NotificationTargets {
    /// Raw headers and body: `Name: value` lines, a NUL byte, then the body. Stops at the signature check unless
    /// the fuzzer forges a signature, so it explores header and body syntax.
    static let unsigned = FuzzTarget(
        name: "notification",
        summary: "webhook: Wechatpay-* headers (lines before a NUL byte) and the notification body"
    ) { bytes in
        let (head, body) = split(bytes, at: 0)
        let headers = head.map(headerLines) ?? [:]
        process(headers: headers, body: Array(body), target: "notification")
    }

    static let eventTypes = ["TRANSACTION.SUCCESS", "REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED",
                             "TRANSACTION.CLOSED", "TRANSACTION.PAYERROR"]

    /// The decrypted resource, mutated: the harness encrypts it with the APIv3 key and signs the body with the
    /// platform key, as WeChat Pay would, so every input reaches decryption, normalization and risk scoring.
    /// First byte: the event type (and whether the associated data matches); the rest is the plaintext.
    static let signed = FuzzTarget(
        name: "notification-signed",
        summary: "webhook past the signature: mutated plaintext resources, encrypted and signed with test keys"
    ) { bytes in
        let fixture = Fixture.current
        let selector = bytes.first ?? 0
        let plaintext = Array(bytes.dropFirst())
        let eventType = eventTypes[Int(selector) % eventTypes.count]
        let associated = eventType.hasPrefix("REFUND") ? "refund" : "transaction"
        let nonce = "fuzznonce123"
        guard let ciphertext = try? ResourceCipher.encrypt(plaintext: plaintext, nonce: nonce,
                                                          associatedData: associated,
                                                          apiV3Key: fixture.secrets.apiV3KeyBytes)
        else { FuzzEnvironment.fail("notification-signed: the harness could not encrypt") }
        let envelope: JSONValue = [
            "id": "EV-fuzz", "create_time": "2026-12-01T08:00:00+08:00", "resource_type": "encrypt-resource",
            "event_type": .string(eventType), "summary": "fuzz",
            "resource": [
                "original_type": .string(associated), "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": .string(ciphertext), "associated_data": .string(associated), "nonce": .string(nonce),
            ],
        ]
        guard let body = try? JSONCoding.encode(envelope),
              let signed = try? fixture.side.signedHeaders(body: body, timestamp: Fixture.now)
        else { FuzzEnvironment.fail("notification-signed: the harness could not sign") }
        var headers: [String: String] = [:]
        for (name, value) in signed { headers[name.lowercased()] = value }
        process(headers: headers, body: body, target: "notification-signed", mustVerify: true)
    }

    static func process(headers: [String: String], body: [UInt8], target: String, mustVerify: Bool = false) {
        let fixture = Fixture.current
        do throws(WxPayError) {
            var event = try NotificationProcessor.process(header: { headers[$0.lowercased()] }, body: body,
                                                          secrets: fixture.secrets, now: Fixture.now)
            event.risk = NotificationRisk.score(event, rules: .defaults, now: Fixture.now)
            if let risk = event.risk {
                let action = risk["action"]?.stringValue ?? ""
                Invariant.require(["approve", "review", "block"].contains(action),
                                  "\(target): risk action \"\(Untrusted.excerpt(action))\" is not approve/review/block")
            }
            guard let line = try? JSONCoding.encode(event.json) else {
                FuzzEnvironment.fail("\(target): an accepted event does not encode as JSON")
            }
            Invariant.noSecret(String(decoding: line, as: UTF8.self), target)
        } catch {
            Invariant.check(error, target)
            if mustVerify {
                // A body the harness signed must pass every authentication check but the resource's own.
                Invariant.require(!["SIGNATURE_INVALID", "SIGNATURE_MISSING", "TIMESTAMP_INVALID",
                                    "TIMESTAMP_OUT_OF_WINDOW", "UNKNOWN_SERIAL"].contains(error.code),
                                  "\(target): a correctly signed notification was refused with \(error.code)")
            }
        }
    }
}
