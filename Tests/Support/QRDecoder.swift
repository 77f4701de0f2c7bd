import Foundation

/// Reads QR codes back with tools that share no code with the project: `zbarimg` (Debian's zbar-tools) decodes PNG
/// images, and `rsvg-convert` (Debian's librsvg2-bin) renders an SVG to PNG first. Both are in the Makefile's
/// APT_PACKAGES; a missing tool is a ``SetupFailure`` (a failed test, never a skipped one).
public enum QRDecoder {
    /// The text of the one QR code in the PNG image `png`.
    /// - Throws: ``SetupFailure`` when zbarimg is missing, or finds no QR code (its exit status and message).
    public static func decode(png: [UInt8]) throws -> String {
        let directory = try TemporaryDirectory(prefix: "wxpay-qr")
        defer { directory.remove() }
        try Data(png).write(to: URL(fileURLWithPath: directory.file("code.png")))
        return try zbar(directory.file("code.png"))
    }

    /// The text of the one QR code in the SVG document `svg`, rendered to PNG by rsvg-convert at its own size.
    public static func decode(svg: String) throws -> String {
        let directory = try TemporaryDirectory(prefix: "wxpay-qr")
        defer { directory.remove() }
        try directory.write("code.svg", svg)
        let render = try runProcess(tool("rsvg-convert"), ["-o", directory.file("code.png"), directory.file("code.svg")],
                                    environment: ProcessInfo.processInfo.environment)
        guard render.status == 0 else { throw SetupFailure("rsvg-convert could not render the SVG: \(render)") }
        return try zbar(directory.file("code.png"))
    }

    /// `zbarimg --raw` on a PNG file, QR codes only: the decoded text without the trailing newline.
    static func zbar(_ path: String) throws -> String {
        let run = try runProcess(tool("zbarimg"), ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path],
                                 environment: ProcessInfo.processInfo.environment)
        guard run.status == 0 else { throw SetupFailure("zbarimg found no QR code: \(run)") }
        var text = run.stdoutText
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// The path of `name` on the `PATH`.
    static func tool(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        throw SetupFailure("\(name) is not on the PATH (make deps installs zbar-tools and librsvg2-bin)")
    }
}
