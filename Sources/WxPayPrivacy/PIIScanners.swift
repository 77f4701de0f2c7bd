import WxPayCore

/// A scanner finds candidate identifiers of one kind in UTF-8 text: byte ranges plus each one's identity
/// (see ``PIIMatch/identity``). Candidates may overlap other kinds'; ``PIIDetector`` resolves that by priority.
public typealias PIIScanner = @Sendable ([UInt8]) -> [(range: Range<Int>, identity: String)]

/// The hand-written scanners behind ``PIIDetector/standard``: single passes over UTF-8 bytes, no regular
/// expressions, no Foundation. Every match starts and ends on an ASCII byte, so cutting it out of the text never
/// splits a multi-byte character.
public enum PIIScanners {
    // MARK: WeChat identifiers

    /// openids and unionids: a maximal token of `[A-Za-z0-9_-]` that is exactly 28 characters long, starts with
    /// `o`, and holds at least one upper-case letter. The last rule keeps 28-character snake_case words
    /// (`order_status_changed_handler`) out; a real openid lacks an upper-case letter with probability about
    /// (38/64)^27 ≈ 10⁻⁶, and JSON values under openid keys are caught by key whatever their shape.
    public static let openids: PIIScanner = { t in
        var out: [(range: Range<Int>, identity: String)] = []
        forEachRun(t, where: isTokenByte) { r in
            guard r.count == 28, t[r.lowerBound] == UInt8(ascii: "o"),
                  t[r].contains(where: { $0 &- 0x41 < 26 })
            else { return }
            out.append((r, text(t, r)))
        }
        return out
    }

    /// WeChat Pay transaction ids: a maximal run of exactly 28 digits starting with `42`.
    public static let transactionIDs: PIIScanner = { t in
        var out: [(range: Range<Int>, identity: String)] = []
        forEachRun(t, where: isDigit) { r in
            guard r.count == 28, t[r.lowerBound] == UInt8(ascii: "4"), t[r.lowerBound + 1] == UInt8(ascii: "2")
            else { return }
            out.append((r, text(t, r)))
        }
        return out
    }

    /// This kit's own order numbers (``IntentIdentity/outTradeNo(mchid:subMchid:idempotencyKey:attempt:)``): a maximal
    /// token that is `ai` + 24 lower-case hex digits + `-` + the attempt (1–5 digits).
    public static let kitOrderNumbers: PIIScanner = { t in
        let prefix = Array(IntentIdentity.orderPrefix.utf8)
        var out: [(range: Range<Int>, identity: String)] = []
        forEachRun(t, where: isOrderNumberByte) { r in
            let hexEnd = r.lowerBound + prefix.count + 24
            guard (hexEnd + 2)...(hexEnd + 6) ~= r.upperBound, t[r].starts(with: prefix),
                  t[(r.lowerBound + prefix.count)..<hexEnd].allSatisfy(isLowerHex), t[hexEnd] == UInt8(ascii: "-"),
                  t[(hexEnd + 1)..<r.upperBound].allSatisfy(isDigit)
            else { return }
            out.append((r, text(t, r)))
        }
        return out
    }

    /// This kit's own refund numbers (``IntentIdentity/outRefundNo(mchid:subMchid:outTradeNo:idempotencyKey:)``): a maximal
    /// token that is `rf` + 30 lower-case hex digits.
    public static let kitRefundNumbers: PIIScanner = { t in
        var out: [(range: Range<Int>, identity: String)] = []
        forEachRun(t, where: isOrderNumberByte) { r in
            guard r.count == 32, t[r.lowerBound] == UInt8(ascii: "r"), t[r.lowerBound + 1] == UInt8(ascii: "f"),
                  t[(r.lowerBound + 2)..<r.upperBound].allSatisfy(isLowerHex)
            else { return }
            out.append((r, text(t, r)))
        }
        return out
    }

