// Prohibited-term matching: one Aho–Corasick automaton over normalized text, built once per rule set.

/// One prohibited term found in a text.
public struct ProhibitedMatch: Codable, Sendable, Equatable {
    /// The category name, e.g. `gambling`, `crypto` or `adult`.
    public var category: String
    /// The term as written in the rules (e.g. `赌博`), whatever form it was found in.
    public var term: String
    /// Where the match is in the scanned text, in UTF-8 byte offsets (`text.utf8`); it spans any separators
    /// between the term's characters (`賭 - 博` is one match).
    public var utf8Range: Range<Int>
    /// The matched text exactly as it appears in the scanned text (e.g. `ｂ1ｔ ｃ0ｉｎ`).
    public var matchedText: String

    /// Creates a match.
    public init(category: String, term: String, utf8Range: Range<Int>, matchedText: String) {
        self.category = category
        self.term = term
        self.utf8Range = utf8Range
        self.matchedText = matchedText
    }
}

/// What ``ProhibitedTermMatcher/screen(_:)`` made of a text.
public struct TextScreening: Codable, Sendable, Equatable {
    /// The text with every prohibited term removed (with the separators inside it), whitespace collapsed and
    /// trimmed. Re-screening `clean` finds nothing.
    public var clean: String
    /// The removed pieces, exactly as they appeared, in order.
    public var removed: [String]
    /// The categories of the removed pieces, sorted, without repeats.
    public var categories: [String]

    /// Creates a screening result.
    public init(clean: String, removed: [String], categories: [String]) {
        self.clean = clean
        self.removed = removed
        self.categories = categories
    }
}

/// Finds prohibited terms in text, robust to width, case, spacing, punctuation, leetspeak and traditional
/// characters (see ``RiskRules/Prohibited``). Build it once and share it: construction compiles the term list into
/// an Aho–Corasick automaton and a per-scalar lookup table (about 200 KiB); matching does no allocation unless
/// something matches.
public struct ProhibitedTermMatcher: Sendable {
    /// The longest term, in normalized characters.
    public static let maxTermLength = 64
    /// The shortest pinyin derived from a Chinese word (``RiskRules/Prohibited/pinyin``): shorter ones are words and
    /// names of other languages and places (`libo`, `tema`, `laba`, `luobo`).
    static let minimumPinyinLength = 6

    /// What a compiled word is for (see ``RiskRules/ProhibitedCategory``).
    enum Kind: UInt8, Sendable {
        case term, `operator`, cue, context, benign, exception

        /// Terms and operators are prohibited on their own: ``matches(in:)`` and ``screen(_:)`` report them.
        var isProhibited: Bool { self == .term || self == .operator }
        /// Terms, operators and cues are evidence of their category (a cue with a context word); context, benign and
        /// exception words only qualify such evidence.
        var isEvidence: Bool { self == .term || self == .operator || self == .cue }
    }

    struct Pattern: Sendable {
        var category: Int
        var term: String
        var length: Int
        /// The match must not start right after a Latin letter (a short Latin word, or a word whose end is open:
        /// `bet*`).
        var boundaryStart: Bool
        /// The match must not be followed by a Latin letter (a short Latin word, or a word whose start is open:
        /// `*poker`).
        var boundaryEnd: Bool
        var kind: Kind = .term
        /// The next pattern with the same normalized form (another list or category), or -1: the automaton
        /// reports the first of the chain only.
        var next: Int32 = -1
    }

    /// The category names, in rule order.
    public let categories: [String]
    let patterns: [Pattern]
    /// Per BMP scalar: 0 = skip, 1 = breaker, otherwise (symbol + 2) | flags.
    let scalarTable: [UInt16]
    let symbolCount: Int
    /// The automaton's moves. Dense rows for the root and its busiest children (``denseRowMinimumChildren``), where
    /// text spends nearly all its time: `dense[denseRow[state] * symbolCount + symbol]` (`denseRow` -1 for the other
    /// states). Any other state moves to its
    /// own child on the symbol (`childSymbols`/`childStates[childStart[s] ..< childStart[s + 1]]`) or, without one,
    /// as its failure state `fail[s]` does. A dense row for every state (5,400 states x 600 symbols, 13 MB) was
    /// written in full by every process that screened one text: 3,200 page faults of a `webhook` process's 3,900.
    let dense: [Int32]
    let denseRow: [Int32]
    let childStart: [Int32]
    let childSymbols: [Int32]
    let childStates: [Int32]
    let fail: [Int32]
    /// Pattern ids accepted at each state: `outputs[outputStart[s] ..< outputStart[s + 1]]`.
    let outputStart: [Int32]
    let outputs: [Int32]

