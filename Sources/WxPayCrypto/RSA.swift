import CWxOpenSSL
import KitCore

/// An RSA private key (the merchant's `apiclient_key.pem`), used for SHA256withRSA signatures.
///
/// Accepts PEM in PKCS#8 (label `PRIVATE KEY`) and PKCS#1 (label `RSA PRIVATE KEY`) form.
public final class RSAPrivateKey: @unchecked Sendable {
    // EVP_PKEY is immutable after parsing; OpenSSL 3 allows concurrent signing with separate contexts.
    let pkey: OpaquePointer

    /// Parses a PEM private key.
    /// - Throws: ``CryptoError`` `.invalidPEM` when the text is not a private key, `.unsupportedKey` when it is
    ///   not RSA of at least 2048 bits.
    public init(pem: String) throws(CryptoError) {
        // Parsed in Swift and handed over as components: OpenSSL 3's PEM decoder costs ~10M instructions a key.
        let integers = try KeyInspection.privateIntegers(pem: pem)
        let names: [StaticString] = ["n", "e", "d", "rsa-factor1", "rsa-factor2", "rsa-exponent1", "rsa-exponent2",
                                     "rsa-coefficient1"]
        let parsed = try RSAComponents.pkey(Array(zip(names, integers)), selection: cwx_selection_keypair())
        guard EVP_PKEY_get_base_id(parsed) == EVP_PKEY_RSA else {
            EVP_PKEY_free(parsed)
            throw CryptoError(.unsupportedKey, "the private key is not an RSA key")
        }
        guard EVP_PKEY_get_bits(parsed) >= 2048 else {
            EVP_PKEY_free(parsed)
            throw CryptoError(.unsupportedKey, "the RSA private key is shorter than 2048 bits")
        }
        pkey = parsed
    }

    init(owning pkey: OpaquePointer) { self.pkey = pkey }

    deinit { EVP_PKEY_free(pkey) }

    /// Generates a fresh RSA key (for tests, the simulator and the emulator; never for production merchants).
    public static func generate(bits: Int = 2048) throws(CryptoError) -> RSAPrivateKey {
        guard let ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else {
            throw CryptoError(.internalFailure, "cannot create a key generation context")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_keygen_init(ctx) == 1,
              EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)) == 1,
              EVP_PKEY_keygen(ctx, &key) == 1, let key
        else { throw CryptoError(.internalFailure, "RSA key generation failed") }
        return RSAPrivateKey(owning: key)
    }

    /// Signs `message` with RSASSA-PKCS1-v1_5 over SHA-256 (deterministic).
    public func signSHA256(_ message: some Sequence<UInt8>) throws(CryptoError) -> [UInt8] {
        let bytes = Array(message)
        guard let ctx = EVP_MD_CTX_new() else { throw CryptoError(.internalFailure, "cannot allocate a digest context") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, EVP_sha256(), nil, pkey) == 1 else {
            throw CryptoError(.signingFailed, "cannot initialise SHA256withRSA signing")
        }
        var length = 0
        let ok1 = bytes.withUnsafeBufferPointer { EVP_DigestSign(ctx, nil, &length, $0.baseAddress, $0.count) }
        guard ok1 == 1 else { throw CryptoError(.signingFailed, "cannot size the signature") }
        var signature = [UInt8](repeating: 0, count: length)
        let ok2 = signature.withUnsafeMutableBufferPointer { sig in
            bytes.withUnsafeBufferPointer { EVP_DigestSign(ctx, sig.baseAddress, &length, $0.baseAddress, $0.count) }
        }
        guard ok2 == 1 else { throw CryptoError(.signingFailed, "SHA256withRSA signing failed") }
        return Array(signature.prefix(length))
    }

    /// The matching public key.
    public var publicKey: RSAPublicKey {
        get throws(CryptoError) {
            let pem = try MemoryBIO.writing { PEM_write_bio_PUBKEY($0, pkey) }
            return try RSAPublicKey(pem: pem)
        }
    }

    /// PEM encoding in PKCS#8 form (label `PRIVATE KEY`).
    public func pkcs8PEM() throws(CryptoError) -> String {
        try MemoryBIO.writing { PEM_write_bio_PrivateKey($0, pkey, nil, nil, 0, nil, nil) }
    }

    /// PEM encoding in the traditional PKCS#1 form (label `RSA PRIVATE KEY`).
    public func pkcs1PEM() throws(CryptoError) -> String {
        try MemoryBIO.writing { PEM_write_bio_PrivateKey_traditional($0, pkey, nil, nil, 0, nil, nil) }
    }
}

