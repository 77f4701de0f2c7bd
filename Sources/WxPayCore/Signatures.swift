import KitCore
import WxPayCrypto

/// Signs requests to WeChat Pay: the `WECHATPAY2-SHA256-RSA2048` `Authorization` header.
public struct RequestSigner: Sendable {
    /// The authorization scheme.
    public static let scheme = "WECHATPAY2-SHA256-RSA2048"

    let mchid: String
    let serialNumber: String
    let key: @Sendable () throws(WxPayError) -> RSAPrivateKey

    /// A signer for the merchant in `secrets` (the key is parsed on the first signature).
    public init(secrets: Secrets) {
        let lazy = secrets.merchantKey
        self.mchid = secrets.mchid
        self.serialNumber = secrets.merchantSerialNumber
        self.key = { () throws(WxPayError) in try lazy.value() }
    }

    /// A signer for an explicit merchant (tests, the emulator's clients).
    public init(mchid: String, serialNumber: String, key: RSAPrivateKey) {
        self.mchid = mchid
        self.serialNumber = serialNumber
        self.key = { () throws(WxPayError) in key }
    }

    /// The signed message: `METHOD\nCANONICAL_URL\nTIMESTAMP\nNONCE\nBODY\n`.
    public static func message(method: String, canonicalURL: String, timestamp: Int64, nonce: String, body: [UInt8])
        -> [UInt8]
    {
        Array("\(method)\n\(canonicalURL)\n\(timestamp)\n\(nonce)\n".utf8) + body + [0x0A]
    }

    /// The `Authorization` header value for one request.
    /// - Parameters:
    ///   - canonicalURL: path plus `?query` as sent, without scheme and host.
    public func authorization(
        method: String, canonicalURL: String, body: [UInt8], timestamp: Int64, nonce: String
    ) throws(WxPayError) -> String {
        let msg = RequestSigner.message(method: method, canonicalURL: canonicalURL, timestamp: timestamp, nonce: nonce,
                                        body: body)
        let signature: [UInt8]
        let privateKey = try key()
        do { signature = try privateKey.signSHA256(msg) } catch {
            throw .internalError("request signing failed: \(error.message)")
        }
        return "\(RequestSigner.scheme) mchid=\"\(mchid)\",nonce_str=\"\(nonce)\",timestamp=\"\(timestamp)\","
            + "serial_no=\"\(serialNumber)\",signature=\"\(Base64.encode(signature))\""
    }

    /// Signs an arbitrary message with the merchant key (JSAPI `paySign`, APP `sign`), base64.
    public func sign(_ message: String) throws(WxPayError) -> String {
        let privateKey = try key()
        do { return Base64.encode(try privateKey.signSHA256(Array(message.utf8))) } catch {
            throw .internalError("signing failed: \(error.message)")
        }
    }
}

/// The four headers WeChat Pay signs answers and notifications with.
public struct SignedHeaders: Sendable, Equatable {
    public var timestamp: String?
    public var nonce: String?
    public var signature: String?
    public var serial: String?
    public var signatureType: String?

    /// Reads the headers from a case-insensitive lookup.
    public init(lookup: (String) -> String?) {
        timestamp = lookup("wechatpay-timestamp")
        nonce = lookup("wechatpay-nonce")
        signature = lookup("wechatpay-signature")
        serial = lookup("wechatpay-serial")
        signatureType = lookup("wechatpay-signature-type")
    }
}

/// Verifies WeChat Pay signatures over `TIMESTAMP\nNONCE\nBODY\n` with the key chosen by `Wechatpay-Serial`.
public enum SignatureVerifier {
    /// The only supported `Wechatpay-Signature-Type` (also the default when the header is absent).
    public static let supportedType = "WECHATPAY2-SHA256-RSA2048"
    /// The prefix of WeChat Pay's signature-probe traffic.
    public static let probePrefix = "WECHATPAY/SIGNTEST/"
    /// Allowed clock difference, seconds. A difference of exactly this much is accepted.
    public static let window: Int64 = 300

    /// The verified message bytes.
    public static func message(timestamp: String, nonce: String, body: [UInt8]) -> [UInt8] {
        Array("\(timestamp)\n\(nonce)\n".utf8) + body + [0x0A]
    }

