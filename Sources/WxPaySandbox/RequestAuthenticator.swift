import KitCore
import WxPayCore
import WxPayCrypto

/// The parsed `Authorization: WECHATPAY2-SHA256-RSA2048 k="v",...` header. Key order does not matter.
public struct AuthorizationHeader: Sendable, Equatable {
    /// `mchid`.
    public var mchid: String
    /// `nonce_str`.
    public var nonce: String
    /// `timestamp` (Unix seconds, as text).
    public var timestamp: String
    /// `serial_no`: the merchant API certificate serial.
    public var serialNumber: String
    /// `signature` (base64).
    public var signature: String

    /// The longest header accepted (a real one is about 600 bytes).
    public static let maxBytes = 4096

    /// Parses a header value.
    /// - Throws: 401 `SIGN_ERROR` naming the missing or malformed part.
    public init(parsing value: String) throws(WeChatAPIError) {
        guard value.utf8.count <= AuthorizationHeader.maxBytes else {
            throw .signError("the Authorization header is longer than \(AuthorizationHeader.maxBytes) bytes",
                             field: "authorization")
        }
        let prefix = RequestSigner.scheme + " "
        guard value.hasPrefix(prefix) else {
            throw .signError("Authorization scheme must be \(RequestSigner.scheme)", field: "schema")
        }
        var fields: [String: String] = [:]
        for part in value.dropFirst(prefix.count).split(separator: ",") {
            let item = part.trimmingSpaces()
            guard let eq = item.firstIndex(of: "=") else {
                throw .signError("malformed Authorization parameter", field: "authorization")
            }
            let key = String(item[..<eq]).trimmingSpaces()
            var raw = String(item[item.index(after: eq)...]).trimmingSpaces()[...]
            guard raw.count >= 2, raw.first == "\"", raw.last == "\"" else {
                throw .signError("Authorization parameter \"\(Untrusted.excerpt(key))\" must be double-quoted",
                                 field: Untrusted.excerpt(key))
            }
            raw = raw.dropFirst().dropLast()
            guard fields[key] == nil else {
                throw .signError("duplicate Authorization parameter \"\(Untrusted.excerpt(key))\"",
                                 field: Untrusted.excerpt(key))
            }
            fields[key] = String(raw)
        }
        func required(_ key: String) throws(WeChatAPIError) -> String {
            guard let v = fields[key], !v.isEmpty else {
                throw .signError("Authorization lacks \(key)", field: key)
            }
            return v
        }
        mchid = try required("mchid")
        nonce = try required("nonce_str")
        timestamp = try required("timestamp")
        serialNumber = try required("serial_no")
        signature = try required("signature")
    }
}

/// Verifies merchant requests the way WeChat Pay does: the signature over
/// `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n` with the merchant certificate's public key, the certificate serial,
/// the merchant id, and a timestamp within ``window`` seconds.
public struct RequestAuthenticator: Sendable {
    /// Allowed clock difference in seconds.
    public static let window: Int64 = 300

    let mchid: String
    let certificate: X509Certificate

    /// An authenticator for the merchant holding `certificate`.
    public init(mchid: String, certificate: X509Certificate) {
        self.mchid = mchid
        self.certificate = certificate
    }

    /// Checks one request.
    /// - Parameters:
    ///   - target: the request target exactly as received (path plus `?query`).
    /// - Returns: the authenticated merchant id.
    /// - Throws: 401 `SIGN_ERROR` with `detail` saying which check failed.
    public func verify(method: String, target: String, body: [UInt8], authorization: String?, now: Int64)
        throws(WeChatAPIError) -> String
    {
        guard let authorization, !authorization.isEmpty else {
            throw .signError("the Authorization header is missing", field: "authorization")
        }
        let header = try AuthorizationHeader(parsing: authorization)
        guard header.mchid == mchid else {
            throw .signError("mchid \"\(Untrusted.excerpt(header.mchid))\" is not a merchant known to this emulator",
                             field: "mchid")
        }
        guard header.serialNumber.uppercased() == certificate.serialNumber.uppercased() else {
            throw .signError("serial_no is not the merchant API certificate serial", field: "serial_no")
        }
        guard let ts = Untrusted.unixSeconds(header.timestamp) else {
            throw .signError("timestamp is not Unix seconds", field: "timestamp")
        }
        guard Untrusted.within(now, ts, window: RequestAuthenticator.window) else {
            throw .signError("timestamp is more than \(RequestAuthenticator.window) s from now", field: "timestamp")
        }
        let message = RequestSigner.message(method: method, canonicalURL: target, timestamp: ts, nonce: header.nonce,
                                            body: body)
        guard let raw = Base64.decode(header.signature), let key = try? certificate.publicKey,
              key.verifySHA256(signature: raw, message: message)
        else {
            throw .signError("sign not match")
        }
        return header.mchid
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