    /// A scanner for a merchant's own identifier form: a maximal token of `alphabet` bytes that starts with
    /// `prefix` and whose length is in `length`. Registering a new number format is one line in a detector's
    /// pattern table, e.g. `PIIPattern(.outTradeNo, PIIScanners.prefixedToken("WXA", length: 20...32))`.
    public static func prefixedToken(
        _ prefix: String, length: ClosedRange<Int>,
        alphabet: @escaping @Sendable (UInt8) -> Bool = PIIScanners.isOrderNumberByte
    ) -> PIIScanner {
        let p = Array(prefix.utf8)
        return { t in
            var out: [(range: Range<Int>, identity: String)] = []
            forEachRun(t, where: alphabet) { r in
                guard length.contains(r.count), t[r].starts(with: p) else { return }
                out.append((r, text(t, r)))
            }
            return out
        }
    }

    // MARK: Personal identifiers

    /// Mainland mobile numbers `1[3-9]` + 9 digits, not inside a longer digit run. Also found: with a `86` or
    /// `0086` prefix glued on (the prefix stays in the text, only the 11-digit number is replaced), after `+86 `,
    /// and grouped 3-4-4 with spaces or dashes (`138 0013 8000`). The identity is the 11 digits.
    public static let mobilePhones: PIIScanner = { t in
        var out: [(range: Range<Int>, identity: String)] = []
        forEachRun(t, where: isDigit) { r in
            let core: Range<Int>
            switch r.count {
            case 11: core = r
            case 13 where t[r.lowerBound] == 0x38 && t[r.lowerBound + 1] == 0x36: core = (r.lowerBound + 2)..<r.upperBound
            case 15 where t[r].starts(with: [0x30, 0x30, 0x38, 0x36]): core = (r.lowerBound + 4)..<r.upperBound
            default: return
            }
            guard isMobilePrefix(t, core.lowerBound) else { return }
            out.append((core, text(t, core)))
        }
        forEachGroupedRun(t) { groups in
            var g = groups[...]
            if g.count == 4, t[g.first!].elementsEqual([0x38, 0x36]) || t[g.first!].elementsEqual([0x30, 0x30, 0x38, 0x36]) {
                g = g.dropFirst()
            }
            guard g.count == 3, g[g.startIndex].count == 3, g[g.startIndex + 1].count == 4,
                  g[g.startIndex + 2].count == 4, isMobilePrefix(t, g.first!.lowerBound)
            else { return }
            out.append((g.first!.lowerBound..<g.last!.upperBound, digits(t, g.first!.lowerBound..<g.last!.upperBound)))
        }
        return out
    }

    /// PRC resident identity numbers: 17 digits and a check character (`0-9`, `X`), not inside a longer digit run,
    /// with a known province code, a real calendar date of birth from 1900 on, and the ISO 7064 MOD 11-2 check
    /// character right. The identity spells the check character upper-case.
    public static let residentIDs: PIIScanner = { t in
        var out: [(range: Range<Int>, identity: String)] = []
        forEachRun(t, where: isDigit) { r in
            var range = r
            if r.count == 17, r.upperBound < t.count, t[r.upperBound] | 0x20 == UInt8(ascii: "x"),
               r.upperBound + 1 == t.count || !isAlphanumeric(t[r.upperBound + 1])
            {
                range = r.lowerBound..<(r.upperBound + 1)
            } else if r.count != 18 {
                return
            }
            guard ResidentID.isValid(t[range]) else { return }
            out.append((range, text(t, range).uppercased()))
        }
        return out
    }

    /// Payment card numbers: 13–19 digits, either one run or groups joined by one kind of separator (space or
    /// dash: `6222 0212 3456 7890 128`), starting with 2–6 or 9 (card schemes and mainland debit cards; this keeps
    /// out phone numbers and millisecond timestamps, which start with 1), and passing the Luhn check. A 16-digit
    /// number that fails Luhn is not a card. The identity is the digits.
    public static let bankCards: PIIScanner = { t in
        var out: [(range: Range<Int>, identity: String)] = []
        forEachRun(t, where: isDigit) { r in
            guard (13...19).contains(r.count), isCardLeadingDigit(t[r.lowerBound]), Luhn.isValid(t[r]) else { return }
            out.append((r, text(t, r)))
        }
        forEachGroupedRun(t) { groups in
            guard isCardLeadingDigit(t[groups[0].lowerBound]),
                  groups.dropLast().allSatisfy({ (3...6).contains($0.count) })
            else { return }
            // Longest prefix of groups that makes a valid number: "card 6222 0212 3456 7890 128 2 items".
            var end = groups.count
            while end >= 2 {
                let span = groups[0].lowerBound..<groups[end - 1].upperBound
                let number = Array(digits(t, span).utf8)
                if (13...19).contains(number.count), groups[end - 1].count <= 6, Luhn.isValid(number) {
                    out.append((span, String(decoding: number, as: UTF8.self)))
                    return
                }
                end -= 1
            }
        }
        return out
    }