    static let skipEntry: UInt16 = 0
    static let breakerEntry: UInt16 = 1
    static let leetFlag: UInt16 = 0x8000
    static let latinFlag: UInt16 = 0x4000
    static let symbolMask: UInt16 = 0x3FFF

    /// Compiles the prohibited terms of `rules`.
    /// - Parameter rules: Validated rules (``RiskRules/validate()``); terms that normalize to fewer than two
    ///   characters or contain a breaker are ignored. Rules whose prohibited section is the default one get the
    ///   shared ``defaults`` matcher (nothing compiled).
    public init(rules: RiskRules) {
        if rules.prohibited == RiskRules.defaults.prohibited {
            self = .defaults
        } else {
            self.init(compiling: rules.prohibited)
        }
    }

    /// The matcher for ``RiskRules/defaults``, built on first use.
    public static let defaults = ProhibitedTermMatcher(compiling: RiskRules.defaults.prohibited)

    /// Compiles `prohibited`: the terms into a trie over symbols, the per-scalar table, then the automaton.
    ///
    /// Start-up matters (a webhook process builds this once and scores one event), so the build uses flat
    /// `[Int32]`/`[UInt32]` arrays only: no dictionaries, sets or nested arrays, and it folds only the scalars that
    /// can matter (see ``makeScalarTable(symbols:)``).
    init(compiling prohibited: RiskRules.Prohibited) {
        categories = prohibited.categories.map(\.name)
        // Symbols: every latin letter, then every other character of a term, in order of first appearance.
        var symbols = SymbolMap()
        for letter in UInt32(0x61)...UInt32(0x7A) where letter != 0x6C { _ = symbols.id(adding: letter) }
        var trie = Trie()
        var patterns: [Pattern] = []
        patterns.reserveCapacity(prohibited.categories.reduce(0) { $0 + $1.terms.count })
        var normalized: [UInt32] = []
        normalized.reserveCapacity(Self.maxTermLength + 1)
        var lists: [(category: Int, kind: Kind, words: [String])] = []
        for (categoryIndex, category) in prohibited.categories.enumerated() {
            lists.append((categoryIndex, .term, category.terms))
            lists.append((categoryIndex, .operator, category.operators))
            lists.append((categoryIndex, .cue, category.cues))
            lists.append((categoryIndex, .context, category.contexts))
            lists.append((categoryIndex, .benign, category.benign))
            lists.append((categoryIndex, .exception, category.exceptions))
        }
        /// Adds one word's normalized form, unless it repeats the same role in the same category.
        func add(_ normalized: [UInt32], term: String, category categoryIndex: Int, kind: Kind,
                 boundaries: (start: Bool, end: Bool))
        {
            var state = 0
            for c in normalized { state = trie.child(of: state, symbol: Int32(symbols.id(adding: c))) }
            let pattern = Pattern(
                category: categoryIndex, term: term, length: normalized.count,
                boundaryStart: boundaries.start, boundaryEnd: boundaries.end, kind: kind)
            if trie.pattern[state] >= 0 {
                // The same symbols as an earlier word: chained to it, unless it is the same role again.
                var last = Int(trie.pattern[state])
                while true {
                    if patterns[last].category == categoryIndex && patterns[last].kind == kind { return }
                    if patterns[last].next < 0 { break }
                    last = Int(patterns[last].next)
                }
                patterns[last].next = Int32(patterns.count)
                patterns.append(pattern)
                return
            }
            trie.pattern[state] = Int32(patterns.count)
            patterns.append(pattern)
        }
        var pinyin: [UInt8] = []
        var spelled: [UInt32] = []
        for (categoryIndex, kind, words) in lists {
            terms: for written in words {
                let (term, openStart, openEnd) = Self.affixes(written)
                normalized.removeAll(keepingCapacity: true)
                for scalar in term.unicodeScalars {
                    switch TextNormalizer.fold(scalar.value) {
                    case .skip: continue
                    case .breaker: continue terms  // could never match
                    case .char(let c, _): normalized.append(c)
                    }
                }
                guard normalized.count >= 2, normalized.count <= Self.maxTermLength else { continue }
                var allLatin = true
                for c in normalized where c < 0x61 || c > 0x7A { allLatin = false }
                add(normalized, term: term, category: categoryIndex, kind: kind,
                    boundaries: Self.boundaries(
                        allLatin: allLatin, length: normalized.count, openStart: openStart, openEnd: openEnd,
                        maxLength: prohibited.latinWordBoundaryMaxLength))
                // A term, operator or exception of Chinese characters is also its pinyin, as a whole Latin word
                // (`百家乐`: `bai jia le`, not the `baijiale` of `xbaijiale`). Not cues and context words: a pinyin
                // combination is the text model's to judge, and half the derived words cost a process 1.3 M
                // instructions more to compile.
                guard prohibited.pinyin, !openStart, !openEnd, kind == .term || kind == .operator || kind == .exception,
                    let hasV = PinyinTable.spell(normalized, into: &pinyin),
                    pinyin.count >= Self.minimumPinyinLength, pinyin.count <= Self.maxTermLength
                else { continue }
                for u in hasV ? [false, true] : [false] {
                    spelled.removeAll(keepingCapacity: true)
                    for byte in pinyin {
                        // Folded like the text (`l` is read as `i`); `ü` is `v`, or `u` for its second spelling.
                        let letter = u && byte == UInt8(ascii: "v") ? UInt8(ascii: "u") : byte
                        guard case .char(let c, _) = TextNormalizer.fold(UInt32(letter)) else { continue terms }
                        spelled.append(c)
                    }
                    add(spelled, term: term, category: categoryIndex, kind: kind, boundaries: (true, true))
                }
            }
        }
        self.patterns = patterns
        symbolCount = max(symbols.count, 1)
        scalarTable = Self.makeScalarTable(symbols: symbols)
        let automaton = Self.automaton(trie, symbolCount: symbolCount)
        (dense, denseRow, childStart, childSymbols, childStates, fail) =
            (automaton.dense, automaton.denseRow, automaton.childStart, automaton.childSymbols, automaton.childStates,
             automaton.fail)
        (outputStart, outputs) = (automaton.outputStart, automaton.outputs)
    }

