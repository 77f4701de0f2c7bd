// The hot path of risk-batch: a hand-rolled scanner for one transaction object over UTF-8 bytes.

import WxPayTime

/// Why a transaction could not be read. `message` names the field.
struct BadTransaction: Error, Sendable {
    var message: String
}

/// Structural JSON skipping (validating) shared by the transaction scanner and the input splitter.
enum JSONSkipper {
    @inline(__always)
    static func skipWhitespace(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) {
        while i < b.count {
            let c = b[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 } else { return }
        }
    }

    /// Skips one JSON value starting at `i` (no leading whitespace), validating it.
    static func skipValue(
        _ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, scratch: inout [UInt8], depth: Int = 0
    ) throws(BadTransaction) {
        guard depth < 64 else { throw BadTransaction(message: "JSON nested too deeply") }
        guard i < b.count else { throw BadTransaction(message: "unexpected end of the line") }
        switch b[i] {
        case 0x22:
            scratch.removeAll(keepingCapacity: true)
            do throws(JSONStringError) {
                try JSONStringDecoder.decode(b, at: &i, into: &scratch)
            } catch {
                throw BadTransaction(message: error.message)
            }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close: UInt8 = b[i] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let isObject = close == UInt8(ascii: "}")
            i += 1
            skipWhitespace(b, &i)
            if i < b.count, b[i] == close { i += 1; return }
            while true {
                skipWhitespace(b, &i)
                if isObject {
                    guard i < b.count, b[i] == 0x22 else { throw BadTransaction(message: "expected a member name") }
                    try skipValue(b, &i, scratch: &scratch, depth: depth + 1)
                    skipWhitespace(b, &i)
                    guard i < b.count, b[i] == UInt8(ascii: ":") else { throw BadTransaction(message: "expected ':'") }
                    i += 1
                    skipWhitespace(b, &i)
                }
                try skipValue(b, &i, scratch: &scratch, depth: depth + 1)
                skipWhitespace(b, &i)
                guard i < b.count else { throw BadTransaction(message: "unexpected end of the line") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == close { i += 1; return }
                throw BadTransaction(message: isObject ? "expected ',' or '}'" : "expected ',' or ']'")
            }
        case UInt8(ascii: "t"): try literal(b, &i, "true")
        case UInt8(ascii: "f"): try literal(b, &i, "false")
        case UInt8(ascii: "n"): try literal(b, &i, "null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try number(b, &i)
        default:
            throw BadTransaction(message: "unexpected character")
        }
    }

    @inline(__always)
    static func literal(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ text: StaticString) throws(BadTransaction) {
        let n = text.utf8CodeUnitCount
        guard i + n <= b.count else { throw BadTransaction(message: "invalid literal") }
        for k in 0..<n where b[i + k] != text.utf8Start[k] { throw BadTransaction(message: "invalid literal") }
        i += n
    }

    /// Scans a JSON number; returns its value when it is an integer that fits in `Int`, nil otherwise.
    @inline(__always)
    static func number(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws(BadTransaction) -> Int? {
        var negative = false
        if b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        guard i < b.count, isDigit(b[i]) else { throw BadTransaction(message: "invalid number") }
        var value = 0
        var overflow = false
        if b[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < b.count, isDigit(b[i]) {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int(b[i] - 0x30))
                overflow = overflow || o1 || o2
                value = s
                i += 1
            }
        }
        var integer = !overflow
        if i < b.count, b[i] == UInt8(ascii: ".") {
            integer = false
            i += 1
            guard i < b.count, isDigit(b[i]) else { throw BadTransaction(message: "invalid number") }
            while i < b.count, isDigit(b[i]) { i += 1 }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            integer = false
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < b.count, isDigit(b[i]) else { throw BadTransaction(message: "invalid number") }
            while i < b.count, isDigit(b[i]) { i += 1 }
        }
        return integer ? (negative ? -value : value) : nil
    }
}

/// One transaction read by ``TransactionScanner``: its strings are ranges of the scanner's buffer.
struct ScannedTransaction {
    var id: Range<Int>?
    var amount = 0
    var currency: Range<Int>?
    var description: Range<Int>?
    var userOpenid: Range<Int>?
    var createdAt: Range<Int>?
    var time: Int64 = 0
    var isRefund = false
    var hasType = false
    var hasAmount = false
    var clientIp: Range<Int>?
    var deviceId: Range<Int>?
    var merchantCategory: Range<Int>?
    var attach: Range<Int>?
}

/// Reads one transaction object (docs/functions.md) from UTF-8 bytes, building no intermediate value. Strings are
/// decoded (all escapes, surrogate pairs, UTF-8 validated) into one reusable buffer.
struct TransactionScanner: ~Copyable {
    /// Decoded strings of the last transaction (written through a pointer: a decoded string is never longer
    /// than its JSON literal, so a capacity of the record's length is enough for all of them).
    private var storage = PlainTable<UInt8>(capacity: 1024)
    private var used = 0
    private var junk: [UInt8] = []

    /// Decoded strings of the last transaction; valid until the next call to `scan`.
    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage.base, count: used) }

