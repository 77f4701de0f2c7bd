import KitCore
import Testing
import WxPayCore
import WxPayCrypto
@testable import WxPayPrivacy

/// The SM4-CTR + HMAC-SM3 sealing construction: round trips, and refusal of every alteration.
@Suite("Sealer")
struct SealerTests {
    static let key = hex("000102030405060708090a0b0c0d0e0f")
    static let context = "test/v1"

    let sealer = try! Sealer(key: SealerTests.key)

    @Test("seal then open returns the plaintext, for empty, short, block-sized and long inputs",
          arguments: [0, 1, 15, 16, 17, 1000, 70_000])
    func roundTrip(length: Int) throws {
        let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        let sealed = try sealer.seal(plaintext, context: Self.context)
        #expect(sealed.hasPrefix("wxs1."))
        #expect(try sealer.open(sealed, context: Self.context) == plaintext)
        // version + IV + ciphertext + tag, base64url without padding
        #expect(sealed.utf8.count == 5 + ((1 + 16 + length + 32) * 4 + 2) / 3)
    }

    @Test("two seals of the same plaintext differ (fresh random IV) and neither shows the plaintext")
    func freshIV() throws {
        let plaintext = bytes("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
        let a = try sealer.seal(plaintext, context: Self.context)
        let b = try sealer.seal(plaintext, context: Self.context)
        #expect(a != b)
        #expect(!a.contains("oUpF8u") && !b.contains("oUpF8u"))
    }

    @Test("a fixed IV gives a fixed output: the construction is exactly version ‖ iv ‖ SM4-CTR ‖ HMAC-SM3 tag")
    func layout() throws {
        let iv = [UInt8](repeating: 0x42, count: 16)
        let plaintext = bytes("hello")
        let text = try sealer.seal(plaintext, context: Self.context, iv: iv)
        let raw = try #require(Base64URL.decode(Array(text.utf8.dropFirst(5))))
        #expect(raw.first == 0x01)
        #expect(Array(raw[1...16]) == iv)
        let encKey = Array(SM3.hmac(key: Self.key, message: bytes("wxpay-agent-kit/seal/v1/enc")).prefix(16))
        let macKey = SM3.hmac(key: Self.key, message: bytes("wxpay-agent-kit/seal/v1/mac"))
        let ciphertext = try SM4.ctr(plaintext, key: encKey, counter: iv)
        #expect(Array(raw[17..<22]) == ciphertext)
        let label = bytes(Self.context)
        let tagInput = [0x01] + [0, 0, 0, UInt8(label.count)] + label + iv + ciphertext
        #expect(Array(raw.suffix(32)) == SM3.hmac(key: macKey, message: tagInput))
    }

    @Test("flipping any single bit of the sealed bytes is refused")
    func everyByteBitFlip() throws {
        let sealed = try sealer.seal(bytes("{\"PHONE_1\":\"13800138000\"}"), context: Self.context)
        let raw = try #require(Base64URL.decode(Array(sealed.utf8.dropFirst(5))))
        var refused = 0
        for i in raw.indices {
            for bit in 0..<8 {
                var altered = raw
                altered[i] ^= 1 << bit
                let text = "wxs1." + Base64URL.encode(altered)
                #expect(throws: SealError.self) { try sealer.open(text, context: Self.context) }
                refused += 1
            }
        }
        #expect(refused == raw.count * 8)
    }

    @Test("flipping any single bit of the text form is refused (canonical base64url: no second spelling)")
    func everyTextBitFlip() throws {
        let sealed = Array(try sealer.seal(bytes("x"), context: Self.context).utf8)
        for i in sealed.indices {
            for bit in 0..<8 {
                var altered = sealed
                altered[i] ^= 1 << bit
                let text = String(decoding: altered, as: UTF8.self)
                #expect(throws: SealError.self, "byte \(i) bit \(bit)") { try sealer.open(text, context: Self.context) }
            }
        }
    }

    @Test("every truncation and any appended character is refused")
    func truncationAndExtension() throws {
        let sealed = try sealer.seal(bytes("a mapping of some length"), context: Self.context)
        let chars = Array(sealed.utf8)
        for n in 0..<chars.count {
            let text = String(decoding: chars.prefix(n), as: UTF8.self)
            #expect(throws: SealError.self, "prefix of \(n)") { try sealer.open(text, context: Self.context) }
        }
        for extra in ["A", "AA", "AAAA", "_", "=", " ", "\n"] {
            #expect(throws: SealError.self) { try sealer.open(sealed + extra, context: Self.context) }
        }
    }

    @Test("another key, or another purpose, is refused as an authentication failure")
    func wrongKeyOrContext() throws {
        let sealed = try sealer.seal(bytes("secret"), context: Self.context)
        let other = try Sealer(key: hex("ffffffffffffffffffffffffffffffff"))
        for (opener, context) in [(other, Self.context), (sealer, "test/v2"), (sealer, "")] {
            do {
                _ = try opener.open(sealed, context: context)
                Issue.record("opened under the wrong key or context \(context)")
            } catch {
                #expect(error.code == .authenticationFailed)
            }
        }
    }

    @Test("what is not a sealed value says so; another construction version says that")
    func malformed() throws {
        for text in ["", "wxs1.", "hello", "wxs1.!!!!", "wxs1.AAAA", "WXS1.AAAA"] {
            do {
                _ = try sealer.open(text, context: Self.context)
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.code == .malformed, "\(text)")
            }
        }
        do {
            _ = try sealer.open("wxs2.AAAA", context: Self.context)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .unsupportedVersion)
        }
        // A well-formed value whose version byte is not 1.
        var raw = try #require(Base64URL.decode(Array(try sealer.seal([1], context: Self.context).utf8.dropFirst(5))))
        raw[0] = 0x02
        do {
            _ = try sealer.open("wxs1." + Base64URL.encode(raw), context: Self.context)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .unsupportedVersion)
        }
    }

    @Test("the master key must be 16 bytes")
    func keyLength() {
        for n in [0, 15, 17, 32] {
            #expect(throws: SealError.self) { try Sealer(key: [UInt8](repeating: 1, count: n)) }
        }
    }

    @Test("base64url is strict and round-trips every length", arguments: 0..<8)
    func base64url(length: Int) {
        let data = (0..<length).map { UInt8(255 - $0 * 3) }
        let text = Base64URL.encode(data)
        #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
        #expect(Base64URL.decode(Array(text.utf8)) == data)
    }

    @Test("base64url refuses padding, foreign characters, impossible lengths and non-zero spare bits")
    func base64urlRefusals() {
        for text in ["QQ==", "QQ=", "Q", "QR", "QUI", "QUJ", "a+b/", "ab c", "ab\n"] {
            let expectAccepted = text == "QUI"
            #expect((Base64URL.decode(Array(text.utf8)) != nil) == expectAccepted, "\(text)")
        }
    }
}
