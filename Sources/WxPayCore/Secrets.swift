import FoundationEssentials
import KitCore
import Synchronization
import WxPayCrypto
import WxPayHTTP

/// The merchant's key material and settings, read from the secrets file (docs/secrets.md).
///
/// Loaded, parsed and validated anew on every invocation, so a rotated file takes effect on the next call with no
/// restart. `description` never shows a secret value.
public struct Secrets: Sendable, CustomStringConvertible {
    /// The default path when `WXPAY_SECRETS_FILE` is unset.
    public static let defaultPath = "/run/secrets/wxpay.json"
    /// WeChat Pay's production API host.
    public static let productionAPIBase = "https://api.mch.weixin.qq.com"

    /// Merchant id (digits).
    public let mchid: String
    /// The app id the merchant pays under.
    public let appid: String
    /// Serial number of the merchant API certificate (upper-case hex), sent as `serial_no`.
    public let merchantSerialNumber: String
    /// The merchant's signing key, parsed by OpenSSL on first use (structurally checked at load).
    let merchantKey: LazyKey<RSAPrivateKey>
    /// The APIv3 key (32 bytes) for AEAD_AES_256_GCM.
    let apiV3Key: [UInt8]
    /// Public-key mode keys by `PUB_KEY_ID_...`, each parsed by OpenSSL only when a signature names it.
    public let wechatPayPublicKeys: [String: LazyKey<RSAPublicKey>]
    /// Platform-certificate mode certificates by serial (upper-case hex).
    public let wechatPayCertificates: [String: X509Certificate]
    /// Where WeChat Pay sends notifications.
    public let notifyURL: String?
    /// API base URL, without a trailing slash.
    public let apiBase: String
    /// Where `webhook` forwards accepted events.
    public let forwardURL: String?
    /// HMAC key for `Wxpay-Agent-Signature`.
    let forwardSecret: [UInt8]?
    /// SM4 key for sealing (16 bytes).
    let sm4Key: [UInt8]?
    /// A merchant confirm page for jsapi/mini-program intents, if configured.
    public let confirmPageURL: String?
    /// The public base URL of wxpay-server (`public_url`, no trailing slash): with it, `confirmation_url` points at
    /// the server's hosted confirmation page `{public_url}/pay/{intent_id}?t=TOKEN` (docs/server.md#the-payment-page).
    public let publicURL: String?
    /// The HMAC key of the payment page's tokens (`page_key`, at least 32 bytes); required with `public_url`.
    let pageKey: [UInt8]?
    /// The merchant's name as the payment page shows it (`merchant_name`), if configured.
    public let merchantName: String?

    public var description: String {
        "Secrets(mchid: \(mchid), appid: \(appid), public keys: \(wechatPayPublicKeys.keys.sorted()), "
            + "certificates: \(wechatPayCertificates.keys.sorted()), secrets: <redacted>)"
    }

    /// The APIv3 key, for decrypting resources. Kept internal to the core except through this accessor.
    public var apiV3KeyBytes: [UInt8] { apiV3Key }
    /// The forwarding HMAC secret, if configured.
    public var forwardSecretBytes: [UInt8]? { forwardSecret }
    /// The SM4 sealing key, if configured.
    public var sm4KeyBytes: [UInt8]? { sm4Key }
    /// The payment page's token key, if configured.
    public var pageKeyBytes: [UInt8]? { pageKey }

    /// Loads the secrets from their source: `WXPAY_SECRETS_URL` when set (``SecretsSource``), else the file named
    /// by `WXPAY_SECRETS_FILE` (or ``defaultPath``). The one entry point every function and server uses; call it
    /// per invocation, so rotated secrets take effect without a restart.
    /// - Throws: `SECRETS_SOURCE_INVALID`, `SECRETS_NOT_FOUND`, `SECRETS_UNAVAILABLE` or `SECRETS_INVALID`
    ///   (exit 78), never quoting a secret value.
    public static func load(environment: [String: String]) throws(WxPayError) -> Secrets {
        try parse(try document(environment: environment))
    }

