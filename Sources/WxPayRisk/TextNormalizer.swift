// Normalization of text before prohibited-term matching. The same folding is applied to the terms (when the
// matcher is built) and to the scanned text (through a per-scalar lookup table, see ProhibitedTermMatcher).
//
// The rules are written once, in `fold(_:traditional:classify:)`. Two instances run them:
// - `foldByProperties` asks the standard library's Unicode properties and reads the traditional → simplified pairs
//   from their source text: the reference, used by the tests and by `scripts/generate-risk-tables.sh`;
// - `fold` reads the same answers from the generated tables in `TextNormalizer+Tables.swift` (sorted arrays,
//   binary search): no property lookup, no dictionary, nothing built at start-up. A test checks both agree on
//   every Unicode scalar.

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

/// How a scalar folds, apart from the character it folds to: the unit of the generated class table.
enum ScalarClass: UInt32, Equatable {
    case skip = 0
    case breaker = 1
    case char = 2

    init(_ folded: FoldedScalar) {
        switch folded {
        case .skip: self = .skip
        case .breaker: self = .breaker
        case .char: self = .char
        }
    }
}

/// The folding rules, independent of any term list.
///
/// - Width: full-width ASCII (U+FF01 ... U+FF5E) becomes ASCII; the ideographic space is a space.
/// - Case: ASCII letters are lower-cased; `l` folds to `i` (so `1` can stand for either).
/// - Leetspeak: `0`→o, `1`→i, `3`→e, `4`→a, `5`→s, `7`→t, `@`→a, `$`→s (marked, see ``FoldedScalar``).
/// - Traditional Chinese: every traditional character outside GB 2312 folds to its simplified form (OpenCC's table,
///   `scripts/generate-traditional-pairs.py`; hand-written pairs for the vocabulary's characters take precedence).
enum TextNormalizer {
    /// Folds one scalar (any value; not a scalar → breaker), from the generated tables.
    static func fold(_ value: UInt32) -> FoldedScalar {
        fold(value, traditional: simplifiedFromTable, classify: classFromTable)
    }

    /// The same as ``fold(_:)``, from first principles: Unicode general categories and ``traditionalPairs``. Slow
    /// (a property lookup per scalar, a dictionary): for tests and the table generator only.
    static func foldByProperties(_ value: UInt32) -> FoldedScalar {
        fold(value, traditional: { referenceTraditionalMap[$0] }, classify: classFromProperties)
    }

    @inline(__always)
    private static func fold(
        _ value: UInt32, traditional: (UInt32) -> UInt32?, classify: (UInt32) -> ScalarClass
    ) -> FoldedScalar {
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
        if let simplified = traditional(v) { return .char(simplified, leet: false) }
        if v >= 0x0391 && v <= 0x04FF, let latin = latinLookAlike(v) { return .char(latin, leet: false) }
        // Large letter blocks need no lookup: CJK ideographs, Hangul, Yi.
        if (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7AF).contains(v) || (0x20000...0x3FFFF).contains(v)
        {
            return .char(v, leet: false)
        }
        switch classify(v) {
        case .skip: return .skip
        case .breaker: return .breaker
        case .char: return .char(v, leet: false)
        }
    }

    /// Greek and Cyrillic letters that look like Latin ones (`саѕіnо` is `casino`), as pairs: look-alike, then the
    /// Latin letter it folds to. Letters either way, so the class tables do not change.
    static let latinLookAlikes: [(UInt32, UInt32)] = [
        (0x0391, 0x61), (0x0392, 0x62), (0x0395, 0x65), (0x0397, 0x68), (0x0399, 0x69), (0x039A, 0x6B),
        (0x039C, 0x6D), (0x039D, 0x6E), (0x039F, 0x6F), (0x03A1, 0x70), (0x03A4, 0x74), (0x03A5, 0x79),
        (0x03A7, 0x78), (0x03B1, 0x61), (0x03B9, 0x69), (0x03BA, 0x6B), (0x03BD, 0x76), (0x03BF, 0x6F),
        (0x03C1, 0x70), (0x03C4, 0x74), (0x03C5, 0x75), (0x03C7, 0x78), (0x0405, 0x73), (0x0406, 0x69),
        (0x0408, 0x6A), (0x0410, 0x61), (0x0412, 0x62), (0x0415, 0x65), (0x041A, 0x6B), (0x041C, 0x6D),
        (0x041D, 0x68), (0x041E, 0x6F), (0x0420, 0x70), (0x0421, 0x63), (0x0422, 0x74), (0x0423, 0x79),
        (0x0425, 0x78), (0x0430, 0x61), (0x0435, 0x65), (0x043E, 0x6F), (0x0440, 0x70), (0x0441, 0x63),
        (0x0443, 0x79), (0x0445, 0x78), (0x0455, 0x73), (0x0456, 0x69), (0x0458, 0x6A), (0x04BB, 0x68),
    ]

