import Foundation
import KitCore
import Testing

@Suite("Base64Codec: the one base64 codec")
struct Base64CodecTests {
    /// RFC 4648 §10 test vectors.
    static let rfc: [(String, String)] = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                                          ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]

    @Test("RFC 4648 vectors, both ways", arguments: rfc)
    func vectors(_ plain: String, _ encoded: String) {
        #expect(Base64Codec.standard.encode(Array(plain.utf8)) == encoded)
        #expect(Base64Codec.standard.decode(encoded) == Array(plain.utf8))
        let url = encoded.replacingOccurrences(of: "=", with: "")
        #expect(Base64Codec.url.encode(Array(plain.utf8)) == url)
        #expect(Base64Codec.url.decode(url) == Array(plain.utf8))
    }

    @Test("agrees with Foundation's encoder and decoder on every length 0…300 (an independent implementation)")
    func foundationOracle() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let foundation = Data(bytes).base64EncodedString()
            #expect(Base64Codec.standard.encode(bytes) == foundation)
            #expect(Base64Codec.standard.decode(foundation) == bytes)
            let url = foundation.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64Codec.url.encode(bytes) == url)
            #expect(Base64Codec.url.decode(url) == bytes)
        }
    }

    @Test("non-canonical or foreign text is refused", arguments: [
        "Zh==", "Zm9=", "Zg", "Zg=", "Z===", "Zm9v\n", " Zm9v", "Zm9v=", "Zm-v", "Zm_v", "Zg==Zg==", "=Zg=", "Zm9vYg=a",
    ])
    func refusedStandard(_ text: String) {
        #expect(Base64Codec.standard.decode(text) == nil)
    }

    @Test("base64url refuses padding, the standard alphabet and non-canonical tails",
          arguments: ["Zg==", "Zm+v", "Zm/v", "Zh", "Zm9", "Z"])
    func refusedURL(_ text: String) {
        #expect(Base64Codec.url.decode(text) == nil)
    }
}
