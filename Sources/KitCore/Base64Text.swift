/// Standard base64 (RFC 4648 §4), as HTTP envelopes, PEM and WeChat Pay use it: the project's one decoder.
public enum Base64Text {
    /// Decodes strictly: standard alphabet, padded to a multiple of four, no whitespace; `nil` otherwise.
    public static func decode(_ text: String) -> [UInt8]? {
        var values = [UInt8]()
        values.reserveCapacity(text.utf8.count)
        var padding = 0
        for c in text.utf8 {
            let v: UInt8
            switch c {
            case 0x41...0x5A: v = c - 0x41
            case 0x61...0x7A: v = c - 0x61 + 26
            case 0x30...0x39: v = c - 0x30 + 52
            case 0x2B: v = 62
            case 0x2F: v = 63
            case 0x3D: padding += 1; continue
            default: return nil
            }
            guard padding == 0 else { return nil }
            values.append(v)
        }
        guard (values.count + padding) % 4 == 0, padding <= 2 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(values.count * 3 / 4)
        var i = 0
        while i + 1 < values.count {
            let chunk = values[i..<min(i + 4, values.count)]
            let a = chunk[chunk.startIndex], b = chunk[chunk.startIndex + 1]
            out.append(a << 2 | b >> 4)
            if chunk.count > 2 {
                let c = chunk[chunk.startIndex + 2]
                out.append((b & 0x0F) << 4 | c >> 2)
                if chunk.count > 3 { out.append((c & 0x03) << 6 | chunk[chunk.startIndex + 3]) }
            }
            i += 4
        }
        return out
    }
}
