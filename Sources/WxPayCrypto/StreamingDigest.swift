import CWxOpenSSL

extension Digest {
    /// SHA-1 computed piece by piece, as 40 lower-case hex digits: `body` hands every piece to the `update` it is
    /// given (WeChat Pay names a bill's integrity by the SHA-1 of its decompressed bytes; the bill is hashed as it is
    /// inflated, never held whole for it). A closure, not a type: the function binaries that never hash a bill
    /// carry nothing of it.
    public static func sha1Hex(_ body: ((UnsafeRawBufferPointer) -> Void) throws -> Void) rethrows -> String {
        let context = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(context) }
        _ = EVP_DigestInit_ex(context, EVP_sha1(), nil)
        try body { bytes in
            if let base = bytes.baseAddress, bytes.count > 0 { _ = EVP_DigestUpdate(context, base, bytes.count) }
        }
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
}
