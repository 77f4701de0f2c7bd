/// The project's one base64 codec (RFC 4648), strict both ways, in its two spellings:
///
/// - ``standard`` (§4, padded): HTTP envelopes, PEM bodies, WeChat Pay's signatures and ciphertexts;
/// - ``url`` (§5, unpadded): the sealed texts of `WxPayPrivacy`.
///
/// Decoding is canonical: characters outside the alphabet, whitespace, wrong or misplaced padding, an impossible
/// length and non-zero unused bits in the last character are all refused, so a text decodes only if it is exactly
/// what ``encode(_:)`` writes for its bytes (no second spelling of the same value is accepted).
public struct Base64Codec: Sendable {
    private let alphabet: [UInt8]
    private let reverse: [Int8]
    private let padded: Bool

    private init(last two: String, padded: Bool) {
        alphabet = Array(("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + two).utf8)
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        reverse = table
        self.padded = padded
    }

    /// Standard base64, padded with `=`.
    public static let standard = Base64Codec(last: "+/", padded: true)
    /// base64url, unpadded.
    public static let url = Base64Codec(last: "-_", padded: false)

    /// Encodes `bytes`.
    public func encode(_ bytes: some Collection<UInt8>) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var acc: UInt32 = 0
        var bits = 0
        for b in bytes {
            acc = acc << 8 | UInt32(b)
            bits += 8
            while bits >= 6 {
                bits -= 6
                out.append(alphabet[Int(acc >> UInt32(bits) & 63)])
            }
            acc &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 { out.append(alphabet[Int(acc << UInt32(6 - bits) & 63)]) }
        if padded { while out.count % 4 != 0 { out.append(UInt8(ascii: "=")) } }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes canonical text of this spelling; `nil` for anything else.
    public func decode(_ text: some StringProtocol) -> [UInt8]? { decode(Array(text.utf8)) }

    /// Decodes canonical text of this spelling from its UTF-8 bytes; `nil` for anything else.
    public func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        var chars = Array(text)[...]
        if padded {
            guard chars.count % 4 == 0 else { return nil }
            var padding = 0
            while padding < 2, chars.last == UInt8(ascii: "=") {
                chars = chars.dropLast()
                padding += 1
            }
        }
        guard chars.count % 4 != 1 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        for c in chars {
            let v = reverse[Int(c)]
            guard v >= 0 else { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
                acc &= (1 << UInt32(bits)) - 1
            }
        }
        // Leftover bits (2 or 4) must be zero in the canonical encoding.
        guard acc == 0 else { return nil }
        return out
    }
}