    /// A list word and its open sides: `bet*` is `bet` at the start of a word that may go on (`betway`), `*poker`
    /// is `poker` at the end of a word that may start earlier (`partypoker`), `*porn*` is `porn` anywhere in a word.
    ///
    /// Read as UTF-8 bytes (`*` is one byte and no other scalar contains that byte): this runs for every list word
    /// of every process that screens a text, and `Character`-level `hasPrefix`/`count` cost ~2,000 instructions a word.
    static func affixes(_ written: String) -> (word: String, openStart: Bool, openEnd: Bool) {
        let star = UInt8(ascii: "*")
        let utf8 = written.utf8
        guard let first = utf8.first, let last = utf8.last, first == star || last == star else {
            return (written, false, false)
        }
        let openStart = first == star
        let openEnd = last == star && utf8.count > 1
        var start = utf8.startIndex
        var end = utf8.endIndex
        if openStart { start = utf8.index(after: start) }
        if openEnd { end = utf8.index(before: end) }
        return (String(written[start..<end]), openStart, openEnd)
    }

    /// Which ends of a word's match must be at a Latin word boundary. Without `*`, both ends of a Latin word of at
    /// most `maxLength` characters (`sex` is not in `Essex`) and neither end of a longer one; with `*`, the side
    /// that is not open, for any Latin word.
    static func boundaries(
        allLatin: Bool, length: Int, openStart: Bool, openEnd: Bool, maxLength: Int
    ) -> (start: Bool, end: Bool) {
        guard allLatin else { return (false, false) }
        if !openStart && !openEnd {
            let short = length <= maxLength
            return (short, short)
        }
        return (!openStart, !openEnd)
    }

