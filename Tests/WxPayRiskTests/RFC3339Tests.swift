import Testing
import WxPayTime

@Suite("RFC 3339 timestamps (the one parser, WxPayTime)")
struct RFC3339Tests {
    @Test("Offsets, Z, fractions and leap days")
    func valid() {
        #expect(RFC3339.unixSeconds("1970-01-01T00:00:00Z") == 0)
        #expect(RFC3339.unixSeconds("2026-11-23T18:25:00+08:00") == 1_795_429_500)
        #expect(RFC3339.unixSeconds("2026-11-23T10:25:00Z") == 1_795_429_500)
        #expect(RFC3339.unixSeconds("2026-11-23T10:25:00.999999z") == 1_795_429_500)
        #expect(RFC3339.unixSeconds("2026-11-23 05:25:00-05:00") == 1_795_429_500)
        #expect(RFC3339.unixSeconds("2026-11-23t05:25:00-05:00") == 1_795_429_500)
        #expect(RFC3339.unixSeconds("2024-02-29T00:00:00Z") == 1_709_164_800)
        #expect(RFC3339.unixSeconds("2000-03-01T00:00:00+00:00") == 951_868_800)
    }

    /// Expected values are Python 3.11's `int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())`
    /// (nil where it raises), an implementation independent of this one. Two deliberate differences are marked:
    /// Python accepts an offset's minutes of 60 (RFC 3339's `time-minute` is 00–59), and it refuses year 0000
    /// (RFC 3339 allows 0000–9999).
    static let oracle: [(String, Int64?)] = [
        ("1970-01-01T00:00:00Z", 0),
        ("2026-11-23T18:25:00+08:00", 1_795_429_500),
        ("2026-11-23T10:25:00.999999Z", 1_795_429_500),
        ("2026-11-23 05:25:00-05:00", 1_795_429_500),
        ("2024-02-29T00:00:00Z", 1_709_164_800),
        ("2000-02-29T12:00:00+08:00", 951_796_800),
        ("2100-02-28T23:59:59Z", 4_107_542_399),
        ("1900-02-28T00:00:00Z", -2_203_977_600),
        ("2400-02-29T00:00:00Z", 13_574_563_200),
        ("2026-12-31T23:59:59-23:59", 1_798_847_939),
        ("2026-01-01T00:00:00+23:59", 1_767_139_260),
        ("2026-06-30T12:00:00-00:00", 1_782_820_800),
        ("9999-12-31T23:59:59Z", 253_402_300_799),
        ("0001-01-01T00:00:00Z", -62_135_596_800),
        ("1969-12-31T23:59:59Z", -1),
        ("2026-11-23T18:25:00.123456789+08:00", 1_795_429_500),
        ("2038-01-19T03:14:08Z", 2_147_483_648),
        ("2026-04-30T00:00:00Z", 1_777_507_200),
        ("2026-02-28T00:00:00Z", 1_772_236_800),
        ("2026-13-01T00:00:00Z", nil),  // month must be in 1..12
        ("2026-00-10T00:00:00Z", nil),  // month must be in 1..12
        ("2026-01-00T00:00:00Z", nil),  // day is out of range for month
        ("2026-02-29T00:00:00Z", nil),  // day is out of range for month (2026 is not a leap year)
        ("2026-02-30T00:00:00Z", nil),
        ("2026-02-31T00:00:00Z", nil),
        ("2100-02-29T00:00:00Z", nil),  // 2100 is not a leap year
        ("1900-02-29T00:00:00Z", nil),  // nor is 1900
        ("2026-04-31T00:00:00Z", nil),
        ("2026-11-31T00:00:00Z", nil),
        ("2026-11-23T24:00:00Z", nil),  // hour must be in 0..23
        ("2026-11-23T18:60:00Z", nil),  // minute must be in 0..59
        ("2026-11-23T18:25:61Z", nil),  // second must be in 0..59
        ("2026-11-23T18:25:00+24:00", nil),  // offset strictly between -24 h and +24 h
        ("2026-11-23T18:25:00-99:99", nil),
        // Deliberate differences from Python:
        ("2026-11-23T18:25:00+08:60", nil),  // Python: 1795425900 (reads 60 minutes as an hour)
        ("0000-01-01T00:00:00Z", -62_167_219_200),  // Python: year 0 is out of range
    ]

    @Test("Against an independent oracle (Python's datetime.fromisoformat)")
    func oracleTable() {
        for (text, expected) in Self.oracle {
            #expect(RFC3339.unixSeconds(text) == expected, "\(text)")
        }
    }