    /// Checks every header and the signature over the raw `body` bytes.
    /// - Throws: a 77 ``WxPayError`` whose code says which check failed: `SIGNATURE_MISSING`,
    ///   `SIGNATURE_TYPE_UNSUPPORTED`, `SIGNATURE_PROBE`, `TIMESTAMP_INVALID`, `TIMESTAMP_OUT_OF_WINDOW`,
    ///   `UNKNOWN_SERIAL`, `SIGNATURE_INVALID`.
    public static func verify(_ headers: SignedHeaders, body: [UInt8], secrets: Secrets, now: Int64)
        throws(WxPayError)
    {
        guard let timestamp = headers.timestamp, let nonce = headers.nonce, let signature = headers.signature,
              let serial = headers.serial, !signature.isEmpty, !serial.isEmpty, !nonce.isEmpty
        else {
            throw .authentication("SIGNATURE_MISSING",
                                  "Wechatpay-Timestamp, -Nonce, -Signature and -Serial headers are all required")
        }
        if let type = headers.signatureType, type != supportedType {
            throw .authentication("SIGNATURE_TYPE_UNSUPPORTED",
                                  "Wechatpay-Signature-Type \"\(Untrusted.excerpt(type))\" is not supported (only \(supportedType))")
        }
        if signature.hasPrefix(probePrefix) {
            throw .authentication("SIGNATURE_PROBE", "signature probe (WECHATPAY/SIGNTEST/) refused as WeChat Pay expects")
        }
        guard let ts = Untrusted.unixSeconds(timestamp) else {
            throw .authentication("TIMESTAMP_INVALID", "Wechatpay-Timestamp is not Unix seconds")
        }
        guard Untrusted.within(ts, now, window: window) else {
            throw .authentication("TIMESTAMP_OUT_OF_WINDOW",
                                  "Wechatpay-Timestamp is \(Untrusted.distance(ts, now)) s from now (more than \(window) s): stale or replayed")
        }
        guard let key = try secrets.verificationKey(forSerial: serial, at: now) else {
            throw .authentication("UNKNOWN_SERIAL",
                                  "Wechatpay-Serial \"\(Untrusted.excerpt(serial))\" is not a public key id or valid platform certificate in the secrets file")
        }
        guard let raw = Base64.decode(signature),
              key.verifySHA256(signature: raw, message: message(timestamp: timestamp, nonce: nonce, body: body))
        else {
            throw .authentication("SIGNATURE_INVALID", "the WeChat Pay signature does not match the body")
        }
    }
}

/// Decrypts `AEAD_AES_256_GCM` resources (notifications, certificate downloads) with the APIv3 key.
public enum ResourceCipher {
    /// The only algorithm WeChat Pay uses for RSA merchants.
    public static let algorithm = "AEAD_AES_256_GCM"

    /// Decrypts a base64 ciphertext‖tag with `nonce` and `associatedData`.
    /// - Throws: `DECRYPTION_FAILED` (77).
    public static func decrypt(ciphertext: String, nonce: String, associatedData: String, apiV3Key: [UInt8])
        throws(WxPayError) -> [UInt8]
    {
        guard let sealed = Base64.decode(ciphertext) else {
            throw .authentication("DECRYPTION_FAILED", "resource.ciphertext is not base64")
        }
        do {
            return try AESGCM.open(sealed, key: apiV3Key, nonce: Array(nonce.utf8), associatedData: Array(associatedData.utf8))
        } catch {
            throw .authentication("DECRYPTION_FAILED",
                                  "the resource does not decrypt with the APIv3 key, nonce and associated data")
        }
    }

    /// Encrypts a plaintext resource (simulator and emulator).
    public static func encrypt(plaintext: [UInt8], nonce: String, associatedData: String, apiV3Key: [UInt8])
        throws(WxPayError) -> String
    {
        do {
            return Base64.encode(try AESGCM.seal(plaintext, key: apiV3Key, nonce: Array(nonce.utf8),
                                                 associatedData: Array(associatedData.utf8)))
        } catch { throw .internalError("encryption failed: \(error.message)") }
    }
}

/// Signs and verifies the `Wxpay-Agent-Signature` header on events forwarded to the agent
/// (`t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`).
public enum ForwardSignature {
    /// The header value for `body` at `timestamp`.
    public static func header(secret: [UInt8], timestamp: Int64, body: [UInt8]) -> String {
        let mac = Digest.hmacSHA256(key: secret, message: Array("\(timestamp).".utf8) + body)
        return "t=\(timestamp),v1=\(Hex.encode(mac))"
    }

    /// Verifies a header value within `window` seconds of `now` (for receivers and tests).
    public static func verify(header: String, secret: [UInt8], body: [UInt8], now: Int64, window: Int64 = 300) -> Bool {
        guard header.utf8.count <= 256 else { return false }
        var t: Int64?
        var v1: [UInt8]?
        for part in header.split(separator: ",") {
            if part.hasPrefix("t=") { t = Untrusted.unixSeconds(part.dropFirst(2)) }
            if part.hasPrefix("v1=") { v1 = Hex.decode(String(part.dropFirst(3))) }
        }
        guard let t, let v1, v1.count == 32, Untrusted.within(now, t, window: window) else { return false }
        let mac = Digest.hmacSHA256(key: secret, message: Array("\(t).".utf8) + body)
        return Digest.constantTimeEquals(mac, v1)
    }
}
