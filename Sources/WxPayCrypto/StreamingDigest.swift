import CWxOpenSSL

/// SHA-1 computed piece by piece (WeChat Pay names a bill's integrity by the SHA-1 of its decompressed bytes; the
/// bill is hashed as it is inflated, never held whole for it).
public final class SHA1Stream {
    private let context: OpaquePointer

    /// A fresh digest.
    public init() {
        context = EVP_MD_CTX_new()
        _ = EVP_DigestInit_ex(context, EVP_sha1(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes`.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        _ = EVP_DigestUpdate(context, base, bytes.count)
    }

    /// Adds `bytes`.
    public func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// The 20-byte digest as 40 lower-case hex digits; the stream cannot be used afterwards.
    public func finalHex() -> String {
        var out = [UInt8](repeating: 0, count: 20)
        var len: UInt32 = 0
        _ = EVP_DigestFinal_ex(context, &out, &len)
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for b in out.prefix(Int(len)) {
            text.append(hex[Int(b >> 4)])
            text.append(hex[Int(b & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// SHA-1 of `bytes` as lower-case hex.
    public static func hex(_ bytes: [UInt8]) -> String {
        let s = SHA1Stream()
        s.update(bytes)
        return s.finalHex()
    }
}
