#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import WxPayTime

/// RFC 3339 timestamps in China Standard Time (+08:00), as WeChat Pay writes them.
public enum ChinaTime {
    /// Formats Unix seconds as `yyyy-MM-ddTHH:mm:ss+08:00`.
    public static func format(unix: Int64) -> String {
        var t = time_t(unix + 8 * 3600)
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ w: Int = 2) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))+08:00"
    }

    /// Parses an RFC 3339 date-time (any offset, `Z`; the fraction dropped) into Unix seconds: the project's one
    /// parser, ``RFC3339/unixSeconds(_:)-(String)`` (impossible dates and out-of-range offsets are refused).
    public static func parse(_ text: String) -> Int64? { RFC3339.unixSeconds(text) }
}
