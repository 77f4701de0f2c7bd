import CWxOpenSSL
import KitCore

// The Chinese commercial cryptography primitives (商用密码) the privacy proxy seals with, from OpenSSL's default
// provider: SM3 (GB/T 32905-2016, a 256-bit hash) and SM4 (GB/T 32907-2016, a 128-bit block cipher).
// OpenSSL 3.0 has no SM4-GCM/CCM, so authenticated sealing is composed one layer up (WxPayPrivacy.Sealer) from
// SM4-CTR and HMAC-SM3.

/// SM3 (GB/T 32905-2016): a 256-bit cryptographic hash with a 64-byte block, and HMAC over it (RFC 2104).
public enum SM3 {
    /// Digest length in bytes.
    public static let digestLength = 32
    /// Block length in bytes (the HMAC pad length).
    public static let blockLength = 64

    /// The SM3 digest of `data`.
    public static func hash(_ data: some Sequence<UInt8>) -> [UInt8] {
        let bytes = Array(data)
        var out = [UInt8](repeating: 0, count: digestLength)
        var len: UInt32 = 0
        let ok = bytes.withUnsafeBufferPointer { b in EVP_Digest(b.baseAddress, b.count, &out, &len, EVP_sm3(), nil) }
        precondition(ok == 1 && len == UInt32(digestLength), "OpenSSL has no SM3 (built with no-sm3?)")
        return out
    }

    /// HMAC-SM3 (RFC 2104 with SM3) of `message` under `key`; 32 bytes.
    public static func hmac(key: some Sequence<UInt8>, message: some Sequence<UInt8>) -> [UInt8] {
        let k = Array(key), m = Array(message)
        var out = [UInt8](repeating: 0, count: digestLength)
        var len: UInt32 = 0
        let result = k.withUnsafeBufferPointer { kb in
            m.withUnsafeBufferPointer { mb in
                // A zero-length key still needs a non-null pointer for OpenSSL's HMAC().
                HMAC(EVP_sm3(), kb.baseAddress ?? UnsafePointer(bitPattern: 1), Int32(kb.count),
                     mb.baseAddress, mb.count, &out, &len)
            }
        }
        precondition(result != nil && len == UInt32(digestLength), "OpenSSL has no HMAC-SM3 (built with no-sm3?)")
        return out
    }
}

/// SM4 (GB/T 32907-2016): a 128-bit block cipher with a 128-bit key.
public enum SM4 {
    /// Key length in bytes.
    public static let keyLength = 16
    /// Block length in bytes (also the CTR counter-block length).
    public static let blockLength = 16

    /// Encrypts exactly one 16-byte block (ECB, no padding): the GB/T 32907 known-answer form.
    /// - Throws: ``CryptoError`` `.invalidParameter` for a key or block that is not 16 bytes.
    public static func encryptBlock(_ block: [UInt8], key: [UInt8]) throws(CryptoError) -> [UInt8] {
        try BlockCipher(key: key, decrypting: false).process(block)
    }

    /// Decrypts exactly one 16-byte block (ECB, no padding).
    /// - Throws: ``CryptoError`` `.invalidParameter` for a key or block that is not 16 bytes.
    public static func decryptBlock(_ block: [UInt8], key: [UInt8]) throws(CryptoError) -> [UInt8] {
        try BlockCipher(key: key, decrypting: true).process(block)
    }

