import KitCore
import WxPayCrypto

/// Authenticated encryption under the merchant's `sm4_key`, built from SM4-CTR and HMAC-SM3 (Encrypt-then-MAC).
///
/// ## Why this construction
/// OpenSSL 3.0 ships SM4 in ECB/CBC/CFB/OFB/CTR only (no SM4-GCM or SM4-CCM), so authenticated encryption is
/// composed generically, the way Bellare and Namprempre (2000) show to be safe: an IND-CPA cipher followed by a
/// strongly unforgeable MAC over the *ciphertext* gives IND-CCA2 confidentiality and ciphertext integrity.
/// - **SM4-CTR with a random 16-byte initial counter block**: IND-CPA; no padding, so no padding oracle and an
///   exact length. With a fresh random 128-bit IV per seal, two seals overlap counter ranges with probability far
///   below 2⁻⁸⁰ for any realistic number of seals of these sizes (kilobytes each).
/// - **HMAC-SM3, full 32-byte tag**, checked in constant time *before* anything is decrypted, so a tampered value
///   reveals nothing and is never partly used.
/// - **Independent subkeys**: `encKey = HMAC-SM3(sm4_key, "wxpay-agent-kit/seal/v1/enc")[0..<16]`,
///   `macKey = HMAC-SM3(sm4_key, "wxpay-agent-kit/seal/v1/mac")`. HMAC keyed with the master key is a PRF, so the
///   two keys are independent and the master key is never used by two primitives.
/// - **Bound context**: the tag covers `version ‖ len(context) ‖ context ‖ iv ‖ ciphertext` (length as 4 bytes,
///   big-endian, so the encoding is unambiguous). The context names the purpose (a PII mapping, an events-file
///   line), so a value sealed for one purpose is refused for another even under the same key.
/// - **Version byte** (`0x01`), so a later construction (e.g. SM4-GCM once the platform has it) can coexist.
///
/// ## Text form
/// `wxs1.` followed by unpadded base64url of `0x01 ‖ iv(16) ‖ ciphertext ‖ tag(32)`. Decoding is canonical
/// (see ``Base64URL``): every bit flip and every truncation of the text is refused.
public struct Sealer: Sendable {
    /// Prefix of the text form; the `1` is the construction version.
    public static let textPrefix = "wxs1."
    /// The construction version byte.
    static let version: UInt8 = 0x01
    /// Initial counter block length.
    static let ivLength = SM4.blockLength
    /// HMAC-SM3 tag length.
    static let tagLength = SM3.digestLength
    /// The smallest valid sealed byte string (empty plaintext).
    static let minimumSealedLength = 1 + ivLength + tagLength

    private let encryptionKey: [UInt8]
    private let macKey: [UInt8]

    /// Derives the sealing subkeys from a 16-byte SM4 master key (the secrets file's `sm4_key`).
    /// - Throws: ``SealError`` `.invalidKey` if `key` is not 16 bytes.
    public init(key: [UInt8]) throws(SealError) {
        guard key.count == SM4.keyLength else {
            throw SealError(.invalidKey, "the sealing key must be 16 bytes (sm4_key: 32 hexadecimal characters)")
        }
        encryptionKey = Array(SM3.hmac(key: key, message: Array("wxpay-agent-kit/seal/v1/enc".utf8)).prefix(16))
        macKey = SM3.hmac(key: key, message: Array("wxpay-agent-kit/seal/v1/mac".utf8))
    }

    /// Seals `plaintext` for the purpose named by `context`, with a fresh random IV.
    /// - Returns: the text form `wxs1.<base64url>`.
    /// - Throws: ``SealError`` `.cryptoFailure` only if OpenSSL fails.
    public func seal(_ plaintext: [UInt8], context: String) throws(SealError) -> String {
        try seal(plaintext, context: context, iv: SecureRandom.bytes(Sealer.ivLength))
    }

