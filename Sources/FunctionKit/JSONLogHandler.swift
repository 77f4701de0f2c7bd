import KitCore
import Logging

/// A swift-log handler that writes one JSON object per line to stderr, never to stdout, with secrets redacted.
///
/// Redaction: metadata under a sensitive key (`authorization`, `signature`, `*_key`, `*secret*`, ...) is replaced by
/// `[redacted]`, and any PEM block or `Authorization` value appearing in a message or value is cut out.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String

    /// Creates a handler for `label` at `level`.
    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var o: [String: JSONValue] = [
            "ts": .int(System.unixTimeMillis()),
            "level": .string(event.level.rawValue),
            "fn": .string(label),
            "msg": .string(LogRedactor.scrub(event.message.description)),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged {
            o[key] = LogRedactor.isSensitive(key: key) ? "[redacted]" : JSONLogHandler.json(value)
        }
        guard var line = try? JSONCoding.encode(JSONValue.object(o)) else { return }
        line.append(0x0A)
        System.writeAll(fd: 2, line)
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let s): return .string(LogRedactor.scrub(s))
        case .stringConvertible(let c): return .string(LogRedactor.scrub(c.description))
        case .array(let a): return .array(a.map(json))
        case .dictionary(let d):
            var o: [String: JSONValue] = [:]
            for (k, v) in d { o[k] = LogRedactor.isSensitive(key: k) ? "[redacted]" : json(v) }
            return .object(o)
        }
    }
}

/// Decides what must never reach a log line.
public enum LogRedactor {
    private static let sensitiveFragments = ["authorization", "signature", "secret", "private", "password", "token"]

    /// Whether a metadata key names something secret: it contains a sensitive word, or names a key (`*_key`).
    public static func isSensitive(key: String) -> Bool {
        let k = key.lowercased()
        return k.hasSuffix("_key") || sensitiveFragments.contains { k.contains($0) }
    }

    /// Cuts PEM blocks and authorization header values out of free text.
    public static func scrub(_ text: String) -> String {
        var out = text
        while let begin = out.firstRange(of: "-----BEGIN") {
            if let end = out[begin.upperBound...].firstRange(of: "-----END"),
               let close = out[end.upperBound...].firstRange(of: "-----")
            {
                out.replaceSubrange(begin.lowerBound..<close.upperBound, with: "[redacted PEM]")
            } else {
                out.replaceSubrange(begin.lowerBound..<out.endIndex, with: "[redacted PEM]")
            }
        }
        if let credentials = signatureCredentials(in: out) {
            out.replaceSubrange(credentials..<out.endIndex, with: "[redacted]")
        }
        return out
    }

    /// Where the credentials of a signature-scheme `Authorization` value begin: after `SCHEME ` when a hyphenated
    /// upper-case scheme name (`AWS4-HMAC-SHA256`, `WECHATPAY2-SHA256-RSA2048`) is followed by an auth-param
    /// (`key=`, RFC 9110 §11.4).
    static func signatureCredentials(in text: String) -> String.Index? {
        let b = Array(text.utf8)
        func isUpperOrDigit(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) }
        func isKey(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F }
        var i = 0
        while i < b.count {
            guard b[i] >= 0x41 && b[i] <= 0x5A, i == 0 || !(isUpperOrDigit(b[i - 1]) || b[i - 1] == 0x2D) else {
                i += 1
                continue
            }
            var j = i
            var hyphens = 0
            while j < b.count, isUpperOrDigit(b[j]) || b[j] == 0x2D {
                if b[j] == 0x2D { hyphens += 1 }
                j += 1
            }
            if hyphens > 0, b[j - 1] != 0x2D, j < b.count, b[j] == 0x20 {
                var k = j + 1
                while k < b.count, isKey(b[k]) { k += 1 }
                if k > j + 1, k < b.count, b[k] == 0x3D {
                    return text.utf8.index(text.utf8.startIndex, offsetBy: j + 1)
                }
            }
            i = j
        }
        return nil
    }
}
