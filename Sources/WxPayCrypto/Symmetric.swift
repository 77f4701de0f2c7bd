import CWxOpenSSL
import KitCore

/// AES-256-GCM as WeChat Pay uses it (`AEAD_AES_256_GCM`): 32-byte key, 12-byte nonce, 16-byte tag appended.
public enum AESGCM {
    /// The tag length in bytes.
    public static let tagLength = 16

    /// Decrypts `sealed` (= ciphertext ‖ 16-byte tag).
    /// - Throws: ``CryptoError`` `.invalidParameter` for a key that is not 32 bytes or a nonce that is empty,
    ///   `.authenticationFailed` when the tag does not check out.
    public static func open(
        _ sealed: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8]
    ) throws(CryptoError) -> [UInt8] {
        guard key.count == 32 else { throw CryptoError(.invalidParameter, "the AES-256-GCM key must be 32 bytes") }
        guard !nonce.isEmpty else { throw CryptoError(.invalidParameter, "the nonce is empty") }
        guard sealed.count >= tagLength else {
            throw CryptoError(.authenticationFailed, "the ciphertext is shorter than its tag")
        }
        let body = Array(sealed.dropLast(tagLength))
        var tag = Array(sealed.suffix(tagLength))
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError(.internalFailure, "cannot allocate a cipher") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: body.count + 16)
        var len: Int32 = 0
        var total = 0
        guard EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil) == 1,
              cwx_gcm_set_ivlen(ctx, Int32(nonce.count)) == 1,
              EVP_DecryptInit_ex(ctx, nil, nil, key, nonce) == 1
        else { throw CryptoError(.internalFailure, "cannot initialise AES-256-GCM") }
        if !associatedData.isEmpty {
            guard EVP_DecryptUpdate(ctx, nil, &len, associatedData, Int32(associatedData.count)) == 1 else {
                throw CryptoError(.authenticationFailed, "associated data rejected")
            }
        }
        let ok = out.withUnsafeMutableBufferPointer { o in
            EVP_DecryptUpdate(ctx, o.baseAddress, &len, body, Int32(body.count))
        }
        guard ok == 1 else { throw CryptoError(.authenticationFailed, "decryption failed") }
        total = Int(len)
        guard cwx_gcm_set_tag(ctx, Int32(tagLength), &tag) == 1 else {
            throw CryptoError(.internalFailure, "cannot set the GCM tag")
        }
        let fin = out.withUnsafeMutableBufferPointer { o in
            EVP_DecryptFinal_ex(ctx, o.baseAddress! + total, &len)
        }
        guard fin == 1 else {
            throw CryptoError(.authenticationFailed, "the GCM tag does not match (wrong key, nonce, associated data or tampered ciphertext)")
        }
        total += Int(len)
        return Array(out.prefix(total))
    }

    /// Encrypts `plaintext`, returning ciphertext ‖ tag (used by the simulator and emulator to build notifications).
    public static func seal(
        _ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8]
    ) throws(CryptoError) -> [UInt8] {
        guard key.count == 32 else { throw CryptoError(.invalidParameter, "the AES-256-GCM key must be 32 bytes") }
        guard !nonce.isEmpty else { throw CryptoError(.invalidParameter, "the nonce is empty") }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError(.internalFailure, "cannot allocate a cipher") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: plaintext.count + 16)
        var len: Int32 = 0
        guard EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil) == 1,
              cwx_gcm_set_ivlen(ctx, Int32(nonce.count)) == 1,
              EVP_EncryptInit_ex(ctx, nil, nil, key, nonce) == 1
        else { throw CryptoError(.internalFailure, "cannot initialise AES-256-GCM") }
        if !associatedData.isEmpty {
            guard EVP_EncryptUpdate(ctx, nil, &len, associatedData, Int32(associatedData.count)) == 1 else {
                throw CryptoError(.internalFailure, "associated data rejected")
            }
        }
        let ok = out.withUnsafeMutableBufferPointer { o in
            EVP_EncryptUpdate(ctx, o.baseAddress, &len, plaintext, Int32(plaintext.count))
        }
        guard ok == 1 else { throw CryptoError(.internalFailure, "encryption failed") }
        var total = Int(len)
        let fin = out.withUnsafeMutableBufferPointer { o in EVP_EncryptFinal_ex(ctx, o.baseAddress! + total, &len) }
        guard fin == 1 else { throw CryptoError(.internalFailure, "encryption failed") }
        total += Int(len)
        var tag = [UInt8](repeating: 0, count: tagLength)
        guard cwx_gcm_get_tag(ctx, Int32(tagLength), &tag) == 1 else {
            throw CryptoError(.internalFailure, "cannot read the GCM tag")
        }
        return Array(out.prefix(total)) + tag
    }
}

/// Message digests and MACs.
public enum Digest {
    /// SHA-256 of `data`.
    public static func sha256(_ data: some Sequence<UInt8>) -> [UInt8] {
        let bytes = Array(data)
        var out = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        _ = EVP_Digest(bytes, bytes.count, &out, &len, EVP_sha256(), nil)
        return out
    }

    /// HMAC-SHA256 of `message` under `key`.
    public static func hmacSHA256(key: some Sequence<UInt8>, message: some Sequence<UInt8>) -> [UInt8] {
        let k = Array(key), m = Array(message)
        var out = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        _ = k.withUnsafeBufferPointer { kb in
            HMAC(EVP_sha256(), kb.baseAddress, Int32(kb.count), m, m.count, &out, &len)
        }
        return out
    }

    /// Constant-time comparison of two byte strings.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, a.count) == 0 } }
    }
}

/// Cryptographically secure random bytes from OpenSSL's DRBG.
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        precondition(RAND_bytes(&out, Int32(count)) == 1, "the system random generator failed")
        return out
    }

    /// A random string of `length` characters from `[0-9A-Za-z]` (WeChat Pay's nonce alphabet).
    public static func alphanumeric(_ length: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        var result = [UInt8]()
        result.reserveCapacity(length)
        while result.count < length {
            for b in bytes(length * 2) where b < 248 && result.count < length {  // 248 = 4 * 62: no modulo bias
                result.append(alphabet[Int(b) % 62])
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