    /// Normalized character → symbol, symbols numbered in order of first appearance. A sorted array searched by
    /// bisection: a rule set has a few hundred characters at most.
    struct SymbolMap {
        /// The characters, sorted; `ids[k]` is the symbol of `characters[k]`.
        private(set) var characters: [UInt32] = []
        private var ids: [Int32] = []
        /// The symbols of ASCII characters (-1: none), looked up directly: most characters of the lists are Latin.
        private var ascii = [Int32](repeating: -1, count: 128)

        var count: Int { characters.count }

        /// The index of the first character not below `c`.
        private func position(of c: UInt32) -> Int {
            var low = 0
            var high = characters.count
            while low < high {
                let mid = (low + high) / 2
                if characters[mid] < c { low = mid + 1 } else { high = mid }
            }
            return low
        }

        /// The symbol of `c`, if it has one.
        func id(of c: UInt32) -> Int? {
            if c < 128 { return ascii[Int(c)] >= 0 ? Int(ascii[Int(c)]) : nil }
            let k = position(of: c)
            return k < characters.count && characters[k] == c ? Int(ids[k]) : nil
        }

        /// The symbol of `c`, numbering it next if it is new.
        mutating func id(adding c: UInt32) -> Int {
            if c < 128 && ascii[Int(c)] >= 0 { return Int(ascii[Int(c)]) }
            let k = position(of: c)
            if k < characters.count && characters[k] == c { return Int(ids[k]) }
            let id = characters.count
            characters.insert(c, at: k)
            ids.insert(Int32(id), at: k)
            if c < 128 { ascii[Int(c)] = Int32(id) }
            return id
        }
    }

    /// The trie of the terms: states numbered in creation order (0 = root), each state's children as a linked
    /// list (`firstChild`, `nextSibling`, `symbolIn`), and the pattern ending at each state (-1 if none).
    struct Trie {
        var firstChild: [Int32] = [-1]
        var nextSibling: [Int32] = [-1]
        var symbolIn: [Int32] = [-1]
        var pattern: [Int32] = [-1]

        /// The root's children by symbol (-1 if none): the root has hundreds of children (a term's first character),
        /// too many to walk as a list for every word.
        var rootChild: [Int32] = []

        var count: Int { pattern.count }

        /// The child of `state` on `symbol`, created if missing.
        mutating func child(of state: Int, symbol: Int32) -> Int {
            if state == 0 {
                if Int(symbol) < rootChild.count, rootChild[Int(symbol)] >= 0 { return Int(rootChild[Int(symbol)]) }
                let new = append(child: symbol, of: 0)
                if Int(symbol) >= rootChild.count {
                    rootChild.append(contentsOf: repeatElement(-1, count: Int(symbol) + 1 - rootChild.count))
                }
                rootChild[Int(symbol)] = Int32(new)
                return new
            }
            var child = Int(firstChild[state])
            while child >= 0 {
                if symbolIn[child] == symbol { return child }
                child = Int(nextSibling[child])
            }
            return append(child: symbol, of: state)
        }

        private mutating func append(child symbol: Int32, of state: Int) -> Int {
            let new = pattern.count
            firstChild.append(-1)
            nextSibling.append(firstChild[state])
            symbolIn.append(symbol)
            pattern.append(-1)
            firstChild[state] = Int32(new)
            return new
        }
    }

