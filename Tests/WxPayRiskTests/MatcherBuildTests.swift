import PropertyBased
import Testing
@testable import WxPayRisk

/// The matcher as it was first written: every BMP scalar folded through Unicode properties, symbols in a
/// dictionary, the trie as nested arrays, failure links filled in symbol by symbol. Slow (tens of millions of
/// instructions), obviously right: the fast build must produce exactly its tables.
struct ReferenceMatcher: Equatable {
    struct Pattern: Equatable {
        var category: Int
        var term: String
        var length: Int
        var boundaryStart: Bool
        var boundaryEnd: Bool
        var kind: ProhibitedTermMatcher.Kind = .term
        var next: Int32 = -1
    }

    var categories: [String]
    var patterns: [Pattern]
    var scalarTable: [UInt16]
    var symbolCount: Int
    var transitions: [Int32]
    var outputStart: [Int32]
    var outputs: [Int32]

    /// The pinyin table as a dictionary: character → its reading.
    static let pinyinOf: [UInt32: String] = {
        let text = Array(PinyinTable.syllableText)
        var table: [UInt32: String] = [:]
        for (k, c) in PinyinTable.characters.enumerated() {
            let r = Int(PinyinTable.readings[k])
            table[UInt32(c)] = String(text[Int(PinyinTable.syllableStarts[r])..<Int(PinyinTable.syllableStarts[r + 1])])
        }
        return table
    }()

    /// Every BMP scalar folded by properties, computed once.
    static let foldedBMP: [FoldedScalar] = (0..<UInt32(0x10000)).map(TextNormalizer.foldByProperties)