    init() {
        junk.reserveCapacity(256)
    }

    /// The largest accepted amount, in fen (¥100,000,000).
    static let maxAmount = 10_000_000_000

    private enum Field: Int {
        case id, amount, currency, description, userOpenid, createdAt, type, clientIp, deviceId, merchantCategory,
            attach, unknown
        var name: String {
            switch self {
            case .id: return "id"
            case .amount: return "amount"
            case .currency: return "currency"
            case .description: return "description"
            case .userOpenid: return "user_openid"
            case .createdAt: return "created_at"
            case .type: return "type"
            case .clientIp: return "client_ip"
            case .deviceId: return "device_id"
            case .merchantCategory: return "merchant_category"
            case .attach: return "attach"
            case .unknown: return "?"
            }
        }
    }

    @inline(__always)
    private func field(_ k: UnsafeBufferPointer<UInt8>) -> Field {
        @inline(__always) func eq(_ s: StaticString) -> Bool {
            guard k.count == s.utf8CodeUnitCount else { return false }
            return memcmpEqual(k.baseAddress!, s.utf8Start, k.count)
        }
        switch k.count {
        case 2: return eq("id") ? .id : .unknown
        case 4: return eq("type") ? .type : .unknown
        case 6: return eq("amount") ? .amount : eq("attach") ? .attach : .unknown
        case 8: return eq("currency") ? .currency : .unknown
        case 9: return eq("client_ip") ? .clientIp : eq("device_id") ? .deviceId : .unknown
        case 10: return eq("created_at") ? .createdAt : .unknown
        case 11: return eq("description") ? .description : eq("user_openid") ? .userOpenid : .unknown
        case 17: return eq("merchant_category") ? .merchantCategory : .unknown
        default: return .unknown
        }
    }

