import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayPrivacy
import WxPaySandbox
import WxPayTestSupport

/// PIPL: with `WXPAY_EVENTS_SEAL=sm4`, what `webhook` stores (events file) and logs carries payment identifiers only
/// under SM4.
@Suite("webhook sealing")
struct WebhookSealingTests {
    @Test("WXPAY_EVENTS_SEAL=sm4: the events line is sealed and opens to the event; no clear order number is stored or logged")
    func sealedEventsAndLogs() throws {
        let sm4Key = "00112233445566778899aabbccddeeff"
        let keys = WebhookProcessTests.keys
        let world = try WebhookProcessTests.World(try keys.secretsFile(mode: .publicKey, sm4Key: sm4Key))
        defer { world.dir.remove() }
        let orderNo = "ai0123456789abcdef01234567-1"
        let result = try world.webhook(WebhookProcessTests.notification(outTradeNo: orderNo),
                                       environment: world.environment(extra: ["WXPAY_EVENTS_SEAL": "sm4"]))
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")

        let stored = String(decoding: try #require(world.dir.read("events.ndjson")), as: UTF8.self)
        #expect(!stored.contains(orderNo), "the events file holds the order number in clear")
        #expect(!result.stderr.contains(orderNo), "the log holds the order number in clear")
        #expect(result.stderr.contains("out_trade_no_sealed"))

        let line = try #require(stored.split(separator: "\n").first)
        let opened = try SealedLine(key: try #require(Hex.decode(sm4Key))).open(Array(line.utf8))
        let event = try JSONCoding.value(from: opened)
        #expect(event["out_trade_no"] == .string(orderNo))
        #expect(event["type"] == "payment.success")
    }

    @Test("WXPAY_EVENTS_SEAL=sm4 without an sm4_key: refused (78, SECRETS_INVALID naming sm4_key), nothing stored")
    func sealingWithoutKey() throws {
        let world = try WebhookProcessTests.World(try WebhookProcessTests.secrets())
        defer { world.dir.remove() }
        let result = try world.webhook(WebhookProcessTests.notification(),
                                       environment: world.environment(extra: ["WXPAY_EVENTS_SEAL": "sm4"]))
        #expect(result.status == 78)
        let body = try WebhookProcessTests.body(try result.json())
        #expect(body["error"]?["code"] == "SECRETS_INVALID")
        #expect(body["error"]?["field"] == "sm4_key")
        #expect(world.dir.read("events.ndjson") == nil)
    }
}
