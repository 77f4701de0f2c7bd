import Foundation
import Testing
import WxPayQR
import WxPayTestSupport

/// The QR codes libqrencode encodes and WxPayQR draws, read back by tools that share no code with the project
/// (zbarimg; rsvg-convert for the SVG; Python's zlib and binascii for the PNG's checksums).
@Suite("WxPayQR: QR codes as SVG and PNG, decoded by zbarimg")
struct QRCodeTests {
    static let codeURL = "weixin://wxpay/bizpayurl?pr=AbC0dEf9Z"

    @Test("encode: a square symbol of the smallest version that fits, with the finder pattern in its corner")
    func encode() throws {
        let code = try QRCode.encode(Self.codeURL)
        #expect(code.size >= 21 && (code.size - 21) % 4 == 0, "size \(code.size) is a QR version's")
        #expect(code.modules.count == code.size * code.size)
        // The top-left finder pattern: a dark 7×7 ring, a light ring inside it, a dark 3×3 centre.
        for i in 0..<7 {
            #expect(code[i, 0] && code[i, 6] && code[0, i] && code[6, i])
        }
        #expect(!code[1, 1] && !code[5, 5] && code[3, 3])
        #expect(try QRCode.encode(Self.codeURL) == code, "the same text gives the same symbol")
        #expect(try QRCode.encode(Self.codeURL + "x") != code)
    }

    @Test("svg: one <path> with integer coordinates and a 4-module quiet zone; zbarimg reads the exact text")
    func svg() throws {
        let code = try QRCode.encode(Self.codeURL)
        let svg = code.svg()
        let side = code.size + 8
        #expect(svg.hasPrefix("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 \(side) \(side)'"))
        #expect(svg.components(separatedBy: "<path").count == 2, "exactly one path")
        #expect(!svg.contains("\""), "single-quoted: embeds in JSON without escapes")
        let d = try #require(svg.components(separatedBy: " d='").last?.components(separatedBy: "'").first)
        #expect(d.allSatisfy { "0123456789MhvHz ".contains($0) }, "integer coordinates only")
        #expect(d.hasPrefix("M4 4h7v1H4z"), "the finder pattern's top row, inside the quiet zone")
        #expect(try QRDecoder.decode(svg: svg) == Self.codeURL)
    }

    @Test("png: 1-bit grayscale, stored deflate; Python's zlib and CRC-32 accept it and zbarimg reads the exact text")
    func png() throws {
        let code = try QRCode.encode(Self.codeURL)
        let png = code.png()
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let side = (code.size + 8) * 8
        try Self.checkWithPython(png, side: side)
        #expect(try QRDecoder.decode(png: png) == Self.codeURL)
    }

    @Test("png: a large image spans several stored deflate blocks and still decodes")
    func largePNG() throws {
        let text = "weixin://wxpay/bizpayurl?pr=" + String(repeating: "Qz7", count: 30)
        let code = try QRCode.encode(text)
        let png = code.png(pixelsPerModule: 20, quietZone: 4)
        let side = (code.size + 8) * 20
        #expect(side * ((side + 7) / 8 + 1) > 65_535, "the image data needs more than one stored block")
        try Self.checkWithPython(png, side: side)
        #expect(try QRDecoder.decode(png: png) == text)
        #expect(try QRDecoder.decode(svg: code.svg()) == text)
    }

    @Test("a decoded image is compared exactly: another text's code does not pass for this one")
    func otherText() throws {
        let other = try QRCode.encode("weixin://wxpay/bizpayurl?pr=AbC0dEf9Y")
        #expect(try QRDecoder.decode(png: other.png()) != Self.codeURL)
        #expect(try QRDecoder.decode(svg: other.svg()) != Self.codeURL)
    }

    @Test("text too long for any QR code, or empty, is a QRError, not a crash")
    func tooLong() {
        #expect(throws: QRError.self) { try QRCode.encode(String(repeating: "x", count: 8000)) }
        #expect(throws: QRError.self) { try QRCode.encode("") }
    }

    /// Checks the PNG's chunk CRCs, IHDR and zlib stream (Adler-32 included) with Python's standard library.
    static func checkWithPython(_ png: [UInt8], side: Int) throws {
        let directory = try TemporaryDirectory(prefix: "wxpay-qr-png")
        defer { directory.remove() }
        try Data(png).write(to: URL(fileURLWithPath: directory.file("code.png")))
        let script = """
            import binascii, struct, sys, zlib
            data = open(sys.argv[1], 'rb').read()
            assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
            pos, chunks, idat = 8, [], b''
            while pos < len(data):
                n, = struct.unpack('>I', data[pos:pos + 4]); kind = data[pos + 4:pos + 8]; body = data[pos + 8:pos + 8 + n]
                crc, = struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])
                assert binascii.crc32(kind + body) == crc, kind
                chunks.append(kind); idat += body if kind == b'IDAT' else b''; pos += 12 + n
                if kind == b'IHDR': w, h, depth, color = struct.unpack('>IIBB', body[:10])
            assert chunks[0] == b'IHDR' and chunks[-1] == b'IEND', chunks
            raw = zlib.decompress(idat)
            print(w, h, depth, color, len(raw))
            """
        let run = try runProcess(try Executables.python(), ["-c", script, directory.file("code.png")],
                                 environment: ProcessInfo.processInfo.environment)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdoutText == "\(side) \(side) 1 0 \(side * ((side + 7) / 8 + 1))\n")
    }
}
