import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayTestSupport

extension ClientFunctionTests {
    @Suite("Bad events and missing secrets: refused before any call")
    struct BadInput {
        struct Case: CustomTestStringConvertible, Sendable {
            var function: String
            var event: String
            var field: String?
            var testDescription: String { "\(function) \(event)" }
        }

        static let intentID = "ai000000000000000000000000-1"

        static let cases: [Case] = [
            // create-intent
            // The likeliest model mistake (yuan, not fen) must name the field it is about.
            Case(function: "create-intent", event: #"{"amount":19.99,"description":"x","idempotency_key":"k"}"#, field: "amount"),
            Case(function: "create-intent", event: #"{"amount":0,"description":"x","idempotency_key":"k"}"#, field: "amount"),
            Case(function: "create-intent", event: #"{"amount":"1999","description":"x","idempotency_key":"k"}"#, field: "amount"),
            Case(function: "create-intent", event: #"{"amount":1999,"description":"x"}"#, field: "idempotency_key"),
            Case(function: "create-intent", event: #"{"amount":1999,"description":"   ","idempotency_key":"k"}"#, field: "description"),
            Case(function: "create-intent", event: #"{"amount":1999,"description":"x","idempotency_key":"k","channel":"jsapi"}"#, field: "user_openid"),
            Case(function: "create-intent", event: #"{"amount":1999,"description":"x","idempotency_key":"k","client":{"in_wechat":true}}"#, field: "user_openid"),
            Case(function: "create-intent", event: #"{"amount":1999,"description":"x","idempotency_key":"k","channel":"h5"}"#, field: "client.ip"),
            Case(function: "create-intent", event: #"{"amount":1999,"description":"x","idempotency_key":"k","channel":"alipay"}"#, field: "channel"),
            Case(function: "create-intent", event: #"{"amount":1999,"description":"x","idempotency_key":"k","expires_in":30}"#, field: "expires_in"),
            Case(function: "create-intent", event: #"{"amount":1999,"description":"x","idempotency_key":"k","attempt":0}"#, field: "attempt"),
            Case(function: "create-intent", event: #"{"amount":1999,"description":"x","idempotency_key":"k","on_expiry":"retry"}"#, field: "on_expiry"),
            Case(function: "create-intent", event: #"{"amount":1999,"description":"x","idempotency_key":"k","attach":{"note":"this attach object is far too long to fit into WeChat Pay's 128 bytes together with the key"}}"#, field: "attach"),
            Case(function: "create-intent", event: #"{"id":"c1","type":"function","function":{"name":"refund_payment","arguments":"{}"}}"#, field: nil),
            Case(function: "create-intent", event: #"{"amount":1999,"#, field: nil),
            // intent-status
            Case(function: "intent-status", event: #"{}"#, field: "intent_id"),
            Case(function: "intent-status", event: #"{"intent_id":"abc"}"#, field: "intent_id"),
            Case(function: "intent-status", event: #"{"idempotency_key":"k","wait":601}"#, field: "wait"),
            Case(function: "intent-status", event: #"{"idempotency_key":""}"#, field: "idempotency_key"),
            // close-intent
            Case(function: "close-intent", event: #"{}"#, field: "intent_id"),
            Case(function: "close-intent", event: #"{"intent_id":"has spaces in it"}"#, field: "intent_id"),
            Case(function: "close-intent", event: #"{"headers":{},"body":"[1,2]","isBase64Encoded":false}"#, field: nil),
            // refund
            Case(function: "refund", event: #"{"idempotency_key":"r","reason":"broken"}"#, field: "out_trade_no"),
            Case(function: "refund", event: #"{"intent_id":"\#(intentID)","transaction_id":"4200000001","idempotency_key":"r","reason":"broken"}"#, field: "out_trade_no"),
            Case(function: "refund", event: #"{"intent_id":"\#(intentID)","idempotency_key":"r"}"#, field: "reason"),
            Case(function: "refund", event: #"{"intent_id":"\#(intentID)","idempotency_key":"r","reason":"  ","conversation":[{"role":"assistant","content":"hi"}]}"#, field: "reason"),
            Case(function: "refund", event: #"{"intent_id":"\#(intentID)","idempotency_key":"r","reason":"broken","amount":0}"#, field: "amount"),
            Case(function: "refund", event: #"{"transaction_id":"42x","idempotency_key":"r","reason":"broken"}"#, field: "transaction_id"),
            Case(function: "refund", event: #"{"intent_id":"\#(intentID)","idempotency_key":"r","conversation":[{"role":"user","content":"broken"},{"role":"customer","content":"x"}]}"#, field: "conversation[1].role"),
            // refund-status
            Case(function: "refund-status", event: #"{}"#, field: "out_refund_no"),
            Case(function: "refund-status", event: #"{"out_refund_no":""}"#, field: "out_refund_no"),
            Case(function: "refund-status", event: #"{"out_refund_no":"rf/../../v3/pay"}"#, field: "out_refund_no"),
            Case(function: "refund-status", event: #"{"out_refund_no":"\#(String(repeating: "a", count: 65))"}"#, field: "out_refund_no"),
            Case(function: "refund-status", event: #"{"out_refund_no":7}"#, field: "out_refund_no"),
        ]

        @Test("A bad event exits 65 with an error naming the field, and WeChat Pay sees no request", arguments: cases)
        func refusedBeforeAnyCall(_ c: Case) throws {
            let emulator = try Emulator()
            try emulator.armTripwire()
            let run = try emulator.run(c.function, bytes: Array(c.event.utf8))
            #expect(run.status == 65, "\(run)")
            let error = try #require(try run.result()["error"], "\(run)")
            #expect(error["retryable"] == false)
            if let field = c.field { #expect(error["field"]?.stringValue == field, "\(run)") }
            #expect(try emulator.callsSeen() == 0, "\(c.function) called WeChat Pay for a bad event")
        }

        @Test("Secrets file missing: exit 78 SECRETS_NOT_FOUND for every function, and nothing is sent",
              arguments: ["create-intent", "intent-status", "close-intent", "refund", "refund-status"])
        func secretsMissing(_ function: String) throws {
            let emulator = try Emulator()
            try emulator.armTripwire()
            let valid: [String: JSONValue] = [
                "create-intent": Event.intent(key: "k"),
                "intent-status": ["idempotency_key": "k"],
                "close-intent": ["idempotency_key": "k"],
                "refund": ["intent_id": .string(Self.intentID), "idempotency_key": "r", "reason": "broken"],
                "refund-status": ["out_refund_no": "rf000000000000000000000000000000"],
            ]
            let run = try emulator.run(function, valid[function]!,
                                       env: ["WXPAY_SECRETS_FILE": emulator.directory + "/no-such-secrets.json"])
            #expect(run.status == 78, "\(run)")
            #expect(run.errorCode == "SECRETS_NOT_FOUND")
            #expect(try emulator.callsSeen() == 0)
            #expect(!run.stdoutText.contains("PRIVATE KEY"))
        }

        @Test("Secrets file unusable (no notify_url for create-intent): exit 78, nothing sent")
        func secretsInvalid() throws {
            let emulator = try Emulator()
            try emulator.armTripwire()
            var file = try JSONCoding.value(from: try System.readFile(emulator.secretsPath)).objectValue ?? [:]
            file["notify_url"] = nil
            let path = emulator.directory + "/no-notify.json"
            try Data(JSONCoding.encode(JSONValue.object(file))).write(to: URL(fileURLWithPath: path))
            let run = try emulator.run("create-intent", Event.intent(key: "k"), env: ["WXPAY_SECRETS_FILE": path])
            #expect(run.status == 78, "\(run)")
            #expect(run.errorCode == "SECRETS_INVALID")
            #expect(try emulator.callsSeen() == 0)
        }
    }
}