    /// E-mail addresses: `local@domain.tld` with an ASCII local part of `[A-Za-z0-9._%+-]` and a dotted domain
    /// whose last label is 2+ letters. The identity lower-cases the domain (the local part is kept as written).
    public static let emails: PIIScanner = { t in
        var out: [(range: Range<Int>, identity: String)] = []
        var i = 0
        var lastEnd = 0
        while i < t.count {
            guard t[i] == UInt8(ascii: "@") else { i += 1; continue }
            var start = i
            while start > lastEnd, isEmailLocalByte(t[start - 1]) { start -= 1 }
            while start < i, t[start] == UInt8(ascii: ".") { start += 1 }
            var end = i + 1
            while end < t.count, isDomainByte(t[end]) { end += 1 }
            while end > i + 1, t[end - 1] == UInt8(ascii: ".") || t[end - 1] == UInt8(ascii: "-") { end -= 1 }
            if start < i, t[i - 1] != UInt8(ascii: "."), isDomain(t[(i + 1)..<end]) {
                let domain = text(t, (i + 1)..<end).lowercased()
                out.append((start..<end, text(t, start..<i) + "@" + domain))
                lastEnd = end
                i = end
            } else {
                i += 1
            }
        }
        return out
    }

    // MARK: Byte classes

    /// `[0-9]`.
    @inline(__always) public static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
    /// `[0-9a-f]`.
    @inline(__always) static func isLowerHex(_ c: UInt8) -> Bool { isDigit(c) || c &- 0x61 < 6 }
    /// `[A-Za-z0-9]`.
    @inline(__always) static func isAlphanumeric(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20) &- 0x61 < 26 }
    /// `[A-Za-z0-9_-]`: the openid alphabet.
    @inline(__always) static func isTokenByte(_ c: UInt8) -> Bool {
        isAlphanumeric(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }
    /// `[0-9A-Za-z_|*-]`: WeChat Pay's alphabet for `out_trade_no`.
    @Sendable public static func isOrderNumberByte(_ c: UInt8) -> Bool {
        isTokenByte(c) || c == UInt8(ascii: "|") || c == UInt8(ascii: "*")
    }
    @inline(__always) static func isEmailLocalByte(_ c: UInt8) -> Bool {
        isAlphanumeric(c) || c == 0x2E || c == 0x5F || c == 0x25 || c == 0x2B || c == 0x2D  // . _ % + -
    }
    @inline(__always) static func isDomainByte(_ c: UInt8) -> Bool { isAlphanumeric(c) || c == 0x2E || c == 0x2D }
    @inline(__always) static func isCardLeadingDigit(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "2") && c <= UInt8(ascii: "6")) || c == UInt8(ascii: "9")
    }
    @inline(__always) static func isMobilePrefix(_ t: [UInt8], _ at: Int) -> Bool {
        t[at] == UInt8(ascii: "1") && t[at + 1] >= UInt8(ascii: "3") && t[at + 1] <= UInt8(ascii: "9")
    }

    /// Dotted labels of `[A-Za-z0-9-]`, none empty or dash-edged, at least two, the last 2+ letters.
    static func isDomain(_ d: ArraySlice<UInt8>) -> Bool {
        let labels = d.split(separator: 0x2E, omittingEmptySubsequences: false)
        guard labels.count >= 2, let tld = labels.last, tld.count >= 2,
              tld.allSatisfy({ ($0 | 0x20) &- 0x61 < 26 })
        else { return false }
        return labels.allSatisfy { !$0.isEmpty && $0.first != 0x2D && $0.last != 0x2D }
    }

    // MARK: Runs

    /// Calls `body` with every maximal run of bytes satisfying `member`.
    @inline(__always)
    static func forEachRun(_ t: [UInt8], where member: (UInt8) -> Bool, _ body: (Range<Int>) -> Void) {
        var i = 0
        let n = t.count
        while i < n {
            if member(t[i]) {
                let start = i
                i += 1
                while i < n, member(t[i]) { i += 1 }
                body(start..<i)
            } else {
                i += 1
            }
        }
    }

    /// Calls `body` with every maximal sequence of 2+ digit runs joined by single separators of one kind
    /// (all spaces or all dashes).
    static func forEachGroupedRun(_ t: [UInt8], _ body: ([Range<Int>]) -> Void) {
        var groups: [Range<Int>] = []
        var separator: UInt8 = 0
        forEachRun(t, where: isDigit) { r in
            if let last = groups.last, r.lowerBound == last.upperBound + 1 {
                let s = t[last.upperBound]
                if (s == 0x20 || s == 0x2D) && (groups.count == 1 || s == separator) {
                    separator = s
                    groups.append(r)
                    return
                }
            }
            if groups.count >= 2 { body(groups) }
            groups.removeAll(keepingCapacity: true)
            groups.append(r)
        }
        if groups.count >= 2 { body(groups) }
    }

    @inline(__always) static func text(_ t: [UInt8], _ r: Range<Int>) -> String {
        String(decoding: t[r], as: UTF8.self)
    }

    static func digits(_ t: [UInt8], _ r: Range<Int>) -> String {
        String(decoding: t[r].filter(isDigit), as: UTF8.self)
    }
}