    /// The file the secrets are read from, or `nil` when their source is not a file (the AWS extension): a
    /// long-lived process may skip re-parsing a file that has not changed; any other source it asks every time.
    /// - Throws: `SECRETS_SOURCE_INVALID` for a malformed `WXPAY_SECRETS_URL`.
    public static func filePath(environment: [String: String]) throws(WxPayError) -> String? {
        if case .file(let path) = try SecretsSource(environment: environment) { return path }
        return nil
    }

    /// The secrets document's bytes, read from its source now (unparsed; ``parse(_:)`` validates them).
    /// - Throws: as ``load(environment:)`` does before parsing.
    public static func document(environment: [String: String]) throws(WxPayError) -> [UInt8] {
        switch try SecretsSource(environment: environment) {
        case .file(let path):
            do { return try System.readFile(path, limit: maxBytes) } catch { throw .secretsNotFound(path, error.reason) }
        case .aws(let ssm, let name):
            return try AWSSecretsExtension.value(ssm: ssm, name: name, environment: environment)
        }
    }

    /// The largest secrets document accepted, from any source.
    static let maxBytes = 1 << 20

    /// Parses and validates the JSON text of a secrets file.
    /// - Parameter requiringVerificationKey: `false` only for `download-certificates`' bootstrap, whose file may not
    ///   hold any WeChat Pay public key or platform certificate yet.
    public static func parse(_ bytes: [UInt8], requiringVerificationKey: Bool = true) throws(WxPayError) -> Secrets {
        let raw: RawSecrets
        do {
            raw = try JSONCoding.decode(RawSecrets.self, from: bytes)
        } catch let DecodingError.typeMismatch(_, context) where !context.codingPath.isEmpty {
            throw .secretsInvalid(context.codingPath.map(\.stringValue).joined(separator: "."), "has the wrong type")
        } catch {
            // Never echo the decoder's message: it may quote the file's content.
            throw .secretsInvalid("(file)", "is not a JSON object of the documented shape")
        }
        return try Secrets(validating: raw, requiringVerificationKey: requiringVerificationKey)
    }

    private init(validating raw: RawSecrets, requiringVerificationKey: Bool) throws(WxPayError) {
        func required(_ value: String?, _ field: String) throws(WxPayError) -> String {
            guard let value, !value.isEmpty else { throw .secretsInvalid(field, "is missing") }
            return value
        }
        mchid = try required(raw.mchid, "mchid")
        guard mchid.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), mchid.utf8.count <= 32 else {
            throw .secretsInvalid("mchid", "must be the merchant's digits")
        }
        appid = try required(raw.appid, "appid")
        let serial = try required(raw.merchant_serial_no, "merchant_serial_no")
        guard serial.utf8.allSatisfy({ isHexDigit($0) }) else {
            throw .secretsInvalid("merchant_serial_no", "must be hexadecimal")
        }
        merchantSerialNumber = serial.uppercased()

        let keyPEM = try required(raw.merchant_private_key, "merchant_private_key")
        do {
            _ = try KeyInspection.privateKey(pem: keyPEM)
        } catch {
            throw .secretsInvalid("merchant_private_key", error.code == .unsupportedKey
                ? "must be an unencrypted RSA key of at least 2048 bits" : "is not a PEM private key (PKCS#8 or PKCS#1)")
        }
        merchantKey = LazyKey(field: "merchant_private_key", pem: keyPEM) { pem throws(CryptoError) in
            try RSAPrivateKey(pem: pem)
        }

        let v3 = Array(try required(raw.apiv3_key, "apiv3_key").utf8)
        guard v3.count == 32 else { throw .secretsInvalid("apiv3_key", "must be exactly 32 ASCII characters") }
        apiV3Key = v3