    /// SM4 in counter mode: the 16-byte `counter` block is incremented as a 128-bit big-endian integer per block
    /// (NIST SP 800-38A). Encryption and decryption are the same operation; any length is allowed.
    ///
    /// CTR gives confidentiality only: callers must authenticate the output (see `WxPayPrivacy.Sealer`).
    /// - Throws: ``CryptoError`` `.invalidParameter` for a key or counter block that is not 16 bytes.
    public static func ctr(_ data: [UInt8], key: [UInt8], counter: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard key.count == keyLength else { throw CryptoError(.invalidParameter, "the SM4 key must be 16 bytes") }
        guard counter.count == blockLength else {
            throw CryptoError(.invalidParameter, "the SM4-CTR counter block must be 16 bytes")
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError(.internalFailure, "cannot allocate a cipher") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        guard let cipher = EVP_sm4_ctr(), EVP_EncryptInit_ex(ctx, cipher, nil, key, counter) == 1 else {
            throw CryptoError(.internalFailure, "cannot initialise SM4-CTR (OpenSSL built with no-sm4?)")
        }
        var out = [UInt8](repeating: 0, count: data.count + blockLength)
        var len: Int32 = 0
        let ok = out.withUnsafeMutableBufferPointer { o in
            data.withUnsafeBufferPointer { d in
                EVP_EncryptUpdate(ctx, o.baseAddress, &len, d.baseAddress ?? UnsafePointer(bitPattern: 1), Int32(d.count))
            }
        }
        guard ok == 1 else { throw CryptoError(.internalFailure, "SM4-CTR failed") }
        var total = Int(len)
        let fin = out.withUnsafeMutableBufferPointer { o in EVP_EncryptFinal_ex(ctx, o.baseAddress! + total, &len) }
        guard fin == 1 else { throw CryptoError(.internalFailure, "SM4-CTR failed") }
        total += Int(len)
        return Array(out.prefix(total))
    }

    /// A keyed single-block SM4 transform that reuses one OpenSSL context: for known-answer tests that iterate
    /// the block function (GB/T 32907's 1,000,000-round example) and for building other modes from the raw block.
    ///
    /// Not `Sendable`: one instance per thread.
    public final class BlockCipher {
        private let ctx: OpaquePointer

        /// Keys an ECB context in the given direction.
        /// - Throws: ``CryptoError`` `.invalidParameter` for a key that is not 16 bytes.
        public init(key: [UInt8], decrypting: Bool = false) throws(CryptoError) {
            guard key.count == SM4.keyLength else {
                throw CryptoError(.invalidParameter, "the SM4 key must be 16 bytes")
            }
            guard let ctx = EVP_CIPHER_CTX_new() else {
                throw CryptoError(.internalFailure, "cannot allocate a cipher")
            }
            guard let cipher = EVP_sm4_ecb(),
                  EVP_CipherInit_ex(ctx, cipher, nil, key, nil, decrypting ? 0 : 1) == 1,
                  EVP_CIPHER_CTX_set_padding(ctx, 0) == 1
            else {
                EVP_CIPHER_CTX_free(ctx)
                throw CryptoError(.internalFailure, "cannot initialise SM4-ECB (OpenSSL built with no-sm4?)")
            }
            self.ctx = ctx
        }

        deinit { EVP_CIPHER_CTX_free(ctx) }

        /// Transforms one 16-byte block.
        /// - Throws: ``CryptoError`` `.invalidParameter` for a block that is not 16 bytes.
        public func process(_ block: [UInt8]) throws(CryptoError) -> [UInt8] {
            guard block.count == SM4.blockLength else {
                throw CryptoError(.invalidParameter, "an SM4 block is 16 bytes")
            }
            var out = [UInt8](repeating: 0, count: SM4.blockLength * 2)
            var len: Int32 = 0
            guard EVP_CipherUpdate(ctx, &out, &len, block, Int32(SM4.blockLength)) == 1, len == Int32(SM4.blockLength)
            else { throw CryptoError(.internalFailure, "SM4 block transform failed") }
            out.removeLast(SM4.blockLength)
            return out
        }

        /// Applies the block transform `rounds` times in place (`block = E(block)` repeatedly).
        /// - Throws: ``CryptoError`` `.invalidParameter` for a block that is not 16 bytes.
        public func iterate(_ block: [UInt8], rounds: Int) throws(CryptoError) -> [UInt8] {
            guard block.count == SM4.blockLength else {
                throw CryptoError(.invalidParameter, "an SM4 block is 16 bytes")
            }
            // In place (OpenSSL allows out == in exactly), so the loop is one C call per round.
            var state = block + [UInt8](repeating: 0, count: SM4.blockLength)
            let ok = state.withUnsafeMutableBufferPointer { p -> Bool in
                var len: Int32 = 0
                for _ in 0..<rounds {
                    guard EVP_CipherUpdate(ctx, p.baseAddress, &len, p.baseAddress, Int32(SM4.blockLength)) == 1 else {
                        return false
                    }
                }
                return true
            }
            guard ok else { throw CryptoError(.internalFailure, "SM4 block transform failed") }
            state.removeLast(SM4.blockLength)
            return state
        }
    }
}
