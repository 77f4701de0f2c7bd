import CWxOpenSSL
import KitCore

/// An X.509 certificate: a WeChat Pay platform certificate or the merchant's API certificate.
public final class X509Certificate: @unchecked Sendable {
    let x509: OpaquePointer

    /// The serial number as upper-case hexadecimal without leading zero padding beyond OpenSSL's own.
    public let serialNumber: String
    /// Start of validity, Unix seconds.
    public let notBefore: Int64
    /// End of validity, Unix seconds.
    public let notAfter: Int64

    /// Parses a PEM certificate (`BEGIN CERTIFICATE`).
    public init(pem: String) throws(CryptoError) {
        let parsed = try MemoryBIO.reading(pem) { bio throws(CryptoError) in
            guard let cert = PEM_read_bio_X509(bio, nil, nil, nil) else {
                throw CryptoError(.invalidPEM, "not a PEM X.509 certificate")
            }
            return cert
        }
        do {
            serialNumber = try X509Certificate.serialHex(parsed)
            notBefore = try X509Certificate.unixTime(X509_get0_notBefore(parsed))
            notAfter = try X509Certificate.unixTime(X509_get0_notAfter(parsed))
        } catch {
            X509_free(parsed)
            throw error
        }
        x509 = parsed
    }

    deinit { X509_free(x509) }

    /// The certificate's RSA public key.
    public var publicKey: RSAPublicKey {
        get throws(CryptoError) {
            guard let key = X509_get_pubkey(x509) else {
                throw CryptoError(.invalidPEM, "the certificate has no readable public key")
            }
            guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
                EVP_PKEY_free(key)
                throw CryptoError(.unsupportedKey, "the certificate key is not RSA")
            }
            return RSAPublicKey(owning: key)
        }
    }

    /// Whether `unixTime` lies inside the validity period.
    public func isValid(at unixTime: Int64) -> Bool { unixTime >= notBefore && unixTime <= notAfter }

    /// PEM encoding.
    public func pem() throws(CryptoError) -> String {
        try MemoryBIO.writing { PEM_write_bio_X509($0, x509) }
    }

    /// Issues a self-signed certificate for `key` (test keys for the simulator and emulator only).
    /// - Parameters:
    ///   - serialHex: the serial number in hexadecimal (WeChat Pay uses 40 upper-case hex digits).
    ///   - commonName: the subject CN.
    ///   - notBefore: start of validity, Unix seconds.
    ///   - days: validity length.
    public static func selfSigned(
        key: RSAPrivateKey, serialHex: String, commonName: String, notBefore: Int64, days: Int
    ) throws(CryptoError) -> X509Certificate {
        guard let cert = X509_new() else { throw CryptoError(.internalFailure, "cannot allocate a certificate") }
        defer { X509_free(cert) }
        var bn: OpaquePointer? = nil
        guard BN_hex2bn(&bn, serialHex) > 0, let bn else {
            throw CryptoError(.invalidParameter, "the serial is not hexadecimal")
        }
        defer { BN_free(bn) }
        guard X509_set_version(cert, 2) == 1,
              let serial = BN_to_ASN1_INTEGER(bn, nil)
        else { throw CryptoError(.internalFailure, "cannot set the certificate serial") }
        defer { ASN1_INTEGER_free(serial) }
        X509_set_serialNumber(cert, serial)
        var start = time_t(notBefore)
        X509_time_adj_ex(X509_getm_notBefore(cert), 0, 0, &start)
        X509_time_adj_ex(X509_getm_notAfter(cert), Int32(days), 0, &start)
        guard let name = X509_get_subject_name(cert) else { throw CryptoError(.internalFailure, "no subject name") }
        for (field, value) in [("C", "CN"), ("O", "wxpay-agent-kit test"), ("CN", commonName)] {
            let bytes = Array(value.utf8)
            X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0)
        }
        guard X509_set_issuer_name(cert, name) == 1,
              X509_set_pubkey(cert, key.pkey) == 1,
              X509_sign(cert, key.pkey, EVP_sha256()) > 0
        else { throw CryptoError(.internalFailure, "cannot sign the certificate") }
        let pem = try MemoryBIO.writing { PEM_write_bio_X509($0, cert) }
        return try X509Certificate(pem: pem)
    }

    private static func serialHex(_ cert: OpaquePointer) throws(CryptoError) -> String {
        guard let integer = X509_get_serialNumber(cert), let bn = ASN1_INTEGER_to_BN(integer, nil) else {
            throw CryptoError(.invalidPEM, "the certificate has no serial number")
        }
        defer { BN_free(bn) }
        guard let hex = BN_bn2hex(bn) else { throw CryptoError(.internalFailure, "cannot encode the serial") }
        defer { CRYPTO_free(hex, #fileID, #line) }
        return String(cString: hex).uppercased()
    }

    private static func unixTime(_ time: UnsafePointer<ASN1_TIME>?) throws(CryptoError) -> Int64 {
        var tm = tm()
        guard let time, ASN1_TIME_to_tm(time, &tm) == 1 else {
            throw CryptoError(.invalidPEM, "the certificate has an unreadable validity date")
        }
        return Int64(timegm(&tm))
    }
}
