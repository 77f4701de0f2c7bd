/// Helpers for values that arrive from outside the process (headers, bodies, files, the environment, other
/// services). Every integer from outside is parsed with a range and compared with overflow-safe arithmetic, and
/// every piece of outside text that goes into a message is escaped and cut to a bounded length.
public enum Untrusted {
    /// The most characters of outside text quoted in any error message or log line.
    public static let excerptLimit = 64

    /// Parses a canonical decimal integer (`-?[0-9]+`, at most 19 digits, no sign for `+`, no spaces) that must
    /// lie in `range`. Returns `nil` for anything else, so callers report a stable error instead of trapping.
    public static func integer(_ text: some StringProtocol, in range: ClosedRange<Int64>) -> Int64? {
        var utf8 = Substring(text).utf8[...]
        var negative = false
        if utf8.first == UInt8(ascii: "-") {
            negative = true
            utf8 = utf8.dropFirst()
        }
        guard !utf8.isEmpty, utf8.count <= 19 else { return nil }
        var magnitude: UInt64 = 0
        for c in utf8 {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            magnitude = magnitude * 10 + UInt64(c - 0x30)  // 19 digits < 10^19 < 2^64: cannot overflow
        }
        let value: Int64
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            value = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        } else {
            guard magnitude <= UInt64(Int64.max) else { return nil }
            value = Int64(magnitude)
        }
        return range.contains(value) ? value : nil
    }

    /// Parses an integer in an `Int` range (see ``integer(_:in:)-(_,ClosedRange<Int64>)``).
    public static func integer(_ text: some StringProtocol, in range: ClosedRange<Int>) -> Int? {
        integer(text, in: Int64(range.lowerBound)...Int64(range.upperBound)).map { Int($0) }
    }

    /// Unix seconds accepted from outside: from 1970 to the end of year 9999.
    public static let unixSecondsRange: ClosedRange<Int64> = 0...253_402_300_799

    /// Parses Unix seconds (`Wechatpay-Timestamp`, an `Authorization` timestamp, a forwarded event's `t=`).
    public static func unixSeconds(_ text: some StringProtocol) -> Int64? { integer(text, in: unixSecondsRange) }

    /// `|a - b|` for any two `Int64` values, exact (the difference always fits in `UInt64`).
    public static func distance(_ a: Int64, _ b: Int64) -> UInt64 {
        a >= b ? UInt64(bitPattern: a &- b) : UInt64(bitPattern: b &- a)
    }

    /// Whether `a` and `b` are at most `window` apart; never traps, whatever the values.
    public static func within(_ a: Int64, _ b: Int64, window: Int64) -> Bool {
        window >= 0 && distance(a, b) <= UInt64(window)
    }

    /// Outside text made safe to quote in a message: control characters, quotes and backslashes escaped, and at
    /// most ``excerptLimit`` characters kept (a trailing `…` says it was cut).
    public static func excerpt(_ text: some StringProtocol, limit: Int = excerptLimit) -> String {
        var out = ""
        var count = 0
        for scalar in Substring(text).unicodeScalars {
            if count == limit {
                out += "…"
                return out
            }
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                    || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
                {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            count += 1
        }
        return out
    }
}