    /// Seals with a caller-chosen IV. Internal: a repeated IV under one key breaks CTR's confidentiality.
    func seal(_ plaintext: [UInt8], context: String, iv: [UInt8]) throws(SealError) -> String {
        precondition(iv.count == Sealer.ivLength)
        let ciphertext: [UInt8]
        do {
            ciphertext = try SM4.ctr(plaintext, key: encryptionKey, counter: iv)
        } catch {
            throw SealError(.cryptoFailure, "SM4-CTR encryption failed: \(error.message)")
        }
        var sealed = [Sealer.version]
        sealed.reserveCapacity(Sealer.minimumSealedLength + ciphertext.count)
        sealed += iv
        sealed += ciphertext
        sealed += tag(over: sealed, context: context)
        return Sealer.textPrefix + Base64URL.encode(sealed)
    }

    /// Verifies and decrypts a sealed text for the purpose named by `context`.
    ///
    /// Nothing is decrypted unless the whole value authenticates, so a refused value is never partly used.
    /// - Throws: ``SealError`` `.malformed` (not `wxs1.` + canonical base64url, or too short),
    ///   `.unsupportedVersion`, or `.authenticationFailed` (tampered, truncated, sealed under another key or for
    ///   another context).
    public func open(_ text: String, context: String) throws(SealError) -> [UInt8] {
        let utf8 = Array(text.utf8)
        let prefix = Array(Sealer.textPrefix.utf8)
        guard utf8.starts(with: prefix) else {
            throw Sealer.isOtherVersion(utf8)
                ? SealError(.unsupportedVersion, "the sealed value uses an unknown construction version")
                : SealError(.malformed, "the sealed value does not start with \(Sealer.textPrefix)")
        }
        guard let sealed = Base64URL.decode(utf8.dropFirst(prefix.count)) else {
            throw SealError(.malformed, "the sealed value is not canonical base64url")
        }
        guard sealed.count >= Sealer.minimumSealedLength else {
            throw SealError(.malformed, "the sealed value is too short to carry an IV and a tag")
        }
        guard sealed[0] == Sealer.version else {
            throw SealError(.unsupportedVersion, "the sealed value uses an unknown construction version")
        }
        let body = Array(sealed.dropLast(Sealer.tagLength))
        let expected = tag(over: body, context: context)
        guard Digest.constantTimeEquals(expected, Array(sealed.suffix(Sealer.tagLength))) else {
            throw SealError(.authenticationFailed,
                            "the sealed value does not authenticate: it was altered, truncated, sealed under another "
                                + "sm4_key, or sealed for another purpose")
        }
        let iv = Array(body[1...Sealer.ivLength])
        let ciphertext = Array(body.dropFirst(1 + Sealer.ivLength))
        do {
            return try SM4.ctr(ciphertext, key: encryptionKey, counter: iv)
        } catch {
            throw SealError(.cryptoFailure, "SM4-CTR decryption failed: \(error.message)")
        }
    }

    /// Whether `text` looks like `wxs<digits>.`: a sealed value of another construction version.
    private static func isOtherVersion(_ text: [UInt8]) -> Bool {
        guard text.starts(with: Array("wxs".utf8)) else { return false }
        let digits = text.dropFirst(3).prefix { $0 >= 0x30 && $0 <= 0x39 }
        return !digits.isEmpty && text.count > 3 + digits.count && text[3 + digits.count] == 0x2E
    }

    /// HMAC-SM3 over `version ‖ iv ‖ ciphertext` (= `body`) with the context bound in front of it.
    private func tag(over body: [UInt8], context: String) -> [UInt8] {
        let label = Array(context.utf8)
        var message = [UInt8]()
        message.reserveCapacity(1 + 4 + label.count + body.count)
        message.append(body[0])
        let n = UInt32(label.count)
        message += [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
        message += label
        message += body.dropFirst()
        return SM3.hmac(key: macKey, message: message)
    }
}

/// Why a value could not be sealed or opened. Messages never contain key material or plaintext.
public typealias SealError = CodedError<SealErrorCode>

/// The closed set of things that can go wrong, as ``SealError``'s code.
public enum SealErrorCode: String, ErrorCode {
    /// The master key is not 16 bytes.
    case invalidKey
    /// The text is not a sealed value at all (prefix, encoding, length).
    case malformed
    /// A sealed value of a construction version this build does not know.
    case unsupportedVersion
    /// The tag does not check out: altered, truncated, another key, or another context.
    case authenticationFailed
    /// OpenSSL failed.
    case cryptoFailure
}