    /// The lookup table for the Basic Multilingual Plane: per scalar, what `TextNormalizer.fold` makes of it in
    /// terms of `symbols` (0 skip, 1 breaker or a letter of no term, otherwise symbol + 2 with flags).
    ///
    /// Built without folding every scalar: skips and breakers come from the generated class runs; the only
    /// scalars that fold to a character other than themselves are ASCII, full-width ASCII and the traditional
    /// characters, so those and the symbols' own characters are all that can carry a symbol.
    static func makeScalarTable(symbols: SymbolMap) -> [UInt16] {
        [UInt16](unsafeUninitializedCapacity: 0x10000) { table, count in
            TextNormalizer.foldClassRuns.withUnsafeBufferPointer { runs in
                for k in runs.indices {
                    let start = Int(runs[k] >> 2)
                    if start >= 0x10000 { break }
                    let end = k + 1 < runs.count ? min(Int(runs[k + 1] >> 2), 0x10000) : 0x10000
                    let entry = runs[k] & 3 == ScalarClass.skip.rawValue ? skipEntry : breakerEntry
                    UnsafeMutableBufferPointer(rebasing: table[start..<end]).initialize(repeating: entry)
                }
            }
            count = 0x10000
            func place(_ v: UInt32) {
                guard case .char(let c, let leet) = TextNormalizer.fold(v), let symbol = symbols.id(of: c) else {
                    return
                }
                var entry = UInt16(symbol + 2)
                if leet { entry |= leetFlag }
                if c >= 0x61 && c <= 0x7A { entry |= latinFlag }
                table[Int(v)] = entry
            }
            for v in UInt32(0)..<0x80 { place(v) }
            for v in UInt32(0xFF01)...0xFF5E { place(v) }
            for (v, _) in TextNormalizer.latinLookAlikes { place(v) }
            for c in symbols.characters where c < 0x10000 { place(c) }
            // A traditional character folds to its simplified pair, a CJK letter that folds to itself (no symbol's
            // character is traditional): its entry is the pair's, placed above if the pair is a symbol, else the
            // letters' class entry both share. A copy, not a search per character (about 2,600 of them).
            TextNormalizer.traditionalScalars.withUnsafeBufferPointer { traditional in
                TextNormalizer.simplifiedScalars.withUnsafeBufferPointer { simplified in
                    for i in traditional.indices { table[Int(traditional[i])] = table[Int(simplified[i])] }
                }
            }
        }
    }

    /// The Aho–Corasick automaton over `trie` (see ``dense``), and the pattern ids accepted at each state
    /// (`outputs[outputStart[s] ..< outputStart[s + 1]]`).
    ///
    /// Breadth-first: a state's failure state is where its parent's failure state moves on the state's symbol
    /// (shallower, so already complete). The root's row is its children, else the root; a child of the root starts
    /// from the root's row and gets its own children written over it. A state accepts its own pattern, then those of
    /// its failure chain: proper suffixes, so the list comes out longest first.
    static func automaton(_ trie: Trie, symbolCount: Int)
        -> (dense: [Int32], denseRow: [Int32], childStart: [Int32], childSymbols: [Int32], childStates: [Int32],
            fail: [Int32], outputStart: [Int32], outputs: [Int32])
    {
        let stateCount = trie.count
        // Each state's children, flattened.
        var childStart = [Int32](repeating: 0, count: stateCount + 1)
        var childSymbols = [Int32](repeating: 0, count: max(stateCount - 1, 0))
        var childStates = [Int32](repeating: 0, count: max(stateCount - 1, 0))
        var at = 0
        for state in 0..<stateCount {
            childStart[state] = Int32(at)
            var child = Int(trie.firstChild[state])
            while child >= 0 {
                childSymbols[at] = trie.symbolIn[child]
                childStates[at] = Int32(child)
                at += 1
                child = Int(trie.nextSibling[child])
            }
        }
        childStart[stateCount] = Int32(at)
        // Dense rows: the root (row 0), then those of its children with at least `denseRowMinimumChildren` children,
        // in order. A child of the root with fewer is two short steps from any move without one: its own children,
        // then the root's row (its failure state is the root).
        var denseRow = [Int32](repeating: -1, count: stateCount)
        denseRow[0] = 0
        let rootChildren = Int(childStart[1])
        var rows = 1
        for k in 0..<rootChildren {
            let state = Int(childStates[k])
            if Int(childStart[state + 1] - childStart[state]) >= denseRowMinimumChildren {
                denseRow[state] = Int32(rows)
                rows += 1
            }
        }
        var dense = [Int32](repeating: 0, count: rows * symbolCount)
        for k in 0..<rootChildren { dense[Int(childSymbols[k])] = childStates[k] }
        dense.withUnsafeMutableBufferPointer { dense in
            let rootRow = UnsafeBufferPointer(UnsafeMutableBufferPointer(rebasing: dense[0..<symbolCount]))
            for k in 0..<rootChildren {
                let state = Int(childStates[k])
                let row = Int(denseRow[state])
                guard row > 0 else { continue }
                let base = row * symbolCount
                _ = UnsafeMutableBufferPointer(rebasing: dense[base..<base + symbolCount]).initialize(from: rootRow)
                for j in Int(childStart[state])..<Int(childStart[state + 1]) {
                    dense[base + Int(childSymbols[j])] = childStates[j]
                }
            }
        }
        var fail = [Int32](repeating: 0, count: stateCount)
        var queue = [Int32](repeating: 0, count: stateCount)
        var tail = 0
        for k in 0..<rootChildren {
            queue[tail] = childStates[k]
            tail += 1
        }
        var head = 0
        while head < tail {
            let state = Int(queue[head])
            head += 1
            for j in Int(childStart[state])..<Int(childStart[state + 1]) {
                let child = Int(childStates[j])
                fail[child] = Int32(move(
                    from: Int(fail[state]), on: Int(childSymbols[j]), symbolCount: symbolCount, dense: dense,
                    denseRow: denseRow, childStart: childStart, childSymbols: childSymbols, childStates: childStates,
                    fail: fail))
                queue[tail] = Int32(child)
                tail += 1
            }
        }
        var starts = [Int32](repeating: 0, count: stateCount + 1)
        var flat: [Int32] = []
        for state in 0..<stateCount {
            var s = state
            while s != 0 {
                if trie.pattern[s] >= 0 { flat.append(trie.pattern[s]) }
                s = Int(fail[s])
            }
            starts[state + 1] = Int32(flat.count)
        }
        return (dense, denseRow, childStart, childSymbols, childStates, fail, starts, flat)
    }

