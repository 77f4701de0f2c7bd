import KitCore
import WxPayCore
import WxPayCrypto

/// A complete, freshly generated local key set: both sides of WeChat Pay v3 for tests, the simulator and the
/// emulator. Never used with the real WeChat Pay.
///
/// - Merchant side: RSA key, API certificate (its serial is `merchant_serial_no`), APIv3 key.
/// - WeChat Pay side: platform RSA key, platform certificate (certificate mode) and the same key as a
///   `PUB_KEY_ID_...` public key (public-key mode).
public struct SandboxKeySet: Sendable {
    public var mchid: String
    public var appid: String
    public var apiV3Key: String
    public var merchantKey: RSAPrivateKey
    public var merchantCertificate: X509Certificate
    public var platformKey: RSAPrivateKey
    public var platformCertificate: X509Certificate
    public var publicKeyID: String

    /// How the merchant verifies WeChat Pay: public-key ids, platform certificates, or both (migration).
    public enum VerificationMode: String, Sendable, CaseIterable {
        case publicKey = "public-key"
        case certificate
        case both
    }

    /// Generates a new key set (two RSA-2048 keys; about 0.1–0.5 s).
    public static func generate(mchid: String = "1900000109", appid: String = "wxd678efh567hg6787")
        throws(CryptoError) -> SandboxKeySet
    {
        let now = System.unixTime()
        let merchantKey = try RSAPrivateKey.generate()
        let platformKey = try RSAPrivateKey.generate()
        let merchantSerial = Hex.encode(SecureRandom.bytes(20)).uppercased()
        let platformSerial = Hex.encode(SecureRandom.bytes(20)).uppercased()
        // Leading zero bytes would be dropped by the ASN.1 integer; keep serials 40 digits long.
        let ms = "5" + merchantSerial.dropFirst()
        let ps = "7" + platformSerial.dropFirst()
        let digits = SecureRandom.bytes(16).map { String($0 % 10) }.joined()
        return SandboxKeySet(
            mchid: mchid, appid: appid, apiV3Key: SecureRandom.alphanumeric(32),
            merchantKey: merchantKey,
            merchantCertificate: try .selfSigned(key: merchantKey, serialHex: ms, commonName: "\(mchid) merchant",
                                                 notBefore: now - 86400, days: 3650),
            platformKey: platformKey,
            platformCertificate: try .selfSigned(key: platformKey, serialHex: ps, commonName: "Tenpay.com Root CA test",
                                                 notBefore: now - 86400, days: 3650),
            publicKeyID: "PUB_KEY_ID_0119\(mchid)\(digits)")
    }

    /// The serial (certificate mode) or key id (public-key mode) WeChat Pay signs with.
    public func signingSerial(mode: VerificationMode) -> String {
        mode == .certificate ? platformCertificate.serialNumber : publicKeyID
    }

    /// The merchant's secrets file (docs/secrets.md).
    public func secretsFile(
        mode: VerificationMode, apiBase: String? = nil, notifyURL: String? = nil, forwardURL: String? = nil,
        forwardSecret: String? = nil, sm4Key: String? = nil, pkcs1: Bool = false
    ) throws(CryptoError) -> JSONValue {
        var o: [String: JSONValue] = [
            "mchid": .string(mchid), "appid": .string(appid),
            "merchant_serial_no": .string(merchantCertificate.serialNumber),
            "merchant_private_key": .string(pkcs1 ? try merchantKey.pkcs1PEM() : try merchantKey.pkcs8PEM()),
            "apiv3_key": .string(apiV3Key),
        ]
        if mode != .certificate {
            o["wechatpay_public_keys"] = [publicKeyID: .string(try platformKey.publicKey.pem())]
        }
        if mode != .publicKey {
            o["wechatpay_certificates"] = [platformCertificate.serialNumber: .string(try platformCertificate.pem())]
        }
        if let apiBase { o["api_base"] = .string(apiBase) }
        if let notifyURL { o["notify_url"] = .string(notifyURL) }
        if let forwardURL { o["forward_url"] = .string(forwardURL) }
        if let forwardSecret { o["forward_secret"] = .string(forwardSecret) }
        if let sm4Key { o["sm4_key"] = .string(sm4Key) }
        return .object(o)
    }