    init(_ prohibited: RiskRules.Prohibited) {
        categories = prohibited.categories.map(\.name)
        var symbolOf: [UInt32: Int] = [:]
        for letter in UInt32(0x61)...UInt32(0x7A) where letter != 0x6C { symbolOf[letter] = symbolOf.count }
        var patterns: [Pattern] = []
        var sequences: [[Int]] = []
        var headOf: [[Int]: Int] = [:]
        var sequenceHead: [Int] = []
        var lists: [(Int, ProhibitedTermMatcher.Kind, [String])] = []
        for (categoryIndex, category) in prohibited.categories.enumerated() {
            lists += [
                (categoryIndex, .term, category.terms), (categoryIndex, .operator, category.operators),
                (categoryIndex, .cue, category.cues), (categoryIndex, .context, category.contexts),
                (categoryIndex, .benign, category.benign), (categoryIndex, .exception, category.exceptions),
            ]
        }
        func add(_ sequence: [Int], _ pattern: Pattern) {
            if let head = headOf[sequence] {
                // Same symbols as an earlier word: chained, unless the same category and role again.
                var last = head
                var duplicate = patterns[last].category == pattern.category && patterns[last].kind == pattern.kind
                while patterns[last].next >= 0 {
                    last = Int(patterns[last].next)
                    if patterns[last].category == pattern.category && patterns[last].kind == pattern.kind {
                        duplicate = true
                    }
                }
                if duplicate { return }
                patterns[last].next = Int32(patterns.count)
                patterns.append(pattern)
                return
            }
            headOf[sequence] = patterns.count
            sequenceHead.append(patterns.count)
            patterns.append(pattern)
            sequences.append(sequence)
        }
        for (categoryIndex, kind, words) in lists {
            for written in words {
                let (term, openStart, openEnd) = ProhibitedTermMatcher.affixes(written)
                var normalized: [UInt32?] = []
                for scalar in term.unicodeScalars {
                    switch TextNormalizer.foldByProperties(scalar.value) {
                    case .skip: continue
                    case .breaker: normalized.append(nil)
                    case .char(let c, _): normalized.append(c)
                    }
                }
                guard normalized.count >= 2, normalized.count <= ProhibitedTermMatcher.maxTermLength,
                    !normalized.contains(where: { $0 == nil })
                else { continue }
                var sequence: [Int] = []
                var allLatin = true
                for case let c? in normalized {
                    if symbolOf[c] == nil { symbolOf[c] = symbolOf.count }
                    sequence.append(symbolOf[c]!)
                    if c < 0x61 || c > 0x7A { allLatin = false }
                }
                let short = allLatin && sequence.count <= prohibited.latinWordBoundaryMaxLength
                let open = openStart || openEnd
                add(sequence, Pattern(
                    category: categoryIndex, term: term, length: sequence.count,
                    boundaryStart: open ? allLatin && !openStart : short,
                    boundaryEnd: open ? allLatin && !openEnd : short, kind: kind))
                // Its pinyin: each character's reading looked up in a dictionary of the table, joined as a String.
                guard prohibited.pinyin, !open, [.term, .operator, .exception].contains(kind) else { continue }
                var pinyin = ""
                for case let c? in normalized {
                    guard let reading = Self.pinyinOf[c] else {
                        pinyin = ""
                        break
                    }
                    pinyin += reading
                }
                guard pinyin.count >= 6, pinyin.count <= ProhibitedTermMatcher.maxTermLength else { continue }
                for spelling in pinyin.contains("v") ? [pinyin, pinyin.replacingOccurrences("v", "u")] : [pinyin] {
                    var spelled: [Int] = []
                    for scalar in spelling.unicodeScalars {
                        guard case .char(let c, _) = TextNormalizer.foldByProperties(scalar.value) else { continue }
                        if symbolOf[c] == nil { symbolOf[c] = symbolOf.count }
                        spelled.append(symbolOf[c]!)
                    }
                    add(spelled, Pattern(
                        category: categoryIndex, term: term, length: spelled.count, boundaryStart: true,
                        boundaryEnd: true, kind: kind))
                }
            }
        }
        self.patterns = patterns
        let symbolCount = max(symbolOf.count, 1)
        self.symbolCount = symbolCount

        var table = [UInt16](repeating: 0, count: 0x10000)
        for v in 0..<0x10000 {
            switch Self.foldedBMP[v] {
            case .skip: table[v] = ProhibitedTermMatcher.skipEntry
            case .breaker: table[v] = ProhibitedTermMatcher.breakerEntry
            case .char(let c, let leet):
                guard let symbol = symbolOf[c] else {
                    table[v] = ProhibitedTermMatcher.breakerEntry
                    continue
                }
                var entry = UInt16(symbol + 2)
                if leet { entry |= ProhibitedTermMatcher.leetFlag }
                if c >= 0x61 && c <= 0x7A { entry |= ProhibitedTermMatcher.latinFlag }
                table[v] = entry
            }
        }
        scalarTable = table

        var goto: [[Int32]] = [[Int32](repeating: -1, count: symbolCount)]
        var accept: [[Int32]] = [[]]
        for (id, sequence) in sequences.enumerated() {
            var state = 0
            for symbol in sequence {
                if goto[state][symbol] < 0 {
                    goto[state][symbol] = Int32(goto.count)
                    goto.append([Int32](repeating: -1, count: symbolCount))
                    accept.append([])
                }
                state = Int(goto[state][symbol])
            }
            accept[state].append(Int32(sequenceHead[id]))
        }
        var fail = [Int](repeating: 0, count: goto.count)
        var queue: [Int] = []
        for symbol in 0..<symbolCount {
            if goto[0][symbol] < 0 { goto[0][symbol] = 0 } else { queue.append(Int(goto[0][symbol])) }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            accept[state] += accept[fail[state]]
            for symbol in 0..<symbolCount {
                let next = goto[state][symbol]
                if next < 0 {
                    goto[state][symbol] = goto[fail[state]][symbol]
                } else {
                    fail[Int(next)] = Int(goto[fail[state]][symbol])
                    queue.append(Int(next))
                }
            }
        }
        transitions = goto.flatMap { $0 }
        var starts: [Int32] = [0]
        var flat: [Int32] = []
        for list in accept {
            flat += list.sorted { patterns[Int($0)].length > patterns[Int($1)].length }
            starts.append(Int32(flat.count))
        }
        outputStart = starts
        outputs = flat
    }

