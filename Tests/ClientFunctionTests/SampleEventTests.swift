import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayTestSupport

extension ClientFunctionTests {
    /// The files in `functions/` are what agents and deployers copy: they must validate and they must work.
    @Suite("functions/: schemas, samples and tool definitions")
    struct SampleEvents {
        static let root = Executables.packageRoot + "/functions"
        /// The intent the create-intent, intent-status and refund samples name (key `thread_01JD7X4K2M9Q`).
        static let sampleKey = "thread_01JD7X4K2M9Q"
        static let sampleIntent = "aid5386e1df69538cb55e8a27d-1"
        /// The intent the close-intent samples name (key `thread_01JD7X9C1OSE`).
        static let closeKey = "thread_01JD7X9C1OSE"
        static let closeIntent = "ai88426491046a1976b590a65c-1"
        /// The refund the refund samples make (key `thread_01JD7X4K2M9Q/refund-1`), which the refund-status samples name.
        static let sampleRefundKey = "thread_01JD7X4K2M9Q/refund-1"
        static let sampleRefund = "rf19ab60e215395c1f982528484b33d2"
        static let envelopes = ["direct.json", "http.json", "apigateway.json", "toolcall.json"]

        static func load(_ function: String, _ sample: String) throws -> JSONValue {
            try JSONCoding.value(from: try System.readFile("\(root)/\(function)/\(sample)"))
        }

        @Test("Every schema is valid 2020-12, every sample validates against its input schema, tools agree")
        func samplesValidate() throws {
            #expect(try SchemaCheck.sampleErrors() == [])
        }

        @Test("The validator rejects what it should (it can fail)")
        func validatorCanFail() throws {
            let errors = try SchemaCheck.errors([
                .init(schema: "functions/create-intent/input.schema.json",
                      instance: ["amount": "19.99", "description": "x", "idempotency_key": "k"], label: "yuan string"),
                .init(schema: "functions/create-intent/input.schema.json",
                      instance: ["amount": 1999, "description": "x", "idempotency_key": "k", "channel": "jsapi"],
                      label: "jsapi without openid"),
                .init(schema: "functions/refund/input.schema.json",
                      instance: ["intent_id": .string(Self.sampleIntent), "idempotency_key": "r"], label: "no reason"),
                .init(schema: "functions/refund/output.schema.json",
                      instance: ["refund_id": "1", "replayed": false], label: "bare refund"),
            ])
            #expect(errors.count >= 4, "\(errors)")
            for label in ["yuan string", "jsapi without openid", "no reason", "bare refund"] {
                #expect(errors.contains { $0.hasPrefix(label + ":") }, "\(label) was not rejected")
            }
        }

