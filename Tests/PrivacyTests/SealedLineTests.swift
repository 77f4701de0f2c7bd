import KitCore
import Testing
import WxPayCore
import WxPayPrivacy

/// Sealing conversational payment data at rest: one events-file line at a time.
@Suite("Sealed events lines")
struct SealedLineTests {
    static let keyHex = "00112233445566778899aabbccddeeff"
    let line = Array(#"{"id":"EV-1","out_trade_no":"T1","payer_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#.utf8)

    @Test("a sealed line is one JSON object with one member, hides the content, and opens to the original")
    func roundTrip() throws {
        let sealer = try SealedLine(key: hex(Self.keyHex))
        let sealed = try sealer.seal(line)
        #expect(!sealed.contains(0x0A))
        let object = try #require(try JSONCoding.value(from: sealed).objectValue)
        #expect(object.count == 1 && object["sealed"]?.stringValue?.hasPrefix("wxs1.") == true)
        #expect(!String(decoding: sealed, as: UTF8.self).contains("oUpF8u"))
        #expect(SealedLine.isSealed(sealed) && !SealedLine.isSealed(line))
        #expect(try sealer.open(sealed) == line)
    }

    @Test("an altered line, a plain line, or a line under another key is refused")
    func refusals() throws {
        let sealer = try SealedLine(key: hex(Self.keyHex))
        var sealed = try sealer.seal(line)
        #expect(throws: SealError.self) { try sealer.open(line) }
        #expect(throws: SealError.self) {
            try SealedLine(key: hex("ffeeddccbbaa99887766554433221100")).open(sealed)
        }
        sealed[sealed.count - 5] ^= 0x01
        #expect(throws: SealError.self) { try sealer.open(sealed) }
    }

    @Test("a sealed PII mapping cannot pass for an events line (purpose binding)")
    func contextBinding() throws {
        let key = hex(Self.keyHex)
        let mapping = try Sealer(key: key).seal(line, context: PlaceholderMap.sealContext)
        let forged = Array("{\"sealed\":\"\(mapping)\"}".utf8)
        #expect(throws: SealError.self) { try SealedLine(key: key).open(forged) }
    }

    @Test("WXPAY_EVENTS_SEAL: off when unset, empty or none; sm4 seals under sm4_key")
    func configuration() throws {
        let secrets = try TestSecrets.secrets(sm4Key: Self.keyHex)
        #expect(try SealedLine.configured(environment: [:], secrets: secrets) == nil)
        #expect(try SealedLine.configured(environment: ["WXPAY_EVENTS_SEAL": ""], secrets: secrets) == nil)
        #expect(try SealedLine.configured(environment: ["WXPAY_EVENTS_SEAL": "none"], secrets: secrets) == nil)
        let sealer = try #require(try SealedLine.configured(environment: ["WXPAY_EVENTS_SEAL": "sm4"], secrets: secrets))
        #expect(try SealedLine(key: hex(Self.keyHex)).open(sealer.seal(line)) == line)
    }

    @Test("WXPAY_EVENTS_SEAL=sm4 without sm4_key is SECRETS_INVALID naming sm4_key; an unknown mode is refused")
    func misconfiguration() throws {
        let noKey = try TestSecrets.secrets(sm4Key: nil)
        #expect {
            try SealedLine.configured(environment: ["WXPAY_EVENTS_SEAL": "sm4"], secrets: noKey)
        } throws: { error in
            let e = error as? WxPayError
            return e?.code == "SECRETS_INVALID" && e?.exitStatus == 78 && e?.details["field"] == "sm4_key"
        }
        #expect {
            try SealedLine.configured(environment: ["WXPAY_EVENTS_SEAL": "aes"], secrets: noKey)
        } throws: { ($0 as? WxPayError)?.code == "CONFIG_INVALID" }
    }
}