/// An RSA public key: a WeChat Pay public key (public-key mode) or the key inside a platform certificate.
public final class RSAPublicKey: @unchecked Sendable {
    let pkey: OpaquePointer

    /// Parses a PEM SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`).
    public init(pem: String) throws(CryptoError) {
        let integers = try KeyInspection.publicIntegers(pem: pem)
        let parsed = try RSAComponents.pkey([("n", integers[0]), ("e", integers[1])],
                                            selection: cwx_selection_public_key())
        guard EVP_PKEY_get_base_id(parsed) == EVP_PKEY_RSA else {
            EVP_PKEY_free(parsed)
            throw CryptoError(.unsupportedKey, "the public key is not an RSA key")
        }
        pkey = parsed
    }

    init(owning pkey: OpaquePointer) { self.pkey = pkey }

    deinit { EVP_PKEY_free(pkey) }

    /// Verifies an RSASSA-PKCS1-v1_5 SHA-256 signature. Returns `false` for any mismatch, never throws.
    public func verifySHA256(signature: [UInt8], message: some Sequence<UInt8>) -> Bool {
        let bytes = Array(message)
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, EVP_sha256(), nil, pkey) == 1 else {
            _ = CryptoErrorCode.drainOpenSSLErrors()
            return false
        }
        let rc = signature.withUnsafeBufferPointer { sig in
            bytes.withUnsafeBufferPointer { EVP_DigestVerify(ctx, sig.baseAddress, sig.count, $0.baseAddress, $0.count) }
        }
        if rc != 1 { _ = CryptoErrorCode.drainOpenSSLErrors() }
        return rc == 1
    }

    /// PEM encoding (`BEGIN PUBLIC KEY`).
    public func pem() throws(CryptoError) -> String {
        try MemoryBIO.writing { PEM_write_bio_PUBKEY($0, pkey) }
    }
}

/// Builds an RSA `EVP_PKEY` from its big-endian integer components with `EVP_PKEY_fromdata`.
enum RSAComponents {
    static func pkey(_ components: [(StaticString, [UInt8])], selection: Int32) throws(CryptoError) -> OpaquePointer {
        guard let builder = OSSL_PARAM_BLD_new() else { throw CryptoError(.internalFailure, "cannot allocate parameters") }
        defer { OSSL_PARAM_BLD_free(builder) }
        var numbers: [OpaquePointer] = []
        defer { numbers.forEach { BN_clear_free($0) } }
        for (name, bytes) in components {
            guard let bn = BN_bin2bn(bytes, Int32(bytes.count), nil) else {
                throw CryptoError(.internalFailure, "cannot allocate a big number")
            }
            numbers.append(bn)
            // StaticString storage lives for the whole program, as OSSL_PARAM_BLD requires until to_param.
            let key = UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
            guard OSSL_PARAM_BLD_push_BN(builder, key, bn) == 1 else {
                throw CryptoError(.internalFailure, "cannot build key parameters")
            }
        }
        guard let params = OSSL_PARAM_BLD_to_param(builder) else {
            throw CryptoError(.internalFailure, "cannot build key parameters")
        }
        defer { OSSL_PARAM_free(params) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw CryptoError(.internalFailure, "cannot create an RSA context")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        var pkey: OpaquePointer? = nil
        guard EVP_PKEY_fromdata_init(ctx) == 1, EVP_PKEY_fromdata(ctx, &pkey, selection, params) == 1, let pkey else {
            throw CryptoError(.invalidPEM, "OpenSSL refused the RSA key components")
        }
        return pkey
    }
}