        var publicKeys: [String: LazyKey<RSAPublicKey>] = [:]
        for (id, pem) in raw.wechatpay_public_keys ?? [:] {
            guard id.hasPrefix("PUB_KEY_ID_") else {
                throw .secretsInvalid("wechatpay_public_keys", "key ids must start with PUB_KEY_ID_")
            }
            do { _ = try KeyInspection.publicKey(pem: pem) } catch {
                throw .secretsInvalid("wechatpay_public_keys.\(id)", "is not a PEM RSA public key")
            }
            publicKeys[id] = LazyKey(field: "wechatpay_public_keys.\(id)", pem: pem) { pem throws(CryptoError) in
                try RSAPublicKey(pem: pem)
            }
        }
        var certificates: [String: X509Certificate] = [:]
        for (serial, pem) in raw.wechatpay_certificates ?? [:] {
            let cert: X509Certificate
            do { cert = try X509Certificate(pem: pem) } catch {
                throw .secretsInvalid("wechatpay_certificates.\(serial)", "is not a PEM X.509 certificate")
            }
            guard cert.serialNumber == serial.uppercased() else {
                throw .secretsInvalid("wechatpay_certificates.\(serial)",
                                      "is keyed by a serial that differs from the certificate's own (\(cert.serialNumber))")
            }
            certificates[cert.serialNumber] = cert
        }
        guard !publicKeys.isEmpty || !certificates.isEmpty || !requiringVerificationKey else {
            throw .secretsInvalid("wechatpay_public_keys", "at least one WeChat Pay public key or platform certificate is required")
        }
        wechatPayPublicKeys = publicKeys
        wechatPayCertificates = certificates

        notifyURL = try Secrets.url(raw.notify_url, "notify_url")
        apiBase = try Secrets.url(raw.api_base, "api_base").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            ?? Secrets.productionAPIBase
        forwardURL = try Secrets.url(raw.forward_url, "forward_url")
        confirmPageURL = try Secrets.url(raw.confirm_page_url, "confirm_page_url")
        publicURL = try Secrets.url(raw.public_url, "public_url").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        if let key = raw.page_key, !key.isEmpty {
            guard key.utf8.count >= 32, key.utf8.count <= 256, key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw .secretsInvalid("page_key", "must be 32 to 256 printable ASCII characters")
            }
            pageKey = Array(key.utf8)
        } else {
            pageKey = nil
        }
        if publicURL != nil && pageKey == nil {
            throw .secretsInvalid("page_key", "is required when public_url is set")
        }
        if let name = raw.merchant_name, !name.isEmpty {
            guard name.count <= 64, !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw .secretsInvalid("merchant_name", "must be 1 to 64 characters without control characters")
            }
            merchantName = name
        } else {
            merchantName = nil
        }
        if let secret = raw.forward_secret, !secret.isEmpty {
            guard secret.utf8.count >= 16 else { throw .secretsInvalid("forward_secret", "must be at least 16 characters") }
            forwardSecret = Array(secret.utf8)
        } else {
            forwardSecret = nil
        }
        if forwardURL != nil && forwardSecret == nil {
            throw .secretsInvalid("forward_secret", "is required when forward_url is set")
        }
        if let hex = raw.sm4_key, !hex.isEmpty {
            guard let key = Hex.decode(hex), key.count == 16 else {
                throw .secretsInvalid("sm4_key", "must be 32 hexadecimal characters (16 bytes)")
            }
            sm4Key = key
        } else {
            sm4Key = nil
        }
    }

    private static func url(_ value: String?, _ field: String) throws(WxPayError) -> String? {
        guard let value, !value.isEmpty else { return nil }
        guard value.hasPrefix("https://") || value.hasPrefix("http://") else {
            throw .secretsInvalid(field, "must be an http(s) URL")
        }
        return value
    }

    /// The merchant's signing key (parsed on first use).
    /// - Throws: `SECRETS_INVALID` if OpenSSL refuses a key that passed the structural check.
    public var merchantPrivateKey: RSAPrivateKey {
        get throws(WxPayError) { try merchantKey.value() }
    }

    /// The verification key for a `Wechatpay-Serial` value, or `nil` if the file has none (or the certificate is
    /// outside its validity period).
    public func verificationKey(forSerial serial: String, at unixTime: Int64) throws(WxPayError) -> RSAPublicKey? {
        if serial.hasPrefix("PUB_KEY_ID_") { return try wechatPayPublicKeys[serial]?.value() }
        guard let cert = wechatPayCertificates[serial.uppercased()], cert.isValid(at: unixTime) else { return nil }
        return try? cert.publicKey
    }
}

