// RFC 3339 timestamps, parsed by hand: the engine's clock is each transaction's created_at.

/// Parses RFC 3339 date-times (`2026-11-23T18:25:00+08:00`, `2026-11-23T10:25:00.123Z`) into Unix seconds.
public enum RFC3339 {
    /// The Unix time (whole seconds, fraction dropped) of an RFC 3339 date-time, or nil when the text is not one.
    /// Accepts `T`/`t`/space between date and time, `Z`/`z` or `±HH:MM`, a fraction of any length, a leap second
    /// (`:60`, read as the next second's start); checks every field's range and the day of the month.
    /// - Parameter text: The date-time.
    public static func unixSeconds(_ text: String) -> Int64? {
        var copy = text
        return copy.withUTF8 { unixSeconds($0) }
    }

    /// ``unixSeconds(_:)-(String)`` over UTF-8 bytes.
    /// - Parameter b: The date-time's UTF-8 bytes.
    public static func unixSeconds(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        let n = b.count
        guard n >= 20 else { return nil }
        @inline(__always) func digits(_ at: Int, _ count: Int) -> Int? {
            var value = 0
            for k in at..<(at + count) {
                let d = b[k] &- 0x30
                if d > 9 { return nil }
                value = value * 10 + Int(d)
            }
            return value
        }
        guard let year = digits(0, 4), b[4] == 0x2D, let month = digits(5, 2), b[7] == 0x2D,
            let day = digits(8, 2), b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20,
            let hour = digits(11, 2), b[13] == 0x3A, let minute = digits(14, 2), b[16] == 0x3A,
            let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year, month), hour <= 23, minute <= 59,
            second <= 60
        else { return nil }
        var i = 19
        if b[i] == 0x2E {
            i += 1
            let start = i
            while i < n, b[i] &- 0x30 <= 9 { i += 1 }
            if i == start { return nil }
        }
        guard i < n else { return nil }
        var offset = 0
        switch b[i] {
        case 0x5A, 0x7A:
            i += 1
        case 0x2B, 0x2D:
            guard i + 6 == n, let oh = digits(i + 1, 2), b[i + 3] == 0x3A, let om = digits(i + 4, 2), oh <= 23,
                om <= 59
            else { return nil }
            offset = (oh * 60 + om) * 60 * (b[i] == 0x2B ? 1 : -1)
            i += 6
        default:
            return nil
        }
        guard i == n else { return nil }
        let days = daysFromCivil(year, month, day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
