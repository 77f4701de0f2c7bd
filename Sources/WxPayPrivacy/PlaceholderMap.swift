import KitCore
import WxPayCore

/// Placeholder text: `⟦KIND_N⟧` with U+27E6 and U+27E7 (mathematical white square brackets), which ordinary
/// text, JSON and code almost never contain and which models copy verbatim.
public enum Placeholder {
    /// `⟦` in UTF-8.
    static let open: [UInt8] = [0xE2, 0x9F, 0xA6]
    /// `⟧` in UTF-8.
    static let close: [UInt8] = [0xE2, 0x9F, 0xA7]
    /// The longest bracketed token treated as a (possibly unknown) placeholder.
    static let maxInnerBytes = 48

    /// The placeholder for the `number`th identifier of `kind`, e.g. `⟦OPENID_1⟧`.
    public static func text(_ kind: PIIKind, _ number: Int) -> String { "⟦\(kind.rawValue)_\(number)⟧" }

    /// Whether `text` is exactly one placeholder-shaped token `⟦UPPER_SNAKE_N⟧`.
    public static func isPlaceholder(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count > open.count + close.count, b.starts(with: open), b.reversed().starts(with: close.reversed())
        else { return false }
        let inner = b[open.count..<(b.count - close.count)]
        guard let underscore = inner.lastIndex(of: UInt8(ascii: "_")), underscore > inner.startIndex,
              underscore + 1 < inner.endIndex
        else { return false }
        return inner[..<underscore].allSatisfy { ($0 &- 0x41 < 26) || $0 == UInt8(ascii: "_") }
            && inner[(underscore + 1)...].allSatisfy(PIIScanners.isDigit)
    }
}

/// Which placeholder stands for which identifier, for one conversation.
///
/// Placeholders are numbered per kind in order of first appearance (`⟦PHONE_1⟧`, `⟦PHONE_2⟧`, ...); the same
/// identifier (same kind and ``PIIMatch/identity``) always gets the same placeholder, and a map continued from an
/// earlier turn keeps its numbers. Restoring writes back the spelling the identifier had when first seen.
public struct PlaceholderMap: Sendable, Equatable {
    /// One identifier and its placeholder.
    public struct Entry: Sendable, Equatable, Codable {
        /// Its kind.
        public var kind: PIIKind
        /// Its number within the kind, from 1.
        public var number: Int
        /// The text restored for the placeholder (the first spelling seen).
        public var value: String
        /// The identity placeholders are keyed by.
        public var identity: String

        /// `⟦KIND_N⟧`.
        public var placeholder: String { Placeholder.text(kind, number) }

        /// Creates an entry.
        public init(kind: PIIKind, number: Int, value: String, identity: String) {
            self.kind = kind
            self.number = number
            self.value = value
            self.identity = identity
        }

        // Compact form, as the sealed mapping travels with every turn: `["PHONE", 1, "138 0013 8000",
        // "13800138000"]`, the identity omitted when it equals the value.
        public init(from decoder: any Decoder) throws {
            var c = try decoder.unkeyedContainer()
            kind = try c.decode(PIIKind.self)
            number = try c.decode(Int.self)
            value = try c.decode(String.self)
            identity = c.isAtEnd ? value : try c.decode(String.self)
            guard c.isAtEnd else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "an entry has 3 or 4 members")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.unkeyedContainer()
            try c.encode(kind)
            try c.encode(number)
            try c.encode(value)
            if identity != value { try c.encode(identity) }
        }
    }

    /// Thrown when a (correctly sealed) mapping does not hold a well-formed map.
    public struct FormatError: Error, Sendable, Equatable {
        /// What is wrong.
        public let message: String
    }

    private struct Key: Hashable {
        var kind: PIIKind
        var identity: String
    }

    private struct Stored: Codable {
        var v: Int
        var e: [Entry]
    }

    /// The largest placeholder number a map accepts (far above any conversation's identifier count).
    static let maxNumber = 1_000_000
    /// The serialization version inside the seal.
    static let formatVersion = 1
    /// The purpose label sealed mappings are bound to.
    public static let sealContext = "wxpay-agent-kit/pii-mapping/v1"

    /// Every entry, in order of first appearance.
    public private(set) var entries: [Entry] = []
    private var byKey: [Key: Int] = [:]
    private var byPlaceholder: [String: Int] = [:]
    private var lastNumber: [PIIKind: Int] = [:]

    /// An empty map (the first turn of a conversation).
    public init() {}

    /// Whether the map has no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// The placeholder for an identifier, adding it with the next number of its kind if it is new.
    public mutating func placeholder(kind: PIIKind, identity: String, spelling: String) -> String {
        let key = Key(kind: kind, identity: identity)
        if let index = byKey[key] { return entries[index].placeholder }
        let number = (lastNumber[kind] ?? 0) + 1
        let entry = Entry(kind: kind, number: number, value: spelling, identity: identity)
        insert(entry)
        return entry.placeholder
    }

    /// The identifier text a placeholder stands for, if this map made it.
    public func value(forPlaceholder placeholder: some StringProtocol) -> String? {
        byPlaceholder[String(placeholder)].map { entries[$0].value }
    }

    private mutating func insert(_ entry: Entry) {
        let index = entries.count
        entries.append(entry)
        byKey[Key(kind: entry.kind, identity: entry.identity)] = index
        byPlaceholder[entry.placeholder] = index
        lastNumber[entry.kind] = max(lastNumber[entry.kind] ?? 0, entry.number)
    }

    // MARK: Serialization

    /// The map as JSON bytes (the plaintext inside the seal).
    func encoded() -> [UInt8] {
        // Encoding plain strings and integers cannot fail.
        (try? JSONCoding.encode(Stored(v: PlaceholderMap.formatVersion, e: entries))) ?? []
    }

    /// Rebuilds a map from ``encoded()`` bytes, checking that it is consistent.
    init(decoding bytes: [UInt8]) throws(FormatError) {
        guard let stored = try? JSONCoding.decode(Stored.self, from: bytes) else {
            throw FormatError(message: "the mapping does not hold a placeholder map")
        }
        guard stored.v == PlaceholderMap.formatVersion else {
            throw FormatError(message: "the mapping has format version \(stored.v)")
        }
        for entry in stored.e {
            guard (1...PlaceholderMap.maxNumber).contains(entry.number), byPlaceholder[entry.placeholder] == nil,
                  byKey[Key(kind: entry.kind, identity: entry.identity)] == nil
            else { throw FormatError(message: "the mapping has a duplicate or invalid entry") }
            insert(entry)
        }
    }

    /// Seals the map for the caller to carry (the `mapping` string).
    /// - Throws: ``SealError`` only if OpenSSL fails.
    public func sealed(with sealer: Sealer) throws(SealError) -> String {
        try sealer.seal(encoded(), context: PlaceholderMap.sealContext)
    }

    /// Opens a sealed map: all or nothing.
    /// - Throws: ``SealError`` when the seal does not check out (tampered, truncated, another key, not a mapping),
    ///   or `.malformed` when an authentic seal does not hold a map.
    public init(sealed text: String, sealer: Sealer) throws(SealError) {
        let bytes = try sealer.open(text, context: PlaceholderMap.sealContext)
        do { try self.init(decoding: bytes) } catch {
            throw SealError(.malformed, error.message)
        }
    }
}
