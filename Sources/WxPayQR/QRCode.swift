import CWxQREncode

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why no QR code could be drawn: libqrencode is missing, or the text does not fit a QR code.
public struct QRError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for a log line (never holds the encoded text).
    public let description: String

    init(_ description: String) { self.description = description }
}

/// A QR code symbol: a square of dark and light modules, encoded by libqrencode, and drawn as SVG or PNG.
public struct QRCode: Sendable, Equatable {
    /// Error correction: the share of the symbol that may be damaged and still read.
    public enum Correction: Sendable {
        /// About 7 %.
        case low
        /// About 15 % (the default: what payment codes use).
        case medium
        /// About 25 %.
        case quartile
        /// About 30 %.
        case high

        var level: QRecLevel {
            switch self {
            case .low: QR_ECLEVEL_L
            case .medium: QR_ECLEVEL_M
            case .quartile: QR_ECLEVEL_Q
            case .high: QR_ECLEVEL_H
            }
        }
    }

    /// Modules per side (21 for version 1, 4 more per version).
    public let size: Int
    /// The modules row by row, top to bottom and left to right: `true` is dark.
    public let modules: [Bool]

    /// A symbol from its modules (`size * size` of them, row by row).
    public init(size: Int, modules: [Bool]) {
        precondition(size > 0 && modules.count == size * size, "a QR code has size * size modules")
        self.size = size
        self.modules = modules
    }

    /// Whether the module in column `x`, row `y` is dark.
    public subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// Encodes `text` (as UTF-8, case kept, the smallest version that fits) with libqrencode.
    ///
    /// Throws when libqrencode cannot be loaded (not installed) or the text is too long for a QR code.
    public static func encode(_ text: String, correction: Correction = .medium) throws(QRError) -> QRCode {
        let library = try QREncodeLibrary.shared.get()
        guard !text.isEmpty, !text.utf8.contains(0) else { throw QRError("a QR code needs non-empty text without NUL") }
        guard let symbol = text.withCString({ library.encodeString($0, 0, correction.level, QR_MODE_8, 1) }) else {
            throw QRError("libqrencode could not encode \(text.utf8.count) bytes (errno \(errno))")
        }
        defer { library.free(symbol) }
        let size = Int(symbol.pointee.width)
        guard size >= 21, let data = symbol.pointee.data else { throw QRError("libqrencode returned an empty symbol") }
        // Bit 0 of each byte is the module's colour (1 = dark); the other bits describe what the module is for.
        let modules = (0..<size * size).map { data[$0] & 1 == 1 }
        return QRCode(size: size, modules: modules)
    }

    /// The dark modules of each row as runs: (row, first column, length).
    func runs() -> [(y: Int, x: Int, length: Int)] {
        var out: [(y: Int, x: Int, length: Int)] = []
        for y in 0..<size {
            var x = 0
            while x < size {
                guard self[x, y] else { x += 1; continue }
                let start = x
                while x < size, self[x, y] { x += 1 }
                out.append((y, start, x - start))
            }
        }
        return out
    }

    /// The symbol as a compact SVG document: a white square and one black `<path>` of the dark modules, in
    /// module units with integer coordinates, `quietZone` light modules around the symbol (4, as the standard asks),
    /// displayed `pixelsPerModule` CSS pixels per module. Attributes are single-quoted, so the document embeds in
    /// JSON without escapes.
    public func svg(quietZone: Int = 4, pixelsPerModule: Int = 8) -> String {
        let side = size + 2 * max(0, quietZone)
        let q = max(0, quietZone)
        var d = ""
        d.reserveCapacity(size * size)
        for run in runs() {
            // One rectangle per run: move to its corner, across, down one, back (absolute), close.
            d += "M\(run.x + q) \(run.y + q)h\(run.length)v1H\(run.x + q)z"
        }
        let px = side * max(1, pixelsPerModule)
        return "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 \(side) \(side)' width='\(px)' height='\(px)'"
            + " shape-rendering='crispEdges'><rect width='\(side)' height='\(side)' fill='#fff'/>"
            + "<path fill='#000' d='\(d)'/></svg>"
    }
}