    /// A child of the root gets a dense row when it has at least this many children. Text spends nearly all its time
    /// at the root and its children, but most children of the root (a Chinese term's first character) have one or
    /// two: their rows (346 × 608 symbols, 844 KB with the default lists) were built and paged in by every process
    /// that screened one text, for moves the child's own list and the root's row give in a few steps.
    static let denseRowMinimumChildren = 4

    /// Where `state` moves on `symbol` (see ``dense``): terminates, as failure states are shallower and the root's
    /// row is dense.
    @inline(__always)
    static func move<Table: RandomAccessCollection<Int32>>(
        from state: Int, on symbol: Int, symbolCount: Int, dense: Table, denseRow: Table, childStart: Table,
        childSymbols: Table, childStates: Table, fail: Table
    ) -> Int where Table.Index == Int {
        var s = state
        while true {
            let row = Int(denseRow[s])
            if row >= 0 { return Int(dense[row * symbolCount + symbol]) }
            var k = Int(childStart[s])
            let end = Int(childStart[s + 1])
            while k < end {
                if Int(childSymbols[k]) == symbol { return Int(childStates[k]) }
                k += 1
            }
            s = Int(fail[s])
        }
    }

    /// Where `state` moves on `symbol`.
    func move(from state: Int, on symbol: Int) -> Int {
        Self.move(from: state, on: symbol, symbolCount: symbolCount, dense: dense, denseRow: denseRow,
                  childStart: childStart, childSymbols: childSymbols, childStates: childStates, fail: fail)
    }

    /// Every prohibited term in `text`, in order of where it ends (longer first among those ending together).
    /// Overlapping matches are all reported (`porno` and `pornography` can both be in one text).
    /// - Parameter text: Any text: a description, a refund reason, attached data.
    /// - Returns: The matches, empty for clean text.
    public func matches(in text: String) -> [ProhibitedMatch] {
        var copy = text
        return copy.withUTF8 { bytes in
            var found: [ProhibitedMatch] = []
            scan(bytes) { head, start, end in
                // The first prohibited (term or operator) word of the chain, if any.
                var pattern = head
                while !patterns[pattern].kind.isProhibited {
                    pattern = Int(patterns[pattern].next)
                    if pattern < 0 { return true }
                }
                let p = patterns[pattern]
                found.append(
                    ProhibitedMatch(
                        category: categories[p.category], term: p.term, utf8Range: start..<end,
                        matchedText: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                    ))
                return true
            }
            return found
        }
    }