    /// WeChat Pay's side of the key set, for the simulator and emulator (`sandbox.json`). Holds private keys:
    /// written with mode 0600 and meant for local use only.
    public func sandboxFile(mode: VerificationMode) throws(CryptoError) -> JSONValue {
        [
            "mchid": .string(mchid), "appid": .string(appid), "apiv3_key": .string(apiV3Key),
            "mode": .string(mode.rawValue),
            "platform_private_key": .string(try platformKey.pkcs8PEM()),
            "platform_certificate": .string(try platformCertificate.pem()),
            "public_key_id": .string(publicKeyID),
            "merchant_certificate": .string(try merchantCertificate.pem()),
        ]
    }

    /// Reads back what ``sandboxFile(mode:)`` wrote, returning WeChat Pay's half and the mode.
    public static func wechatSide(from value: JSONValue) throws(CryptoError) -> WeChatSide {
        guard let mchid = value["mchid"]?.stringValue, let appid = value["appid"]?.stringValue,
              let v3 = value["apiv3_key"]?.stringValue, let pk = value["platform_private_key"]?.stringValue,
              let pc = value["platform_certificate"]?.stringValue, let id = value["public_key_id"]?.stringValue,
              let mc = value["merchant_certificate"]?.stringValue
        else { throw CryptoError(.invalidPEM, "sandbox file lacks a field") }
        let mode = value["mode"]?.stringValue.flatMap(VerificationMode.init(rawValue:)) ?? .publicKey
        return WeChatSide(mchid: mchid, appid: appid, apiV3Key: v3, platformKey: try RSAPrivateKey(pem: pk),
                          platformCertificate: try X509Certificate(pem: pc), publicKeyID: id,
                          merchantCertificate: try X509Certificate(pem: mc), mode: mode)
    }

    /// WeChat Pay's half.
    public func wechatSide(mode: VerificationMode) -> WeChatSide {
        WeChatSide(mchid: mchid, appid: appid, apiV3Key: apiV3Key, platformKey: platformKey,
                   platformCertificate: platformCertificate, publicKeyID: publicKeyID,
                   merchantCertificate: merchantCertificate, mode: mode)
    }
}

/// What WeChat Pay holds: its own signing key, the merchant's certificate (to verify requests), the APIv3 key.
public struct WeChatSide: Sendable {
    public var mchid: String
    public var appid: String
    public var apiV3Key: String
    public var platformKey: RSAPrivateKey
    public var platformCertificate: X509Certificate
    public var publicKeyID: String
    public var merchantCertificate: X509Certificate
    public var mode: SandboxKeySet.VerificationMode

    /// The `Wechatpay-Serial` this side signs with.
    public var signingSerial: String { mode == .certificate ? platformCertificate.serialNumber : publicKeyID }

    /// Signs `TIMESTAMP\nNONCE\nBODY\n` like WeChat Pay, returning the four `Wechatpay-*` headers.
    public func signedHeaders(body: [UInt8], timestamp: Int64, nonce: String? = nil, serial: String? = nil)
        throws(CryptoError) -> [(name: String, value: String)]
    {
        let n = nonce ?? SecureRandom.alphanumeric(32)
        let sig = try platformKey.signSHA256(SignatureVerifier.message(timestamp: String(timestamp), nonce: n, body: body))
        return [("Wechatpay-Timestamp", String(timestamp)), ("Wechatpay-Nonce", n),
                ("Wechatpay-Signature", Base64.encode(sig)), ("Wechatpay-Serial", serial ?? signingSerial)]
    }
}
