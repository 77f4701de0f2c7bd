import KitCore
import WxPayCore

/// Seals one NDJSON line of conversational payment data at rest (the webhook's `WXPAY_EVENTS_FILE`, logs that
/// must keep identifiers) with ``Sealer`` under the secrets file's `sm4_key`.
///
/// A sealed line is itself one JSON object, `{"sealed":"wxs1.…"}`, so the file stays valid NDJSON and line-based
/// tools (tail, wc, log shippers) keep working; only holders of `sm4_key` can read or alter the content. The
/// context label binds the value to this purpose: a sealed PII mapping pasted into the events file is refused.
///
/// Enabled by `WXPAY_EVENTS_SEAL=sm4` (see ``configured(environment:secrets:)``).
public struct SealedLine: Sendable {
    /// The environment variable that turns sealing on (`sm4`) or off (unset, empty or `none`).
    public static let environmentKey = "WXPAY_EVENTS_SEAL"
    /// The purpose bound into every tag.
    public static let context = "wxpay-agent-kit/events-line/v1"
    /// The JSON member that carries the sealed text.
    public static let member = "sealed"

    private let sealer: Sealer

    /// A line sealer under a 16-byte SM4 master key.
    /// - Throws: ``SealError`` `.invalidKey` if the key is not 16 bytes.
    public init(key: [UInt8]) throws(SealError) {
        sealer = try Sealer(key: key)
    }

    /// The line sealer the environment asks for, or `nil` when sealing is off.
    /// - Throws: `SECRETS_INVALID` (exit 78) naming `sm4_key` when `WXPAY_EVENTS_SEAL=sm4` and the secrets file has
    ///   none; `CONFIG_INVALID` (exit 78) for a value other than `sm4`, `none` or empty. Either way nothing must be
    ///   written unsealed when sealing was asked for.
    public static func configured(environment: [String: String], secrets: Secrets) throws(WxPayError) -> SealedLine? {
        switch environment[environmentKey]?.lowercased() {
        case nil, "", "none":
            return nil
        case "sm4":
            guard let key = secrets.sm4KeyBytes else {
                throw .secretsInvalid("sm4_key", "is required when \(environmentKey)=sm4 (32 hexadecimal characters)")
            }
            do { return try SealedLine(key: key) } catch {
                throw .secretsInvalid("sm4_key", "must be 32 hexadecimal characters (16 bytes)")
            }
        case let other?:
            throw WxPayError(code: "CONFIG_INVALID",
                             message: "\(environmentKey) must be sm4 or none, not \(other.prefix(16))",
                             retryable: false, exitStatus: ExitStatus.config, httpStatus: 500,
                             details: ["field": .string(environmentKey)])
        }
    }

    /// Seals one line (without its newline) into the `{"sealed":"wxs1.…"}` line that replaces it.
    /// - Throws: `INTERNAL` (exit 70) only if OpenSSL fails.
    public func seal(_ line: [UInt8]) throws(WxPayError) -> [UInt8] {
        let text: String
        do { text = try sealer.seal(line, context: SealedLine.context) } catch {
            throw .internalError("sealing an events line failed: \(error.message)")
        }
        // base64url and the prefix need no JSON escaping.
        return Array("{\"\(SealedLine.member)\":\"\(text)\"}".utf8)
    }

    /// The purpose label of identifiers sealed inside log lines.
    public static let logContext = "wxpay-agent-kit/log-field/v1"

    /// Seals one identifier for a log line (`wxs1.…`), so logs that must keep it carry it only under SM4.
    /// - Throws: `INTERNAL` (exit 70) only if OpenSSL fails.
    public func sealField(_ value: String) throws(WxPayError) -> String {
        do { return try sealer.seal(Array(value.utf8), context: SealedLine.logContext) } catch {
            throw .internalError("sealing a log field failed: \(error.message)")
        }
    }

    /// Opens a line written by ``seal(_:)``, returning the original line bytes.
    /// - Throws: ``SealError`` `.malformed` if the line is not a sealed line, or any ``Sealer/open(_:context:)``
    ///   failure (altered, truncated, another key, another purpose).
    public func open(_ line: [UInt8]) throws(SealError) -> [UInt8] {
        guard let text = SealedLine.sealedText(in: line) else {
            throw SealError(.malformed, "the line is not a {\"\(SealedLine.member)\": \"wxs1.…\"} object")
        }
        return try sealer.open(text, context: SealedLine.context)
    }

    /// Whether `line` is a sealed line (its shape only; nothing is verified).
    public static func isSealed(_ line: [UInt8]) -> Bool { sealedText(in: line) != nil }

    private static func sealedText(in line: [UInt8]) -> String? {
        guard let value = try? JSONCoding.value(from: line), let object = value.objectValue, object.count == 1,
              let text = object[member]?.stringValue
        else { return nil }
        return text
    }
}