    /// Removes every prohibited term from `text`, so what is left can be sent on (e.g. as a refund reason)
    /// without carrying a sensitive keyword. Whole-text-safe: each match is cut out entirely, separators inside
    /// it included, on scalar boundaries; the text is screened again after each pass, so pieces that join into a
    /// new term once the middle is gone (`赌比特币博` → `赌博`) go too; runs of whitespace left behind collapse
    /// to one space and the ends are trimmed.
    /// - Parameter text: The text to screen.
    /// - Returns: The clean text and what was removed.
    public func screen(_ text: String) -> TextScreening {
        var current = text
        var removed: [String] = []
        var categorySet = Set<String>()
        for _ in 0..<16 {
            let found = matches(in: current)
            if found.isEmpty { break }
            // Leftmost, then longest, non-overlapping.
            let ordered = found.sorted {
                $0.utf8Range.lowerBound != $1.utf8Range.lowerBound
                    ? $0.utf8Range.lowerBound < $1.utf8Range.lowerBound : $0.utf8Range.count > $1.utf8Range.count
            }
            var bytes = Array(current.utf8)
            var kept: [UInt8] = []
            kept.reserveCapacity(bytes.count)
            var cursor = 0
            for match in ordered where match.utf8Range.lowerBound >= cursor {
                kept += bytes[cursor..<match.utf8Range.lowerBound]
                // Keep one space where the term stood between two words.
                kept.append(0x20)
                removed.append(match.matchedText)
                categorySet.insert(match.category)
                cursor = match.utf8Range.upperBound
            }
            kept += bytes[cursor...]
            bytes = kept
            current = String(decoding: bytes, as: UTF8.self)
        }
        return TextScreening(clean: collapseWhitespace(current), removed: removed, categories: categorySet.sorted())
    }

    private func collapseWhitespace(_ text: String) -> String {
        var out = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                // No space between two CJK characters: Chinese does not separate words.
                if let last = out.unicodeScalars.last, !(isWide(last) && isWide(scalar)) { out.append(" ") }
                pendingSpace = false
            }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    private func isWide(_ scalar: Unicode.Scalar) -> Bool {
        (0x2E80...0x9FFF).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
            || (0xFF00...0xFFEF).contains(scalar.value)
    }