        @Test("The samples' intent ids are the ones their keys derive to for the emulator's merchant")
        func sampleIdentities() throws {
            let emulator = try Emulator()
            #expect(IntentIdentity.outTradeNo(mchid: emulator.secrets.mchid, idempotencyKey: Self.sampleKey, attempt: 1)
                    == Self.sampleIntent)
            #expect(IntentIdentity.outTradeNo(mchid: emulator.secrets.mchid, idempotencyKey: Self.closeKey, attempt: 1)
                    == Self.closeIntent)
            #expect(IntentIdentity.outRefundNo(mchid: emulator.secrets.mchid, outTradeNo: Self.sampleIntent,
                                               idempotencyKey: Self.sampleRefundKey) == Self.sampleRefund)
            for sample in Self.envelopes {
                let text = String(decoding: try System.readFile("\(Self.root)/refund-status/\(sample)"), as: UTF8.self)
                #expect(text.contains(Self.sampleRefund), "refund-status/\(sample) names the sample refund")
            }
        }

        /// Checks the envelope of an answer and returns its result object.
        static func unwrap(_ run: ProcessResult, sample: String, event: JSONValue) throws -> JSONValue {
            let answer = try run.json()
            switch sample {
            case "http.json":
                let statusCode = try #require(answer["statusCode"]?.intValue, "no statusCode: \(answer)")
                if run.status == 0 { #expect(statusCode == 200) } else { #expect(statusCode >= 400, "\(answer)") }
                #expect(answer["headers"]?["content-type"] == "application/json")
            case "apigateway.json":
                #expect(Set(answer.objectValue?.keys.map { $0 } ?? []) == ["statusCode", "headers", "body"],
                        "an API Gateway answer holds exactly the HTTP keys: \(answer)")
            case "toolcall.json":
                #expect(answer["role"] == "tool")
                let callID = try #require(event["id"], "toolcall.json without an id")
                #expect(answer["tool_call_id"] == callID)
                #expect(answer["content"]?.stringValue != nil)
            default:
                break
            }
            return try run.result()
        }

        @Test("Every sample runs through its function against the emulator with the expected exit status and output")
        func samplesRun() throws {
            let emulator = try Emulator()
            var outputs: [SchemaCheck.Item] = []
            func record(_ function: String, _ sample: String, _ result: JSONValue) {
                outputs.append(.init(schema: "functions/\(function)/output.schema.json", instance: result,
                                     label: "\(function)/\(sample)"))
            }

            // create-intent: the first sample creates the intent, the others replay it.
            for (i, sample) in Self.envelopes.enumerated() {
                let event = try Self.load("create-intent", sample)
                let run = try emulator.run("create-intent", event)
                #expect(run.status == 0, "create-intent/\(sample): \(run)")
                let result = try Self.unwrap(run, sample: sample, event: event)
                #expect(result["intent_id"]?.stringValue == Self.sampleIntent)
                #expect(result["replayed"] == .bool(i > 0))
                record("create-intent", sample, result)
            }
            #expect(try emulator.orders().count == 1)

            for sample in Self.envelopes {
                let event = try Self.load("intent-status", sample)
                let run = try emulator.run("intent-status", event)
                #expect(run.status == 0, "intent-status/\(sample): \(run)")
                let result = try Self.unwrap(run, sample: sample, event: event)
                #expect(result["intent_id"]?.stringValue == Self.sampleIntent)
                #expect(result["status"] == "requires_confirmation")
                record("intent-status", sample, result)
            }

            try emulator.pay(Self.sampleIntent)
            for (i, sample) in Self.envelopes.enumerated() {
                let event = try Self.load("refund", sample)
                let run = try emulator.run("refund", event)
                #expect(run.status == 0, "refund/\(sample): \(run)")
                let result = try Self.unwrap(run, sample: sample, event: event)
                #expect(result["amount"] == 500)
                #expect(result["replayed"] == .bool(i > 0))
                record("refund", sample, result)
            }
            #expect(try emulator.refunds().count == 1)

            for sample in Self.envelopes {
                let event = try Self.load("refund-status", sample)
                let run = try emulator.run("refund-status", event)
                #expect(run.status == 0, "refund-status/\(sample): \(run)")
                let result = try Self.unwrap(run, sample: sample, event: event)
                #expect(result["out_refund_no"]?.stringValue == Self.sampleRefund)
                #expect(result["intent_id"]?.stringValue == Self.sampleIntent)
                #expect(result["amount"] == 500)
                #expect(["processing", "succeeded"].contains(result["status"]?.stringValue ?? ""), "\(result)")
                record("refund-status", sample, result)
            }

            #expect(try emulator.run("create-intent", Event.intent(key: Self.closeKey)).status == 0)
            for (i, sample) in Self.envelopes.enumerated() {
                let event = try Self.load("close-intent", sample)
                let run = try emulator.run("close-intent", event)
                #expect(run.status == 0, "close-intent/\(sample): \(run)")
                let result = try Self.unwrap(run, sample: sample, event: event)
                #expect(result["intent_id"]?.stringValue == Self.closeIntent)
                #expect(result["already_closed"] == .bool(i > 0))
                record("close-intent", sample, result)
            }

            try runWebhookSamples(emulator, record: record)
            try runRiskBatchSamples(record: record)

            #expect(try SchemaCheck.errors(outputs) == [])
        }

        /// The webhook samples as committed are signed by a key set that no longer exists: the webhook must reach
        /// signature verification and refuse them (401, exit 77). Re-signed for this emulator's key set, the same
        /// envelopes are accepted.
        func runWebhookSamples(_ emulator: Emulator, record: (String, String, JSONValue) -> Void) throws {
            let eventsFile = emulator.directory + "/events.ndjson"
            for sample in ["http.json", "apigateway.json"] {
                let event = try Self.load("webhook", sample)
                let stale = try emulator.run("webhook", event, env: ["WXPAY_EVENTS_FILE": eventsFile])
                #expect(stale.status == 77, "webhook/\(sample) as committed: \(stale)")
                #expect(try stale.json()["statusCode"] == 401)
                record("webhook", sample + " (as committed)", try stale.json())

                let fresh = try runProcess(try Executables.require("wxpay-simulate"), [
                    "notify", "--sandbox", emulator.directory + "/sandbox.json", "--out-trade-no", Self.sampleIntent,
                    "--idempotency-key", Self.sampleKey, "--attach", #"{"plan":"annual"}"#,
                ], environment: [:])
                #expect(fresh.status == 0, "\(fresh)")
                let notification = try fresh.json()
                guard case .object(var envelope) = event, case .object(var headers)? = event["headers"] else {
                    Issue.record("webhook/\(sample) is not an HTTP envelope")
                    continue
                }
                for name in headers.keys where name.lowercased().hasPrefix("wechatpay-") { headers[name] = nil }
                for (name, value) in notification["headers"]?.objectValue ?? [:] where name.lowercased().hasPrefix("wechatpay-") {
                    headers[name] = value
                }
                let body = notification["body"]?.stringValue ?? ""
                if headers["content-length"] != nil { headers["content-length"] = .string(String(body.utf8.count)) }
                envelope["headers"] = .object(headers)
                envelope["body"] = .string(body)
                let run = try emulator.run("webhook", .object(envelope), env: ["WXPAY_EVENTS_FILE": eventsFile])
                #expect(run.status == 0, "webhook/\(sample) re-signed: \(run)")
                let answer = try run.json()
                #expect(answer["statusCode"] == 200)
                if sample == "http.json" {
                    #expect(answer["event"]?["idempotency_key"]?.stringValue == Self.sampleKey)
                    #expect(answer["event"]?["type"] == "payment.success")
                } else {
                    #expect(answer["event"] == nil, "behind API Gateway the answer holds only the HTTP keys")
                }
                record("webhook", sample, answer)
            }
            let lines = ((try? String(contentsOfFile: eventsFile, encoding: .utf8)) ?? "").split(separator: "\n")
            #expect(lines.count == 2, "both accepted notifications were handed on")
        }

        func runRiskBatchSamples(record: (String, String, JSONValue) -> Void) throws {
            let ndjson = try System.readFile(Self.root + "/risk-batch/transactions.ndjson")
            let inputs = try String(decoding: ndjson, as: UTF8.self).split(separator: "\n").map {
                try JSONCoding.value(from: Array($0.utf8))
            }
            let run = try runProcess(try Executables.require("risk-batch"), stdin: ndjson, environment: [:])
            #expect(run.status == 0, "\(run)")
            let lines = try run.stdoutText.split(separator: "\n").map { try JSONCoding.value(from: Array($0.utf8)) }
            #expect(lines.map { $0["id"] } == inputs.map { $0["id"] }, "one answer per line, in order")
            #expect(lines.contains { $0["action"] == "block" }, "the sample shows a prohibited category")
            for (i, line) in lines.enumerated() { record("risk-batch", "transactions.ndjson:\(i + 1)", line) }

            let batch = try System.readFile(Self.root + "/risk-batch/batch.json")
            let batchRun = try runProcess(try Executables.require("risk-batch"), stdin: batch, environment: [:])
            #expect(batchRun.status == 0, "\(batchRun)")
            let answer = try batchRun.json()
            #expect(answer["results"]?.arrayValue?.count == inputs.count)
            #expect(answer["summary"]?["records"]?.intValue == Int64(inputs.count))
            record("risk-batch", "batch.json", answer)
        }
    }
}
