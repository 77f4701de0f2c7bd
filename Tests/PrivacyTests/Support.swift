import KitCore
import WxPayCore
import WxPayCrypto

func hex(_ text: String) -> [UInt8] { Hex.decode(text)! }
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Secrets files generated at test time (no key is committed).
enum TestSecrets {
    /// One RSA key for every test: generating one takes a while and its value is irrelevant here.
    static let merchantKey: RSAPrivateKey = try! RSAPrivateKey.generate()
    static let platformKey: RSAPrivateKey = try! RSAPrivateKey.generate()

    /// A secrets file's JSON, with `sm4_key` when given.
    static func json(sm4Key: String?) throws -> [UInt8] {
        var o: [String: JSONValue] = [
            "mchid": "1900000109", "appid": "wxd678efh567hg6787",
            "merchant_serial_no": "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
            "merchant_private_key": .string(try merchantKey.pkcs8PEM()),
            "apiv3_key": "0123456789abcdef0123456789abcdef",
            "wechatpay_public_keys": ["PUB_KEY_ID_0119000001092025": .string(try platformKey.publicKey.pem())],
        ]
        if let sm4Key { o["sm4_key"] = .string(sm4Key) }
        return try JSONCoding.encode(JSONValue.object(o))
    }

    /// Parsed secrets, with `sm4_key` when given.
    static func secrets(sm4Key: String?) throws -> Secrets { try Secrets.parse(json(sm4Key: sm4Key)) }
}