    /// The Latin letter a Greek or Cyrillic look-alike folds to (`l` rules apply: none folds to `l`).
    @inline(__always)
    static func latinLookAlike(_ v: UInt32) -> UInt32? {
        for (from, to) in latinLookAlikes where from == v { return to }
        return nil
    }

    /// The class of a scalar by its general category (what the other rules leave to it).
    static func classFromProperties(_ v: UInt32) -> ScalarClass {
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
            return .char
        }
    }

    /// The class of `v` from ``foldClassRuns`` (the last run starting at or before `v`).
    @inline(__always)
    static func classFromTable(_ v: UInt32) -> ScalarClass {
        foldClassRuns.withUnsafeBufferPointer { runs in
            ScalarClass(rawValue: runs[lastRun(startingAtOrBefore: v, in: runs)] & 3) ?? .breaker
        }
    }

    /// Index of the last run whose start (`run >> 2`) is at most `v`; runs are sorted and the first starts at 0.
    @inline(__always)
    static func lastRun(startingAtOrBefore v: UInt32, in runs: UnsafeBufferPointer<UInt32>) -> Int {
        var low = 0
        var high = runs.count  // invariant: runs[low].start <= v, runs[high].start > v (or high == count)
        while high - low > 1 {
            let mid = (low + high) / 2
            if runs[mid] >> 2 <= v { low = mid } else { high = mid }
        }
        return low
    }

    /// The simplified form of a traditional character of the vocabulary, from the generated sorted arrays.
    @inline(__always)
    static func simplifiedFromTable(_ v: UInt32) -> UInt32? {
        // Every traditional character of the map is a CJK ideograph: nothing else needs the search.
        guard v >= 0x4E00 && v <= 0x9FFF else { return nil }
        let key = UInt16(truncatingIfNeeded: v)
        return traditionalScalars.withUnsafeBufferPointer { keys -> UInt32? in
            var low = 0
            var high = keys.count
            while low < high {
                let mid = (low + high) / 2
                if keys[mid] < key { low = mid + 1 } else { high = mid }
            }
            return low < keys.count && keys[low] == key ? UInt32(simplifiedScalars[low]) : nil
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

    /// Traditional → simplified for the characters of the prohibited vocabulary (and their common neighbours),
    /// as pairs (a pair of equal characters is a no-op), written by hand; they take precedence over
    /// ``generatedTraditionalPairs`` (every other traditional character outside GB 2312). Both are the source of
    /// ``traditionalScalars`` and ``simplifiedScalars``; edit here, then run `scripts/generate-risk-tables.sh`.
    static let traditionalPairs =
        "賭赌幣币虛虚擬拟貨货約约時时樂乐機机場场錢钱網网資资盤盘達达萊莱礦矿賣卖黃黄視视頻频註注"
        + "碼码號号數数區区塊块鏈链體体線线對对帳账賬账開开獎奖莊庄點点雙双買买戲戏電电話话遊游撲扑"
        + "馬马賽赛輪轮門门務务員员紅红綫线傳传裝装與与為为來来國国際际嫖嫖娛娱聊聊級级無无長长寶宝"

    /// ``generatedTraditionalPairs`` and then ``traditionalPairs`` (which overrides) as a map, sorted by traditional
    /// character.
    static func traditionalMapFromPairs() -> [(traditional: UInt32, simplified: UInt32)] {
        var map: [UInt32: UInt32] = [:]
        let scalars = Array(generatedTraditionalPairs.unicodeScalars) + Array(traditionalPairs.unicodeScalars)
        var k = 0
        while k + 1 < scalars.count {
            if scalars[k] != scalars[k + 1] { map[scalars[k].value] = scalars[k + 1].value }
            k += 2
        }
        return map.map { ($0.key, $0.value) }.sorted { $0.traditional < $1.traditional }
    }

    private static let referenceTraditionalMap: [UInt32: UInt32] = Dictionary(
        uniqueKeysWithValues: traditionalMapFromPairs().map { ($0.traditional, $0.simplified) })

    /// `foldByProperties` as runs over all of Unicode: `start << 2 | class`, one entry where the class changes.
    static func foldClassRunsByProperties() -> [UInt32] {
        var runs: [UInt32] = []
        var previous: ScalarClass?
        for v in UInt32(0)...0x10FFFF {
            let c = ScalarClass(foldByProperties(v))
            if c != previous {
                runs.append(v << 2 | c.rawValue)
                previous = c
            }
        }
        return runs
    }
}