    @Test(
        "Malformed or out of range",
        arguments: [
            "", "2026-11-23", "2026-11-23T18:25:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
            "2026-11-31T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T18:60:00Z", "2026-11-23T18:25:00+0800",
            "2026-11-23T18:25:00+08:00 ", " 2026-11-23T18:25:00Z", "2026-11-23T18:25:00.Z", "2026/11/23T18:25:00Z",
            "２０２６-11-23T18:25:00Z", "2026-11-23T18:25:00+24:00", "2026-11-23T18:25:00+23:60",
            "2026-11-23T18:25:00-00:60", "2026-11-23T18:25:61Z", "2026-11-23T18:25:99Z", "2026-02-31T00:00:00Z",
            "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z", "12026-11-23T18:25:00Z", "-2026-11-23T18:25:00Z",
            "+2026-11-23T18:25:00Z", "2026-1-23T18:25:00Z", "2026-11-23T18:25:00+8:00", "2026-11-23T18:25:00+08",
            "2026-11-23T18:25:00ZZ", "2026-11-23T18:25:00Z+08:00", "2026-11-23T18:25:00.1234567890Z",
            "2026-11-23T18:25:00." + String(repeating: "9", count: 100_000) + "Z",
            "2026-11-23T18:25:00+08:00" + String(repeating: "0", count: 100_000),
            "2026-11-23T-8:25:00Z", "2026-11-23T18:25:0AZ",
        ])
    func invalid(text: String) {
        #expect(RFC3339.unixSeconds(text) == nil)
    }

    @Test("Leap days: every year from 1600 to 2400 against the Gregorian rule, counted independently")
    func leapYears() {
        for year in 1600...2400 {
            let leap = year % 400 == 0 || (year % 4 == 0 && year % 100 != 0)
            let y = String(year)
            #expect((RFC3339.unixSeconds("\(y)-02-29T00:00:00Z") != nil) == leap, "\(year)")
            #expect(RFC3339.unixSeconds("\(y)-02-28T00:00:00Z") != nil)
            #expect(RFC3339.unixSeconds("\(y)-02-30T00:00:00Z") == nil)
        }
        #expect(RFC3339.isLeapYear(2000) && !RFC3339.isLeapYear(2100) && RFC3339.isLeapYear(2024)
                && !RFC3339.isLeapYear(2026))
    }

    @Test("Every day from 1900 to 2200 parses to the previous day + 86400 (a naive day-by-day calendar as oracle)")
    func dayByDay() {
        let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        var expected = RFC3339.unixSeconds("1900-01-01T00:00:00Z")!
        #expect(expected == -2_208_988_800)
        for year in 1900...2200 {
            for month in 1...12 {
                let leap = year % 400 == 0 || (year % 4 == 0 && year % 100 != 0)
                let days = month == 2 && leap ? 29 : lengths[month - 1]
                for day in 1...days {
                    let text = "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)T00:00:00Z"
                    #expect(RFC3339.unixSeconds(text) == expected, "\(text)")
                    let date = RFC3339.civilFromDays(expected / 86_400)
                    #expect(date.year == Int64(year) && date.month == month && date.day == day, "\(text)")
                    expected += 86_400
                }
                let past = "\(year)-\(month < 10 ? "0" : "")\(month)-\(days + 1)T00:00:00Z"
                #expect(RFC3339.unixSeconds(past) == nil, "\(past)")
            }
        }
    }

    @Test("A leap second only where one can occur: 23:59:60 UTC on a month's last day, read as the next second")
    func leapSecond() {
        #expect(RFC3339.unixSeconds("2016-12-31T23:59:60Z") == RFC3339.unixSeconds("2017-01-01T00:00:00Z"))
        #expect(RFC3339.unixSeconds("2017-01-01T07:59:60+08:00") == RFC3339.unixSeconds("2017-01-01T00:00:00Z"))
        #expect(RFC3339.unixSeconds("2015-06-30T23:59:60Z") == 1_435_708_800)
        #expect(RFC3339.unixSeconds("2015-06-30T18:59:60-05:00") == 1_435_708_800)
        #expect(RFC3339.unixSeconds("2016-12-31T23:58:60Z") == nil)
        #expect(RFC3339.unixSeconds("2016-12-30T23:59:60Z") == nil)
        #expect(RFC3339.unixSeconds("2016-12-31T23:59:60+08:00") == nil)  // 15:59:60 UTC
        #expect(RFC3339.unixSeconds("2026-11-23T18:25:60Z") == nil)
    }

    @Test("Offsets up to ±23:59 and fractions up to 9 digits")
    func bounds() {
        let utc: Int64 = 1_795_429_500 + 8 * 3600  // 2026-11-23T18:25:00Z
        let offset: Int64 = 23 * 3600 + 59 * 60
        #expect(RFC3339.unixSeconds("2026-11-23T18:25:00+23:59") == utc - offset)
        #expect(RFC3339.unixSeconds("2026-11-23T18:25:00-23:59") == utc + offset)
        #expect(RFC3339.unixSeconds("2026-11-23T18:25:00.123456789+08:00") == 1_795_429_500)
        #expect(RFC3339.unixSeconds("2026-11-23T18:25:00.1234567891+08:00") == nil)
    }
}