    /// Parses one transaction. On failure, `partial.id` holds the id when it was read before the error.
    mutating func scan(
        _ b: UnsafeBufferPointer<UInt8>, partial: inout ScannedTransaction
    ) throws(BadTransaction) {
        used = 0
        storage.reserve(b.count, used: 0)
        partial = ScannedTransaction()
        var i = 0
        JSONSkipper.skipWhitespace(b, &i)
        guard i < b.count else { throw BadTransaction(message: "empty line") }
        guard b[i] == UInt8(ascii: "{") else { throw BadTransaction(message: "a transaction must be a JSON object") }
        i += 1
        var seen: UInt16 = 0
        JSONSkipper.skipWhitespace(b, &i)
        if i < b.count, b[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                JSONSkipper.skipWhitespace(b, &i)
                guard i < b.count, b[i] == 0x22 else { throw BadTransaction(message: "expected a member name") }
                // The name is decoded after the strings kept so far (and overwritten by the next one).
                var keyEnd = used
                do throws(JSONStringError) {
                    try JSONStringDecoder.decode(b, at: &i, into: storage.base, count: &keyEnd)
                } catch {
                    throw BadTransaction(message: "member name: \(error.message)")
                }
                let f = field(UnsafeBufferPointer(start: storage.base + used, count: keyEnd - used))
                JSONSkipper.skipWhitespace(b, &i)
                guard i < b.count, b[i] == UInt8(ascii: ":") else {
                    throw BadTransaction(message: "expected ':' after a member name")
                }
                i += 1
                JSONSkipper.skipWhitespace(b, &i)
                guard i < b.count else { throw BadTransaction(message: "unexpected end of the line") }
                if f != .unknown {
                    let bit: UInt16 = 1 << UInt16(f.rawValue)
                    if seen & bit != 0 { throw BadTransaction(message: "\(f.name) appears twice") }
                    seen |= bit
                }
                try value(f, b, &i, &partial)
                JSONSkipper.skipWhitespace(b, &i)
                guard i < b.count else { throw BadTransaction(message: "unexpected end of the line: missing '}'") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; break }
                throw BadTransaction(message: "expected ',' or '}' in the transaction")
            }
        }
        JSONSkipper.skipWhitespace(b, &i)
        if i != b.count { throw BadTransaction(message: "unexpected data after the transaction object") }
        guard partial.id != nil else { throw BadTransaction(message: "id is missing") }
        guard partial.hasAmount else { throw BadTransaction(message: "amount is missing") }
        guard partial.currency != nil else { throw BadTransaction(message: "currency is missing") }
        guard partial.description != nil else { throw BadTransaction(message: "description is missing") }
        guard partial.userOpenid != nil else { throw BadTransaction(message: "user_openid is missing") }
        guard partial.createdAt != nil else { throw BadTransaction(message: "created_at is missing") }
        guard partial.hasType else { throw BadTransaction(message: "type is missing") }
    }

    @inline(__always)
    private mutating func string(
        _ f: Field, _ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, nullable: Bool
    ) throws(BadTransaction) -> Range<Int>? {
        if b[i] == UInt8(ascii: "n") && nullable {
            try JSONSkipper.literal(b, &i, "null")
            return nil
        }
        guard b[i] == 0x22 else {
            throw BadTransaction(message: "\(f.name) must be a string\(nullable ? " or null" : "")")
        }
        let start = used
        do throws(JSONStringError) {
            try JSONStringDecoder.decode(b, at: &i, into: storage.base, count: &used)
        } catch {
            throw BadTransaction(message: "\(f.name): \(error.message)")
        }
        return start..<used
    }

    @inline(__always)
    private mutating func value(
        _ f: Field, _ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ t: inout ScannedTransaction
    ) throws(BadTransaction) {
        switch f {
        case .id:
            let r = try string(f, b, &i, nullable: false)!
            if r.isEmpty { throw BadTransaction(message: "id must not be empty") }
            t.id = r
        case .amount:
            guard b[i] == UInt8(ascii: "-") || isDigit(b[i]) else {
                throw BadTransaction(message: "amount must be an integer number of fen")
            }
            guard let amount = try JSONSkipper.number(b, &i) else {
                throw BadTransaction(message: "amount must be an integer number of fen (no fraction or exponent)")
            }
            guard amount >= 1 && amount <= Self.maxAmount else {
                throw BadTransaction(message: "amount must be 1 ... \(Self.maxAmount) fen")
            }
            t.amount = amount
            t.hasAmount = true
        case .currency:
            let r = try string(f, b, &i, nullable: false)!
            if r.isEmpty { throw BadTransaction(message: "currency must not be empty") }
            t.currency = r
        case .description:
            t.description = try string(f, b, &i, nullable: false)
        case .userOpenid:
            let r = try string(f, b, &i, nullable: false)!
            if r.isEmpty { throw BadTransaction(message: "user_openid must not be empty") }
            t.userOpenid = r
        case .createdAt:
            let r = try string(f, b, &i, nullable: false)!
            let time = RFC3339.unixSeconds(UnsafeBufferPointer(rebasing: buffer[r]))
            guard let time else { throw BadTransaction(message: "created_at must be an RFC 3339 date-time") }
            t.createdAt = r
            t.time = time
        case .type:
            let r = try string(f, b, &i, nullable: false)!
            let kind = { () -> Int in
                let s = UnsafeBufferPointer(rebasing: buffer[r])
                if s.count == 7 && memcmpEqual(s.baseAddress!, ("payment" as StaticString).utf8Start, 7) { return 0 }
                if s.count == 6 && memcmpEqual(s.baseAddress!, ("refund" as StaticString).utf8Start, 6) { return 1 }
                return -1
            }()
            guard kind >= 0 else { throw BadTransaction(message: "type must be \"payment\" or \"refund\"") }
            t.isRefund = kind == 1
            t.hasType = true
        case .clientIp:
            t.clientIp = try string(f, b, &i, nullable: true)
        case .deviceId:
            t.deviceId = try string(f, b, &i, nullable: true)
        case .merchantCategory:
            t.merchantCategory = try string(f, b, &i, nullable: true)
        case .attach:
            if b[i] == UInt8(ascii: "{") || b[i] == UInt8(ascii: "[") {
                // Structured attach data (create-intent's attach object): screen its JSON text.
                let start = i
                try JSONSkipper.skipValue(b, &i, scratch: &junk)
                let r = used
                (storage.base + used).update(from: b.baseAddress! + start, count: i - start)
                used += i - start
                t.attach = r..<used
            } else {
                t.attach = try string(f, b, &i, nullable: true)
            }
        case .unknown:
            try JSONSkipper.skipValue(b, &i, scratch: &junk)
        }
    }

    /// Best effort for an error answer: the `id` of a line that failed to parse, when one can be found at the
    /// top level of the object.
    func salvageID(_ b: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var junk: [UInt8] = []
        return walkTopLevelMembers(b) { key, i in
            guard i < b.count else { return .stop(nil) }
            if key == Array("id".utf8) {
                guard b[i] == 0x22 else { return .stop(nil) }
                var id: [UInt8] = []
                do throws(JSONStringError) { try JSONStringDecoder.decode(b, at: &i, into: &id) } catch {
                    return .stop(nil)
                }
                return .stop(id.isEmpty ? nil : id)
            }
            if b[i] == 0x22 {
                // Leniently: a string whose content is invalid still ends at its closing quote.
                i += 1
                while i < b.count, b[i] != 0x22 { i += b[i] == 0x5C ? 2 : 1 }
                i += 1
            } else {
                do throws(BadTransaction) { try JSONSkipper.skipValue(b, &i, scratch: &junk) } catch { return .stop(nil) }
            }
            return .next
        }
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    for k in 0..<n where a[k] != b[k] { return false }
    return true
}