    /// Scans UTF-8 `bytes`, calling `onMatch(patternId, startByte, endByte)` for each match; `onMatch` returns
    /// false to stop. Invalid UTF-8 bytes are breakers.
    @inline(__always)
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ onMatch: (Int, Int, Int) -> Bool) {
        let n = bytes.count
        if n == 0 || patterns.isEmpty { return }
        scalarTable.withUnsafeBufferPointer { table in
            dense.withUnsafeBufferPointer { dense in
            denseRow.withUnsafeBufferPointer { denseRow in
            childStart.withUnsafeBufferPointer { childStart in
            childSymbols.withUnsafeBufferPointer { childSymbols in
            childStates.withUnsafeBufferPointer { childStates in
            fail.withUnsafeBufferPointer { fail in
                outputStart.withUnsafeBufferPointer { outStart in
                    outputs.withUnsafeBufferPointer { out in
                        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 128) { ring in
                            let moves = Moves(dense: dense, denseRow: denseRow, childStart: childStart,
                                              childSymbols: childSymbols, childStates: childStates, fail: fail)
                            scanCore(bytes, n, table, moves, outStart, out, ring, onMatch)
                        }
                    }
                }
            }
            }
            }
            }
            }
            }
        }
    }

    /// The automaton's tables, borrowed for one scan.
    struct Moves {
        let dense, denseRow, childStart, childSymbols, childStates, fail: UnsafeBufferPointer<Int32>
    }

    // Ring entry: byte offset << 8 | flags (bit 0 leet, bit 1 latin, bit 2 gap before).
    @inline(__always)
    private func scanCore(
        _ bytes: UnsafeBufferPointer<UInt8>, _ n: Int, _ table: UnsafeBufferPointer<UInt16>,
        _ moves: Moves, _ outStart: UnsafeBufferPointer<Int32>, _ out: UnsafeBufferPointer<Int32>,
        _ ring: UnsafeMutableBufferPointer<UInt64>, _ onMatch: (Int, Int, Int) -> Bool
    ) {
        let symbolCount = self.symbolCount
        var state = 0
        var position = 0  // normalized characters since the last breaker
        var gap = false
        // Matches of word-boundary terms wait for the next character to check their end.
        var pendingPattern = -1
        var pendingStart = 0
        var pendingEnd = 0
        var extraPending: [(Int, Int, Int)] = []
        var i = 0
        @inline(__always) func flushPending(_ endOK: Bool) -> Bool {
            var go = true
            if pendingPattern >= 0 {
                if endOK { go = onMatch(pendingPattern, pendingStart, pendingEnd) }
                pendingPattern = -1
                for (p, s, e) in extraPending where go && endOK { go = onMatch(p, s, e) }
                extraPending.removeAll()
            }
            return go
        }
        while i < n {
            let b0 = bytes[i]
            var value: UInt32
            var length: Int
            if b0 < 0x80 {
                value = UInt32(b0)
                length = 1
            } else if b0 & 0xE0 == 0xC0, i + 1 < n {
                value = UInt32(b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                length = 2
            } else if b0 & 0xF0 == 0xE0, i + 2 < n {
                value = UInt32(b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                length = 3
            } else if b0 & 0xF8 == 0xF0, i + 3 < n {
                value =
                    UInt32(b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
                    | UInt32(bytes[i + 3] & 0x3F)
                length = 4
            } else {
                value = 0xFFFF_FFFF
                length = 1
            }
            let entry: UInt16
            if value < 0x10000 {
                entry = table[Int(value)]
            } else if value == 0xFFFF_FFFF {
                entry = Self.breakerEntry
            } else {
                switch TextNormalizer.fold(value) {
                case .skip: entry = Self.skipEntry
                default: entry = Self.breakerEntry  // supplementary-plane letters occur in no term
                }
            }
            if entry == Self.skipEntry {
                gap = true
                i += length
                continue
            }
            if entry == Self.breakerEntry {
                if !flushPending(true) { return }
                state = 0
                position = 0
                gap = false
                i += length
                continue
            }
            let isLatinLetter = entry & Self.latinFlag != 0 && entry & Self.leetFlag == 0
            if pendingPattern >= 0 {
                if !flushPending(!(isLatinLetter && !gap)) { return }
            }
            var flags: UInt64 = 0
            if entry & Self.leetFlag != 0 { flags |= 1 }
            if entry & Self.latinFlag != 0 { flags |= 2 }
            if gap { flags |= 4 }
            ring[position & 127] = UInt64(i) << 8 | flags
            position += 1
            gap = false
            let symbol = Int(entry & Self.symbolMask) - 2
            state = Self.move(
                from: state, on: symbol, symbolCount: symbolCount, dense: moves.dense, denseRow: moves.denseRow,
                childStart: moves.childStart, childSymbols: moves.childSymbols, childStates: moves.childStates,
                fail: moves.fail)
            let first = Int(outStart[state])
            let last = Int(outStart[state + 1])
            if first == last {
                i += length
                continue
            }
            let end = i + length
            for k in first..<last {
                let id = Int(out[k])
                let pattern = patterns[id]
                let startIndex = position - pattern.length
                var leet = 0
                for j in startIndex..<position where ring[j & 127] & 1 != 0 { leet += 1 }
                if leet * 2 > pattern.length { continue }  // mostly digits: a number, not a word
                let startByte = Int(ring[startIndex & 127] >> 8)
                if pattern.boundaryStart {
                    let firstEntry = ring[startIndex & 127]
                    if startIndex > 0 && firstEntry & 4 == 0 {
                        let previous = ring[(startIndex - 1) & 127]
                        if previous & 2 != 0 && previous & 1 == 0 { continue }  // a latin letter right before
                    }
                }
                if pattern.boundaryEnd {
                    if pendingPattern < 0 {
                        pendingPattern = id
                        pendingStart = startByte
                        pendingEnd = end
                    } else {
                        extraPending.append((id, startByte, end))
                    }
                } else if !onMatch(id, startByte, end) {
                    return
                }
            }
            i += length
        }
        _ = flushPending(true)
    }
}
