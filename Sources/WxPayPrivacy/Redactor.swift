import KitCore
import WxPayCore

/// Replaces identifiers with placeholders, growing a ``PlaceholderMap``.
///
/// Text: every ``PIIDetector`` match is replaced. JSON: every string value and every object key is scanned as
/// text; a string or integer value under an identifier key (`out_trade_no`, `openid`, ...) is replaced whole;
/// an integer elsewhere is replaced (by a placeholder string) only when its digits are an identifier (a phone
/// number stored as a number). A value that already is a placeholder (an earlier turn's) is left alone.
public struct Redactor: Sendable {
    /// The detector in use.
    public let detector: PIIDetector
    /// The map so far: the continued map plus everything this redactor replaced.
    public private(set) var map: PlaceholderMap
    /// Occurrences replaced by this redactor, per kind.
    public private(set) var counts: [PIIKind: Int] = [:]

    /// A redactor that continues `map` (empty for a conversation's first turn).
    public init(detector: PIIDetector = .standard, continuing map: PlaceholderMap = PlaceholderMap()) {
        self.detector = detector
        self.map = map
    }

    /// Redacts free text.
    public mutating func redact(_ text: String) -> String {
        let bytes = Array(text.utf8)
        let matches = detector.matches(in: bytes)
        guard !matches.isEmpty else { return text }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + matches.count * 8)
        var cursor = 0
        for match in matches {
            out += bytes[cursor..<match.range.lowerBound]
            let spelling = String(decoding: bytes[match.range], as: UTF8.self)
            out += map.placeholder(kind: match.kind, identity: match.identity, spelling: spelling).utf8
            counts[match.kind, default: 0] += 1
            cursor = match.range.upperBound
        }
        out += bytes[cursor...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Redacts a JSON value (any shape).
    /// - Throws: `INVALID_FIELD` (`json`) if two keys of one object would become the same key, which needs a
    ///   literal placeholder and the identifier it stands for as sibling keys.
    public mutating func redact(json: JSONValue) throws(WxPayError) -> JSONValue {
        try walk(json, identifierKind: nil)
    }

    private mutating func walk(_ value: JSONValue, identifierKind: PIIKind?) throws(WxPayError) -> JSONValue {
        switch value {
        case .string(let s):
            if s.isEmpty || Placeholder.isPlaceholder(s) { return value }
            if let kind = identifierKind { return .string(replaceWhole(s, kind: kind)) }
            return .string(redact(s))
        case .int(let i):
            let digits = String(i)
            if let kind = identifierKind { return .string(replaceWhole(digits, kind: kind)) }
            let redacted = redact(digits)
            return redacted == digits ? value : .string(redacted)
        case .array(let items):
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try walk(item, identifierKind: identifierKind)) }
            return .array(out)
        case .object(let members):
            var out: [String: JSONValue] = [:]
            out.reserveCapacity(members.count)
            // Sorted, so numbering follows the order the sorted-key JSON output shows.
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                let newKey = Placeholder.isPlaceholder(key) ? key : redact(key)
                guard out[newKey] == nil else {
                    throw .invalidField("json", "two keys of one object stand for the same identifier")
                }
                out[newKey] = try walk(member, identifierKind: detector.kind(forKey: key))
            }
            return .object(out)
        case .null, .bool, .double:
            return value
        }
    }

    /// Replaces a whole value known (by its key) to be an identifier. If the detector reads the whole value as
    /// one identifier of the same kind, its identity is used, so `"mobile": "138 0013 8000"` and
    /// `13800138000` in text share a placeholder.
    private mutating func replaceWhole(_ value: String, kind: PIIKind) -> String {
        let bytes = Array(value.utf8)
        var identity = value
        let matches = detector.matches(in: bytes)
        if matches.count == 1, matches[0].kind == kind, matches[0].range == 0..<bytes.count {
            identity = matches[0].identity
        }
        counts[kind, default: 0] += 1
        return map.placeholder(kind: kind, identity: identity, spelling: value)
    }
}

/// Puts identifiers back in place of the placeholders a ``PlaceholderMap`` made.
///
/// Only exact placeholders are restored. Any other placeholder-shaped token (`⟦` + letters, digits and `_` +
/// `⟧`: one the model invented, renumbered or re-cased) is left as it is and reported in
/// ``unknownPlaceholders``.
public struct Restorer: Sendable {
    /// The map placeholders are looked up in.
    public let map: PlaceholderMap
    /// Placeholder-shaped tokens not in the map, each once, in order of first appearance.
    public private(set) var unknownPlaceholders: [String] = []
    /// Placeholders restored, counted per occurrence.
    public private(set) var restoredCount = 0
    private var seenUnknown: Set<String> = []

    /// A restorer for `map`.
    public init(map: PlaceholderMap) {
        self.map = map
    }

    /// Restores free text.
    public mutating func restore(_ text: String) -> String {
        let b = Array(text.utf8)
        let open = Placeholder.open, close = Placeholder.close
        var out = [UInt8]()
        var cursor = 0
        var i = 0
        var changed = false
        while i + open.count <= b.count {
            guard b[i] == open[0], b[i + 1] == open[1], b[i + 2] == open[2] else { i += 1; continue }
            // The token's inner part: placeholder characters up to the closing bracket.
            var j = i + open.count
            let limit = min(b.count, j + Placeholder.maxInnerBytes)
            while j < limit, Restorer.isInnerByte(b[j]) { j += 1 }
            guard j > i + open.count, j + close.count <= b.count, b[j] == close[0], b[j + 1] == close[1],
                  b[j + 2] == close[2], b[(i + open.count)..<j].contains(UInt8(ascii: "_"))
            else { i += open.count; continue }
            let end = j + close.count
            let token = String(decoding: b[i..<end], as: UTF8.self)
            if let value = map.value(forPlaceholder: token) {
                if !changed { out.reserveCapacity(b.count + 64); changed = true }
                out += b[cursor..<i]
                out += value.utf8
                cursor = end
                restoredCount += 1
            } else if seenUnknown.insert(token).inserted {
                unknownPlaceholders.append(token)
            }
            i = end
        }
        guard changed else { return text }
        out += b[cursor...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Restores every string value and object key of a JSON value.
    /// - Throws: `INVALID_FIELD` (`json`) if two keys of one object would become the same key.
    public mutating func restore(json: JSONValue) throws(WxPayError) -> JSONValue {
        switch json {
        case .string(let s):
            return .string(restore(s))
        case .array(let items):
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try restore(json: item)) }
            return .array(out)
        case .object(let members):
            var out: [String: JSONValue] = [:]
            out.reserveCapacity(members.count)
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                let newKey = restore(key)
                guard out[newKey] == nil else {
                    throw .invalidField("json", "two keys of one object restore to the same key")
                }
                out[newKey] = try restore(json: member)
            }
            return .object(out)
        case .null, .bool, .int, .double:
            return json
        }
    }

    @inline(__always) private static func isInnerByte(_ c: UInt8) -> Bool {
        PIIScanners.isDigit(c) || (c | 0x20) &- 0x61 < 26 || c == UInt8(ascii: "_")
    }
}
