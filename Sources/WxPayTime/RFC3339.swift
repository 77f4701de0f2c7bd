// RFC 3339 date-times, parsed by hand: the project's one parser (WxPayCore's `ChinaTime.parse` and the risk
// engine's clock both call it). Standard library only, no Foundation, no C: every target may import it.

/// Parses RFC 3339 date-times (`2026-11-23T18:25:00+08:00`, `2026-11-23T10:25:00.123Z`) into Unix seconds.
///
/// The grammar is RFC 3339 §5.6 `date-time`, strictly:
/// - `YYYY-MM-DD`, then `T`, `t` or a space (RFC 3339 §5.6 note), then `hh:mm:ss`;
/// - an optional fraction `.d…` of 1 to ``maxFractionDigits`` digits (dropped: the result is whole seconds);
/// - `Z`, `z` or `±hh:mm` with `hh` ≤ 23 and `mm` ≤ 59;
/// - nothing before or after (no surrounding whitespace).
///
/// Every field is range-checked: month 1–12, the day against the month's length in the proleptic Gregorian
/// calendar (30 February, 31 April and 29 February of a year that is not a leap year are refused; 2000 is a leap
/// year, 2100 is not), hour 0–23, minute 0–59, second 0–59. A leap second (`:60`) is accepted only where one can
/// occur (RFC 3339 §5.7): at 23:59:60 UTC, once the offset is applied, on the last day of a month; it is read as
/// the next second's start, since Unix time has no leap seconds. Years are exactly four digits (0000–9999), so no
/// field can overflow; the arithmetic is in `Int64`.
public enum RFC3339 {
    /// The longest fraction of a second accepted (nanoseconds); longer ones are refused, not truncated.
    public static let maxFractionDigits = 9

    /// The longest date-time accepted, in bytes: `YYYY-MM-DDThh:mm:ss.fffffffff+hh:mm`.
    public static let maxLength = 19 + 1 + maxFractionDigits + 6

    /// The Unix time (whole seconds, fraction dropped) of an RFC 3339 date-time, or nil when the text is not one.
    /// - Parameter text: The date-time.
    public static func unixSeconds(_ text: String) -> Int64? {
        var copy = text
        return copy.withUTF8 { unixSeconds($0) }
    }

    /// ``unixSeconds(_:)-(String)`` over UTF-8 bytes.
    /// - Parameter b: The date-time's UTF-8 bytes.
    public static func unixSeconds(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        let n = b.count
        guard n >= 20, n <= maxLength else { return nil }
        @inline(__always) func digits(_ at: Int, _ count: Int) -> Int? {
            var value = 0
            for k in at..<(at + count) {
                let d = b[k] &- 0x30
                if d > 9 { return nil }
                value = value * 10 + Int(d)  // at most four digits: no overflow
            }
            return value
        }
        guard let year = digits(0, 4), b[4] == 0x2D, let month = digits(5, 2), b[7] == 0x2D,
            let day = digits(8, 2), b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20,
            let hour = digits(11, 2), b[13] == 0x3A, let minute = digits(14, 2), b[16] == 0x3A,
            let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month), hour <= 23,
            minute <= 59, second <= 60
        else { return nil }
        var i = 19
        if b[i] == 0x2E {
            i += 1
            let start = i
            while i < n, b[i] &- 0x30 <= 9 { i += 1 }
            guard i > start, i - start <= maxFractionDigits else { return nil }
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
        let days = Int64(daysFromCivil(year: year, month: month, day: day))
        let clock = Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offset)
        let t = days * 86_400 + clock
        if second == 60 {
            // Only 23:59:60 UTC on a month's last day: the next second starts a day that is the 1st of a month.
            let next = t + 1
            guard next % 86_400 == 0, civilFromDays(next / 86_400).day == 1 else { return nil }
            return next
        }
        return t
    }

    /// Whether `year` is a leap year of the proleptic Gregorian calendar.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days of `month` (1–12) in `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    public static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
