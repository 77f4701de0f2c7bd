import KitCore
import Logging
import MCP
import WxPayQR

/// The QR code of a native intent as MCP image content, so that a chat host shows a code the user can scan.
///
/// `create_payment_intent` answers a native intent with its `code_url` in `confirmation_url` and an SVG of it in
/// `qr_svg` (docs/functions.md). MCP hosts render PNG images, not SVG text, and the model needs no path data: the
/// result keeps the JSON without `qr_svg` (text and `structuredContent`) and adds the same QR code as a PNG image.
enum QRImage {
    /// Modules are drawn 8 pixels wide: about 300 pixels for a payment code, 11 KB of PNG.
    static let pixelsPerModule = 8

    /// `result` without its `qr_svg` fields, and the PNG image of the native intent's code, if it has one: the
    /// intent itself, or the new attempt a `fallback_link` carries in `next_action.intent`.
    static func split(_ result: JSONValue, logger: Logger) -> (JSONValue, Tool.Content?) {
        guard var object = result.objectValue else { return (result, nil) }
        var codeURL = nativeCodeURL(object)
        object["qr_svg"] = nil
        if var next = object["next_action"]?.objectValue, var intent = next["intent"]?.objectValue {
            codeURL = codeURL ?? nativeCodeURL(intent)
            intent["qr_svg"] = nil
            next["intent"] = .object(intent)
            object["next_action"] = .object(next)
        }
        guard let codeURL else { return (.object(object), nil) }
        do throws(QRError) {
            let png = try QRCode.encode(codeURL).png(pixelsPerModule: pixelsPerModule)
            return (.object(object), .image(data: Base64Codec.standard.encode(png), mimeType: "image/png",
                                            annotations: nil, _meta: nil))
        } catch {
            logger.warning("no QR code image in the result", metadata: ["reason": .string(error.description)])
            return (.object(object), nil)
        }
    }

    /// The `code_url` of a native intent awaiting confirmation.
    static func nativeCodeURL(_ intent: [String: JSONValue]) -> String? {
        guard intent["channel"]?.stringValue == "native", intent["status"]?.stringValue == "requires_confirmation"
        else { return nil }
        // With a hosted payment page (public_url), confirmation_url is the page and code_url the code.
        return intent["code_url"]?.stringValue ?? intent["confirmation_url"]?.stringValue
    }
}
