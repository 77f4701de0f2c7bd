/// PNG output of a ``QRCode``: a 1-bit grayscale image whose zlib stream is made of stored (uncompressed) deflate
/// blocks, so no compression library is needed. A 29-module symbol at 8 pixels per module is about 11 KB.
extension QRCode {
    /// The symbol as a PNG image: `pixelsPerModule` pixels per module (at least 1), `quietZone` light modules
    /// around it, black on white, 1 bit per pixel.
    public func png(pixelsPerModule: Int = 8, quietZone: Int = 4) -> [UInt8] {
        let scale = max(1, pixelsPerModule)
        let q = max(0, quietZone)
        let side = (size + 2 * q) * scale
        let rowBytes = (side + 7) / 8
        // The image data: each row is a filter byte (0, none) and the pixels, 8 to a byte, most significant first;
        // a set bit is white (grayscale 1 bit: 0 black, 1 white).
        var raw: [UInt8] = []
        raw.reserveCapacity(side * (rowBytes + 1))
        for py in 0..<side {
            raw.append(0)
            var row = [UInt8](repeating: 0xFF, count: rowBytes)
            let my = py / scale - q
            if my >= 0, my < size {
                for px in 0..<side {
                    let mx = px / scale - q
                    if mx >= 0, mx < size, self[mx, my] { row[px >> 3] &= ~(0x80 >> UInt8(px & 7)) }
                }
            }
            raw += row
        }

        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        PNG.appendBigEndian(UInt32(side), to: &header)
        PNG.appendBigEndian(UInt32(side), to: &header)
        header += [1, 0, 0, 0, 0]  // bit depth 1, grayscale, deflate, adaptive filtering, no interlace
        PNG.appendChunk("IHDR", header, to: &out)
        PNG.appendChunk("IDAT", PNG.zlibStored(raw), to: &out)
        PNG.appendChunk("IEND", [], to: &out)
        return out
    }
}

/// The pieces of the PNG format the QR code needs (RFC 2083, RFC 1950, RFC 1951).
enum PNG {
    static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// A chunk: length, type, data, and the CRC-32 of type and data.
    static func appendChunk(_ type: StaticString, _ data: [UInt8], to out: inout [UInt8]) {
        appendBigEndian(UInt32(data.count), to: &out)
        let start = out.count
        out += UnsafeBufferPointer(start: type.utf8Start, count: type.utf8CodeUnitCount)
        out += data
        appendBigEndian(crc32(out[start...]), to: &out)
    }

    /// A zlib stream holding `data` in stored deflate blocks of at most 65 535 bytes, and its Adler-32.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]  // deflate, 32 KiB window; no preset dictionary; FCHECK makes 0x7801 % 31 == 0
        var offset = 0
        repeat {
            let count = min(65_535, data.count - offset)
            let last: UInt8 = offset + count == data.count ? 1 : 0
            out += [last, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8(~count >> 8 & 0xFF)]
            out += data[offset..<offset + count]
            offset += count
        } while offset < data.count
        appendBigEndian(adler32(data), to: &out)
        return out
    }

    /// CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320), as PNG chunks use.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// Adler-32, as zlib streams end with.
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}
