import Testing
import WxPayCore
import WxPayCrypto

/// SM4 (GB/T 32907-2016) and SM3 (GB/T 32905-2016) known answers through OpenSSL, plus the modes built on them.
@Suite("SM4 and SM3 standard vectors")
struct SMVectorTests {
    // MARK: SM4

    @Test("GB/T 32907 example 1: one block, key = plaintext = 0123456789abcdeffedcba9876543210")
    func sm4SingleBlock() throws {
        let key = hex("0123456789abcdeffedcba9876543210")
        let ciphertext = try SM4.encryptBlock(key, key: key)
        #expect(Hex.encode(ciphertext) == "681edf34d206965e86b3e94f536e4246")
        #expect(try SM4.decryptBlock(ciphertext, key: key) == key)
    }

    @Test("GB/T 32907 example 2: the block encrypted 1,000,000 times")
    func sm4MillionRounds() throws {
        let key = hex("0123456789abcdeffedcba9876543210")
        let cipher = try SM4.BlockCipher(key: key)
        let clock = ContinuousClock()
        var result: [UInt8] = []
        let elapsed = try clock.measure { result = try cipher.iterate(key, rounds: 1_000_000) }
        #expect(Hex.encode(result) == "595298c7c6fd271f0402f804c33d3f66")
        print("SM4 1,000,000 block encryptions: \(elapsed)")
    }

    @Test("draft-ribose-cfrg-sm4-10 A.1.4: a second key")
    func sm4SecondKey() throws {
        let ciphertext = try SM4.encryptBlock(hex("000102030405060708090a0b0c0d0e0f"),
                                              key: hex("fedcba98765432100123456789abcdef"))
        #expect(Hex.encode(ciphertext) == "f766678f13f01adeac1b3ea955adb594")
    }

    @Test("draft-ribose-cfrg-sm4-10 A.2.5: SM4-CTR", arguments: [
        ("0123456789abcdeffedcba9876543210",
         "ac3236cb970cc20791364c395a1342d1a3cbc1878c6f30cd074cce385cdd70c7f234bc0e24c11980fd1286310ce37b926e02fcd0faa0baf38b2933851d824514"),
        ("fedcba98765432100123456789abcdef",
         "5dcccd25b95ab07417a08512ee160e2f8f661521cbbab44cc87138445bc29e5c0ae0297205d62704173b21239b887f6c8cb5b800917a2488284bde9e16ea2906"),
    ])
    func sm4CTR(key: String, expected: String) throws {
        let plaintext = hex(["aa", "bb", "cc", "dd", "ee", "ff", "aa", "bb"].map { String(repeating: $0, count: 8) }.joined())
        let iv = hex("000102030405060708090a0b0c0d0e0f")
        let ciphertext = try SM4.ctr(plaintext, key: hex(key), counter: iv)
        #expect(Hex.encode(ciphertext) == expected)
        #expect(try SM4.ctr(ciphertext, key: hex(key), counter: iv) == plaintext)
    }

    @Test("SM4-CTR is the ECB keystream of a 128-bit big-endian counter, carry included, for any length")
    func sm4CTRMatchesECBKeystream() throws {
        let key = hex("0123456789abcdeffedcba9876543210")
        let counter = hex("00000000000000ffffffffffffffffff")  // the increment carries across 64 bits
        let plaintext = (0..<61).map { UInt8($0 * 7 & 0xFF) }  // not a multiple of the block
        var keystream: [UInt8] = []
        var block = counter
        while keystream.count < plaintext.count {
            keystream += try SM4.encryptBlock(block, key: key)
            for i in stride(from: 15, through: 0, by: -1) {
                block[i] &+= 1
                if block[i] != 0 { break }
            }
        }
        let expected = zip(plaintext, keystream).map { $0 ^ $1 }
        #expect(try SM4.ctr(plaintext, key: key, counter: counter) == expected)
        #expect(try SM4.ctr([], key: key, counter: counter) == [])
    }

    @Test("SM4 refuses keys, blocks and counters that are not 16 bytes")
    func sm4Sizes() {
        #expect(throws: CryptoError.self) { try SM4.encryptBlock([UInt8](repeating: 0, count: 16), key: [1, 2, 3]) }
        #expect(throws: CryptoError.self) { try SM4.encryptBlock([1], key: [UInt8](repeating: 0, count: 16)) }
        #expect(throws: CryptoError.self) { try SM4.ctr([1], key: [UInt8](repeating: 0, count: 32), counter: [UInt8](repeating: 0, count: 16)) }
        #expect(throws: CryptoError.self) { try SM4.ctr([1], key: [UInt8](repeating: 0, count: 16), counter: [0]) }
    }

    // MARK: SM3

    @Test("GB/T 32905 example 1: SM3(\"abc\")")
    func sm3Abc() {
        #expect(Hex.encode(SM3.hash(bytes("abc")))
            == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    }

    @Test("GB/T 32905 example 2: SM3 of \"abcd\" × 16 (one 512-bit block before padding)")
    func sm3SixtyFourBytes() {
        #expect(Hex.encode(SM3.hash(bytes(String(repeating: "abcd", count: 16))))
            == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")
    }

    @Test("HMAC-SM3 is RFC 2104 over SM3: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), long keys hashed first",
          arguments: [0, 16, 64, 65, 100])
    func hmacStructure(keyLength: Int) {
        let key = (0..<keyLength).map { UInt8(($0 * 31 + 5) & 0xFF) }
        let message = bytes("wxpay-agent-kit HMAC-SM3 structure check")
        var k = key.count > SM3.blockLength ? SM3.hash(key) : key
        k += [UInt8](repeating: 0, count: SM3.blockLength - k.count)
        let inner = SM3.hash(k.map { $0 ^ 0x36 } + message)
        let expected = SM3.hash(k.map { $0 ^ 0x5C } + inner)
        #expect(SM3.hmac(key: key, message: message) == expected)
    }

    @Test("HMAC-SM3 known answer (RFC 4231 case 2 inputs: key \"Jefe\")")
    func hmacKnownAnswer() {
        #expect(Hex.encode(SM3.hmac(key: bytes("Jefe"), message: bytes("what do ya want for nothing?")))
            == "2e87f1d16862e6d964b50a5200bf2b10b764faa9680a296a2405f24bec39f882")
    }
}