/// Where the secrets document comes from (docs/secrets.md#sources).
///
/// `WXPAY_SECRETS_URL`, when set and non-empty, names the source; otherwise `WXPAY_SECRETS_FILE` (or
/// ``Secrets/defaultPath``) is read as a file.
enum SecretsSource {
    /// A JSON file (`file:///path`, or `WXPAY_SECRETS_FILE`).
    case file(String)
    /// Through the AWS Parameters and Secrets Lambda Extension: a Secrets Manager secret whose `SecretString` is the
    /// JSON document (`aws-secretsmanager://<secret id>`), or (`ssm`) a Parameter Store parameter, usually a
    /// `SecureString`, whose decrypted value is (`aws-ssm://<parameter name>`).
    case aws(ssm: Bool, name: String)

    /// Reads the source from the environment.
    /// - Throws: `SECRETS_SOURCE_INVALID` for a `WXPAY_SECRETS_URL` of another scheme or without a usable name.
    init(environment: [String: String]) throws(WxPayError) {
        guard let url = environment["WXPAY_SECRETS_URL"], !url.isEmpty else {
            self = .file(environment["WXPAY_SECRETS_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? Secrets.defaultPath)
            return
        }
        let scheme = url.hasPrefix("file://") ? "file" : url.hasPrefix("aws-ssm://") ? "aws-ssm"
            : url.hasPrefix("aws-secretsmanager://") ? "aws-secretsmanager" : ""
        let rest = String(url.dropFirst(scheme.count + 3))
        // A name is at most 2048 bytes (an ARN is well under), with no spaces or control characters.
        guard !scheme.isEmpty, !rest.isEmpty, rest.utf8.count <= 2048,
              rest.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F })
        else {
            throw .secretsSourceInvalid("WXPAY_SECRETS_URL must be file:///path, aws-secretsmanager://<secret id> or "
                                            + "aws-ssm://<parameter name>")
        }
        guard scheme == "file" else {
            self = .aws(ssm: scheme == "aws-ssm", name: rest)
            return
        }
        // The path is taken as written (no %-decoding).
        let path = rest.hasPrefix("localhost/") ? String(rest.dropFirst("localhost".count)) : rest
        guard path.hasPrefix("/") else {
            throw .secretsSourceInvalid("WXPAY_SECRETS_URL: file:// takes an absolute path (file:///path)")
        }
        self = .file(path)
    }
}

/// The AWS Parameters and Secrets Lambda Extension, which serves Secrets Manager and Parameter Store values on
/// `localhost:${PARAMETERS_SECRETS_EXTENSION_HTTP_PORT:-2773}` inside a Lambda, cached for its own TTL
/// (`SECRETS_MANAGER_TTL`, `SSM_PARAMETER_STORE_TTL`; default 300 s).
///
/// Every request carries `X-Aws-Parameters-Secrets-Token: $AWS_SESSION_TOKEN` (the extension refuses others with
/// 403). Neither the token nor anything the extension answers ever appears in an error message.
enum AWSSecretsExtension {
    /// Reads `name`: `GET /secretsmanager/get?secretId=…` and its `SecretString`, or (`ssm`)
    /// `GET /systemsmanager/parameters/get?name=…&withDecryption=true` and its `Parameter.Value`. 1 s to connect,
    /// 3 s in all: on a cache miss the extension itself calls Secrets Manager or SSM.
    static func value(ssm: Bool, name: String, environment: [String: String]) throws(WxPayError) -> [UInt8] {
        let source = (ssm ? "aws-ssm://" : "aws-secretsmanager://") + name
        var port = 2773
        if let text = environment["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"], !text.isEmpty {
            guard let value = Untrusted.integer(text, in: 1...65535) else {
                throw .secretsSourceInvalid("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT must be a port number (1-65535)")
            }
            port = value
        }
        guard let token = environment["AWS_SESSION_TOKEN"], !token.isEmpty else {
            throw .secretsUnavailable("\(source): AWS_SESSION_TOKEN is unset (the extension needs it; Lambda sets it)",
                                      retryable: false)
        }
        let query = ssm ? "systemsmanager/parameters/get?name=\(PercentEncoding.encode(name))&withDecryption=true"
            : "secretsmanager/get?secretId=\(PercentEncoding.encode(name))"
        let response: HTTPResponse
        do {
            response = try HTTPClient.send(HTTPRequest(
                method: "GET", url: "http://localhost:\(port)/" + query,
                headers: [("X-Aws-Parameters-Secrets-Token", token)], connectTimeout: 1, totalTimeout: 3,
                maxAnswerBytes: 2 * Secrets.maxBytes + 65536))
        } catch {
            // libcurl's reason names neither headers nor bodies.
            throw .secretsUnavailable("\(source): the extension on port \(port) failed: \(error.message)",
                                      retryable: true)
        }
        // The answer's body is never quoted: it may echo what was asked or, from something else on the port, anything.
        let status = response.status
        guard status == 200 else {
            throw .secretsUnavailable("\(source): the extension on port \(port) answered HTTP \(status)"
                                          + (status == 401 || status == 403 ? " (token refused)" : ""),
                                      retryable: status == 429 || status >= 500)
        }
        let answer = try? JSONCoding.value(from: response.body)
        guard case .string(let text)? = ssm ? answer?["Parameter"]?["Value"] : answer?["SecretString"] else {
            if answer?.objectValue == nil {
                throw .secretsUnavailable("\(source): the extension's answer is not a JSON object", retryable: false)
            }
            throw .secretsInvalid("(secret)", "\(source) has no \(ssm ? "Parameter.Value" : "SecretString (binary?)")")
        }
        guard text.utf8.count <= Secrets.maxBytes else {
            throw .secretsInvalid("(secret)", "\(source) is larger than 1 MiB")
        }
        return Array(text.utf8)
    }
}

