import Testing
import WxPayRisk

@Suite("RFC 3339 timestamps")
struct RFC3339Tests {
    @Test("Offsets, Z, fractions and leap days")
    func valid() {
        #expect(RFC3339.unixSeconds("1970-01-01T00:00:00Z") == 0)
        #expect(RFC3339.unixSeconds("2026-11-23T18:25:00+08:00") == 1_795_429_500)
        #expect(RFC3339.unixSeconds("2026-11-23T10:25:00Z") == 1_795_429_500)
        #expect(RFC3339.unixSeconds("2026-11-23T10:25:00.999999z") == 1_795_429_500)
        #expect(RFC3339.unixSeconds("2026-11-23 05:25:00-05:00") == 1_795_429_500)
        #expect(RFC3339.unixSeconds("2024-02-29T00:00:00Z") == 1_709_164_800)
        #expect(RFC3339.unixSeconds("2000-03-01T00:00:00+00:00") == 951_868_800)
    }

    @Test(
        "Malformed or out of range",
        arguments: [
            "", "2026-11-23", "2026-11-23T18:25:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
            "2026-11-31T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T18:60:00Z", "2026-11-23T18:25:00+0800",
            "2026-11-23T18:25:00+08:00 ", "2026-11-23T18:25:00.Z", "2026/11/23T18:25:00Z", "２０２６-11-23T18:25:00Z",
            "2026-11-23T18:25:00+24:00",
        ])
    func invalid(text: String) {
        #expect(RFC3339.unixSeconds(text) == nil)
    }
}
