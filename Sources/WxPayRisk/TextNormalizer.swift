// Normalization of text before prohibited-term matching. The same folding is applied to the terms (when the
// matcher is built) and to the scanned text (through a per-scalar lookup table, see ProhibitedTermMatcher).

/// What one Unicode scalar becomes after normalization.
enum FoldedScalar: Equatable {
    /// Dropped, and counts as a gap between words: spaces, punctuation, symbols, zero-width and format
    /// characters, combining marks. `赌 博`, `赌.博`, `b-i-t-c-o-i-n` and `赌\u{200B}博` all match.
    case skip
    /// Ends any match in progress: letters that occur in no term, digits that are not leetspeak, line breaks and
    /// Chinese sentence ends (`。！？`), so that terms never join across sentences.
    case breaker
    /// A normalized character. `leet` marks a digit or symbol read as a letter (`0`→o, `$`→s, ...).
    case char(UInt32, leet: Bool)
}

/// The folding rules, independent of any term list.
///
/// - Width: full-width ASCII (U+FF01 ... U+FF5E) becomes ASCII; the ideographic space is a space.
/// - Case: ASCII letters are lower-cased; `l` folds to `i` (so `1` can stand for either).
/// - Leetspeak: `0`→o, `1`→i, `3`→e, `4`→a, `5`→s, `7`→t, `@`→a, `$`→s (marked, see ``FoldedScalar``).
/// - Traditional Chinese: the characters of the prohibited vocabulary fold to their simplified forms.
enum TextNormalizer {
    static func fold(_ value: UInt32) -> FoldedScalar {
        var v = value
        switch v {
        case 0x0A, 0x0D, 0x3002, 0xFF01, 0xFF1F, 0xFF61: return .breaker
        case 0x3000: return .skip
        case 0xFF01...0xFF5E: v -= 0xFEE0
        default: break
        }
        if v < 0x80 {
            switch UInt8(v) {
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                return .char(v == 0x6C ? 0x69 : v, leet: false)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                return .char(v == 0x4C ? 0x69 : v + 0x20, leet: false)
            case UInt8(ascii: "0"): return .char(0x6F, leet: true)
            case UInt8(ascii: "1"): return .char(0x69, leet: true)
            case UInt8(ascii: "3"): return .char(0x65, leet: true)
            case UInt8(ascii: "4"), UInt8(ascii: "@"): return .char(0x61, leet: true)
            case UInt8(ascii: "5"), UInt8(ascii: "$"): return .char(0x73, leet: true)
            case UInt8(ascii: "7"): return .char(0x74, leet: true)
            case UInt8(ascii: "2"), UInt8(ascii: "6"), UInt8(ascii: "8"), UInt8(ascii: "9"): return .breaker
            default: return .skip  // space, punctuation, control characters
            }
        }
        if let simplified = traditionalToSimplified[v] { return .char(simplified, leet: false) }
        // Large letter blocks need no property lookup: CJK ideographs, Hangul, Yi.
        if (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7AF).contains(v) || (0x20000...0x3FFFF).contains(v)
        {
            return .char(v, leet: false)
        }
        guard let scalar = Unicode.Scalar(v) else { return .breaker }
        switch scalar.properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator, .format, .control,
            .nonspacingMark, .enclosingMark, .spacingMark,
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation,
            .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return .skip
        case .privateUse, .surrogate, .unassigned:
            return .breaker
        default:
            return .char(v, leet: false)
        }
    }

    /// The normalized characters of `text` (skips dropped, breakers kept as `nil`).
    static func normalize(_ text: String) -> [UInt32?] {
        var out: [UInt32?] = []
        for scalar in text.unicodeScalars {
            switch fold(scalar.value) {
            case .skip: continue
            case .breaker: out.append(nil)
            case .char(let c, _): out.append(c)
            }
        }
        return out
    }

    /// How many normalized characters `text` has, or `Int.max` when it contains a breaker (such a term could
    /// never match).
    static func normalizedLength(of text: String) -> Int {
        let normalized = normalize(text)
        return normalized.contains(where: { $0 == nil }) ? Int.max : normalized.count
    }

    /// Traditional → simplified for the characters of the prohibited vocabulary (and their common neighbours).
    static let traditionalToSimplified: [UInt32: UInt32] = {
        let pairs =
            "賭赌幣币虛虚擬拟貨货約约時时樂乐機机場场錢钱網网資资盤盘達达萊莱礦矿賣卖黃黄視视頻频註注"
            + "碼码號号數数區区塊块鏈链體体線线對对帳账賬账開开獎奖莊庄點点雙双買买戲戏電电話话遊游撲扑"
            + "馬马賽赛輪轮門门務务員员紅红綫线傳传裝装與与為为來来國国際际嫖嫖娛娱聊聊級级無无長长寶宝"
        var map: [UInt32: UInt32] = [:]
        let scalars = Array(pairs.unicodeScalars)
        var k = 0
        while k + 1 < scalars.count {
            if scalars[k] != scalars[k + 1] { map[scalars[k].value] = scalars[k + 1].value }
            k += 2
        }
        return map
    }()
}