    /// The same view of a built matcher.
    init(_ matcher: ProhibitedTermMatcher) {
        categories = matcher.categories
        patterns = matcher.patterns.map {
            Pattern(
                category: $0.category, term: $0.term, length: $0.length, boundaryStart: $0.boundaryStart,
                boundaryEnd: $0.boundaryEnd,
                kind: $0.kind, next: $0.next)
        }
        scalarTable = matcher.scalarTable
        symbolCount = matcher.symbolCount
        // The moves of every state on every symbol: the dense DFA the reference builds.
        var all: [Int32] = []
        all.reserveCapacity(matcher.outputStart.count * matcher.symbolCount)
        for state in 0..<(matcher.outputStart.count - 1) {
            for symbol in 0..<matcher.symbolCount { all.append(Int32(matcher.move(from: state, on: symbol))) }
        }
        transitions = all
        outputStart = matcher.outputStart
        outputs = matcher.outputs
    }
}

/// Rules with these prohibited categories, everything else default.
private func prohibited(
    _ categories: [(String, [String])], wordBoundary: Int = 5, pinyin: Bool = false
) -> RiskRules.Prohibited {
    RiskRules.Prohibited(
        weight: 100, latinWordBoundaryMaxLength: wordBoundary,
        categories: categories.map {
            RiskRules.ProhibitedCategory(name: $0.0, terms: $0.1, operators: $0.1.map { "\($0)行" },
                                         exceptions: $0.1.map { "\($0)店" })
        }, pinyin: pinyin)
}

@Suite("Matcher build: the fast build yields exactly the reference tables")
struct MatcherBuildTests {
    @Test("The default terms compile to the reference tables")
    func defaults() {
        #expect(ReferenceMatcher(ProhibitedTermMatcher.defaults) == ReferenceMatcher(RiskRules.defaults.prohibited))
    }

    @Test("Rules with the default terms share the default matcher; other terms are compiled")
    func sharing() {
        var rules = RiskRules.defaults
        rules.velocity.payer.maxCount = 99
        let shared = ProhibitedTermMatcher(rules: rules)
        #expect(ReferenceMatcher(shared) == ReferenceMatcher(ProhibitedTermMatcher.defaults))
        rules.prohibited.categories[0].terms.append("麻将馆")
        let own = ProhibitedTermMatcher(rules: rules)
        // The word and its pinyin (`majiangguan`).
        #expect(own.patterns.count == ProhibitedTermMatcher.defaults.patterns.count + 2)
        #expect(ReferenceMatcher(own) == ReferenceMatcher(rules.prohibited))
    }

    @Test(
        "Edge-case term lists compile to the reference tables",
        arguments: [
            // duplicates after folding, traditional and full-width spellings of one term
            [("a", ["赌博", "賭博", "赌 博", "ｄｕｂｏ", "dubo", "DuBo"])],
            // suffix chains (outputs longest first), a term inside another, shared prefixes
            [("a", ["abcd", "bcd", "cd", "abc", "ab"]), ("b", ["bc", "xbcdx", "abcde"])],
            // ignored: too short, breakers inside, longer than 64; kept: exactly 64
            [("a", ["x", "赌", "ab2cd", "赌。博", "a\nb", String(repeating: "ab", count: 33),
                    String(repeating: "ab", count: 32)])],
            // letters beyond ASCII and CJK: Cyrillic, Greek, Hangul, kana, supplementary ideographs, accents
            [("a", ["казино", "Казино", "στοίχημα", "도박", "ギャンブル", "𠀀𠀁", "café", "straße"])],
            // leet and l/i folding inside the terms themselves, symbols and marks dropped
            [("a", ["c4s1n0", "$lot", "LOL", "i-o-i", "e\u{301}x", "a\u{200B}b", "(ab)"])],
            // no categories, empty categories
            [],
            [("a", []), ("b", ["ok"])],
        ])
    func edgeCases(categories: [(String, [String])]) {
        for pinyin in [false, true] {
            let rules = prohibited(categories, pinyin: pinyin)
            #expect(ReferenceMatcher(ProhibitedTermMatcher(compiling: rules)) == ReferenceMatcher(rules))
        }
    }