/// The Luhn (mod 10) check of payment card numbers (ISO/IEC 7812-1 Annex B).
public enum Luhn {
    /// Whether the ASCII digits `number` pass the Luhn check. Non-digits make it fail.
    public static func isValid(_ number: some BidirectionalCollection<UInt8>) -> Bool {
        var sum = 0
        var double = false
        for c in number.reversed() {
            guard PIIScanners.isDigit(c) else { return false }
            var d = Int(c &- 0x30)
            if double {
                d *= 2
                if d > 9 { d -= 9 }
            }
            sum += d
            double.toggle()
        }
        return !number.isEmpty && sum % 10 == 0
    }
}

/// PRC resident identity numbers (GB 11643-1999).
public enum ResidentID {
    /// Province-level codes (GB/T 2260) that can start an identity number.
    static let provinces: Set<Int> = [
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
        50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
    ]
    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkCharacters = Array("10X98765432".utf8)

    /// The ISO 7064 MOD 11-2 check character for the first 17 digits, or `nil` if they are not 17 digits.
    public static func checkCharacter(_ first17: some Collection<UInt8>) -> UInt8? {
        guard first17.count == 17 else { return nil }
        var sum = 0
        for (c, w) in zip(first17, weights) {
            guard PIIScanners.isDigit(c) else { return nil }
            sum += Int(c &- 0x30) * w
        }
        return checkCharacters[sum % 11]
    }

    /// Whether `id` (18 ASCII characters) has a known province code, a plausible birth date (a real calendar day,
    /// 1900 ... 2099) and the right check character (`x` accepted for `X`).
    public static func isValid(_ id: some Collection<UInt8>) -> Bool {
        let b = Array(id)
        guard b.count == 18, let check = checkCharacter(b[0..<17]) else { return false }
        let last = b[17] == UInt8(ascii: "x") ? UInt8(ascii: "X") : b[17]
        guard last == check else { return false }
        func number(_ r: Range<Int>) -> Int { b[r].reduce(0) { $0 * 10 + Int($1 &- 0x30) } }
        guard provinces.contains(number(0..<2)) else { return false }
        let year = number(6..<10), month = number(10..<12), day = number(12..<14)
        guard (1900...2099).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }
}