/// RFC 3986 percent-encoding of a query value.
enum PercentEncoding {
    /// Encodes every byte but the unreserved characters (`A-Z a-z 0-9 - . _ ~`), for a query value.
    static func encode(_ text: String) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for c in text.utf8 {
            switch c {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.append(c)
            default:
                out += [UInt8(ascii: "%"), digits[Int(c >> 4)], digits[Int(c & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A key kept as PEM and parsed by OpenSSL once, on first use.
public final class LazyKey<Key: Sendable>: Sendable {
    let field: String
    let pem: String
    let parse: @Sendable (String) throws(CryptoError) -> Key
    let cache = Mutex<Key?>(nil)

    init(field: String, pem: String, parse: @escaping @Sendable (String) throws(CryptoError) -> Key) {
        self.field = field
        self.pem = pem
        self.parse = parse
    }

    /// The parsed key.
    /// - Throws: `SECRETS_INVALID` naming the field (never its value).
    public func value() throws(WxPayError) -> Key {
        if let key = cache.withLock({ $0 }) { return key }
        let key: Key
        do { key = try parse(pem) } catch { throw .secretsInvalid(field, "OpenSSL cannot load this key (\(error.code.rawValue))") }
        cache.withLock { $0 = key }
        return key
    }
}

/// The file's JSON as written; validated into ``Secrets``.
private struct RawSecrets: Decodable {
    var mchid: String?
    var appid: String?
    var merchant_serial_no: String?
    var merchant_private_key: String?
    var apiv3_key: String?
    var wechatpay_public_keys: [String: String]?
    var wechatpay_certificates: [String: String]?
    var notify_url: String?
    var api_base: String?
    var forward_url: String?
    var forward_secret: String?
    var sm4_key: String?
    var confirm_page_url: String?
    var public_url: String?
    var page_key: String?
    var merchant_name: String?
}

@inline(__always) func isHexDigit(_ c: UInt8) -> Bool {
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
}

/// Hexadecimal encoding.
public enum Hex {
    /// Lower-case hex of `bytes`.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex (either case); `nil` if malformed.
    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x41 + 10
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}

/// Standard base64 (padded), as WeChat Pay uses for signatures and ciphertexts.
public enum Base64 {
    /// Encodes `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String { Base64Codec.standard.encode(bytes) }
    /// Decodes strictly: `nil` for anything that is not padded standard base64.
    public static func decode(_ text: String) -> [UInt8]? { Base64Codec.standard.decode(text) }
}