    @Test(
        "Pinyin: Chinese terms, operators and exceptions get theirs, once, beside the same word written in pinyin",
        arguments: [
            // a listed pinyin and a derived one; ü in both spellings; too short (dubo); a character outside GB 2312
            [("a", ["百家乐", "baijiale", "外围女", "赌博", "𠀀赌博", "赌*", "*赌场"])],
            // the same pinyin in two categories and roles; mixed scripts are not derived
            [("a", ["比特币", "du博"]), ("b", ["比特币", "bitebi"])],
        ])
    func pinyinEdgeCases(categories: [(String, [String])]) {
        let rules = prohibited(categories, pinyin: true)
        let matcher = ProhibitedTermMatcher(compiling: rules)
        #expect(ReferenceMatcher(matcher) == ReferenceMatcher(rules))
        #expect(matcher.patterns.count > ProhibitedTermMatcher(compiling: prohibited(categories)).patterns.count)
    }

    @Test("Random term lists compile to the reference tables")
    func random() async {
        // Characters that exercise every path of the fold: ASCII letters, leet, breakers, skips, full width,
        // traditional, CJK, other scripts, supplementary.
        let alphabet = Array("abcilLOS0134@$ 2-.ＡｂＣ赌賭博币幣钱錢机機казиноé\u{301}𠀀。")
        let character = Gen.int(in: 0...(alphabet.count - 1)).map { alphabet[$0] }
        let term = character.array(of: 1...6).map { String($0) }
        let category = term.array(of: 0...8)
        await propertyCheck(count: 40, input: category.array(of: 1...3), Gen.int(in: 0...6)) { lists, boundary in
            let rules = prohibited(
                lists.enumerated().map { ("c\($0.offset)", $0.element) }, wordBoundary: boundary,
                pinyin: boundary % 2 == 0)
            #expect(ReferenceMatcher(ProhibitedTermMatcher(compiling: rules)) == ReferenceMatcher(rules))
        }
    }
}

@Suite("Text normalizer tables: generated, and current")
struct TextNormalizerTablesTests {
    @Test("The committed class runs are what the Unicode properties give (else run scripts/generate-risk-tables.sh)")
    func classRuns() {
        let fresh = TextNormalizer.foldClassRunsByProperties()
        #expect(TextNormalizer.foldClassRuns == fresh, "stale: run scripts/generate-risk-tables.sh")
        #expect(fresh.first == 0 << 2 | ScalarClass.skip.rawValue)  // the first run starts at U+0000
    }

    @Test("The committed traditional → simplified arrays are the pairs (else run scripts/generate-risk-tables.sh)")
    func traditional() {
        let map = TextNormalizer.traditionalMapFromPairs()
        #expect(TextNormalizer.traditionalScalars.map(UInt32.init) == map.map(\.traditional))
        #expect(TextNormalizer.simplifiedScalars.map(UInt32.init) == map.map(\.simplified))
        #expect(map.allSatisfy { $0.traditional >= 0x4E00 && $0.traditional <= 0x9FFF && $0.simplified <= 0xFFFF })
        #expect(map.count > 2_500)
        #expect(TextNormalizer.fold(0x8CED) == .char(0x8D4C, leet: false))  // 賭 → 赌
        #expect(TextNormalizer.fold(0x7C3D) == .char(0x7B7E, leet: false))  // 簽 → 签 (OpenCC's table)
        #expect(TextNormalizer.fold(0x5E33) == .char(0x8D26, leet: false))  // 帳 → 账: the hand-written pair wins (OpenCC: 帐)
        #expect(TextNormalizer.fold(0x4E7E) == .char(0x4E7E, leet: false))  // 乾 is in GB 2312: left alone
        #expect(TextNormalizer.fold(0x8457) == .char(0x8457, leet: false))  // 著 likewise
    }

    @Test("The table-driven fold equals the property-driven fold on every Unicode scalar and beyond")
    func everyScalar() {
        var mismatches: [UInt32] = []
        for v in UInt32(0)...0x10FFFF where TextNormalizer.fold(v) != TextNormalizer.foldByProperties(v) {
            mismatches.append(v)
            if mismatches.count > 10 { break }
        }
        #expect(mismatches.isEmpty, "\(mismatches.map { String($0, radix: 16) })")
        for v: UInt32 in [0x110000, 0xFFFF_FFFF] { #expect(TextNormalizer.fold(v) == .breaker) }
    }
}
