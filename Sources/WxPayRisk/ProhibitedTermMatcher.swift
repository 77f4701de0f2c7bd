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

    struct Pattern: Sendable {
        var category: Int
        var term: String
        var length: Int
        var needsWordBoundary: Bool
    }

    /// The category names, in rule order.
    public let categories: [String]
    let patterns: [Pattern]
    /// Per BMP scalar: 0 = breaker, 1 = skip, otherwise (symbol + 2) | flags.
    private let scalarTable: [UInt16]
    private let symbolCount: Int
    /// Dense DFA: `transitions[state * symbolCount + symbol]`.
    private let transitions: [Int32]
    /// Pattern ids accepted at each state: `outputs[outputStart[s] ..< outputStart[s + 1]]`.
    private let outputStart: [Int32]
    private let outputs: [Int32]

    static let leetFlag: UInt16 = 0x8000
    static let latinFlag: UInt16 = 0x4000
    static let symbolMask: UInt16 = 0x3FFF

    /// Compiles the prohibited terms of `rules`.
    /// - Parameter rules: Validated rules (``RiskRules/validate()``); terms that normalize to fewer than two
    ///   characters or contain a breaker are ignored.
    public init(rules: RiskRules) {
        categories = rules.prohibited.categories.map(\.name)
        // Symbols: every latin letter, then every other character of a term.
        var symbolOf: [UInt32: Int] = [:]
        for letter in UInt32(0x61)...UInt32(0x7A) where letter != 0x6C { symbolOf[letter] = symbolOf.count }
        var patterns: [Pattern] = []
        var sequences: [[Int]] = []
        var seen = Set<[Int]>()
        for (categoryIndex, category) in rules.prohibited.categories.enumerated() {
            for term in category.terms {
                let normalized = TextNormalizer.normalize(term)
                guard normalized.count >= 2, normalized.count <= Self.maxTermLength,
                    !normalized.contains(where: { $0 == nil })
                else { continue }
                var sequence: [Int] = []
                var allLatin = true
                for case let c? in normalized {
                    if symbolOf[c] == nil { symbolOf[c] = symbolOf.count }
                    sequence.append(symbolOf[c]!)
                    if c < 0x61 || c > 0x7A { allLatin = false }
                }
                guard seen.insert(sequence).inserted else { continue }
                patterns.append(
                    Pattern(
                        category: categoryIndex, term: term, length: sequence.count,
                        needsWordBoundary: allLatin && sequence.count <= rules.prohibited.latinWordBoundaryMaxLength))
                sequences.append(sequence)
            }
        }
        self.patterns = patterns
        let symbolCount = max(symbolOf.count, 1)
        self.symbolCount = symbolCount

        // Lookup table for the Basic Multilingual Plane.
        var table = [UInt16](repeating: 0, count: 0x10000)
        for v in 0..<UInt32(0x10000) {
            switch TextNormalizer.fold(v) {
            case .skip: table[Int(v)] = 1
            case .breaker: table[Int(v)] = 0
            case .char(let c, let leet):
                guard let symbol = symbolOf[c] else { table[Int(v)] = 0; continue }
                var entry = UInt16(symbol + 2)
                if leet { entry |= Self.leetFlag }
                if c >= 0x61 && c <= 0x7A { entry |= Self.latinFlag }
                table[Int(v)] = entry
            }
        }
        scalarTable = table

        // Trie, then failure links by breadth-first search, folded into a dense transition table.
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
            accept[state].append(Int32(id))
        }
        var fail = [Int](repeating: 0, count: goto.count)
        var queue: [Int] = []
        for symbol in 0..<symbolCount {
            if goto[0][symbol] < 0 {
                goto[0][symbol] = 0
            } else {
                queue.append(Int(goto[0][symbol]))
            }
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

    /// The matcher for ``RiskRules/defaults``, built on first use.
    public static let defaults = ProhibitedTermMatcher(rules: .defaults)

    /// Every prohibited term in `text`, in order of where it ends (longer first among those ending together).
    /// Overlapping matches are all reported (`porno` and `pornography` can both be in one text).
    /// - Parameter text: Any text: a description, a refund reason, attached data.
    /// - Returns: The matches, empty for clean text.
    public func matches(in text: String) -> [ProhibitedMatch] {
        var copy = text
        return copy.withUTF8 { bytes in
            var found: [ProhibitedMatch] = []
            scan(bytes) { pattern, start, end in
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
            transitions.withUnsafeBufferPointer { delta in
                outputStart.withUnsafeBufferPointer { outStart in
                    outputs.withUnsafeBufferPointer { out in
                        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 128) { ring in
                            scanCore(bytes, n, table, delta, outStart, out, ring, onMatch)
                        }
                    }
                }
            }
        }
    }

    // Ring entry: byte offset << 8 | flags (bit 0 leet, bit 1 latin, bit 2 gap before).
    @inline(__always)
    private func scanCore(
        _ bytes: UnsafeBufferPointer<UInt8>, _ n: Int, _ table: UnsafeBufferPointer<UInt16>,
        _ delta: UnsafeBufferPointer<Int32>, _ outStart: UnsafeBufferPointer<Int32>, _ out: UnsafeBufferPointer<Int32>,
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
                entry = 0
            } else {
                switch TextNormalizer.fold(value) {
                case .skip: entry = 1
                default: entry = 0  // supplementary-plane letters occur in no term
                }
            }
            if entry == 1 {
                gap = true
                i += length
                continue
            }
            if entry == 0 {
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
            state = Int(delta[state * symbolCount + symbol])
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
                if pattern.needsWordBoundary {
                    let firstEntry = ring[startIndex & 127]
                    if startIndex > 0 && firstEntry & 4 == 0 {
                        let previous = ring[(startIndex - 1) & 127]
                        if previous & 2 != 0 && previous & 1 == 0 { continue }  // a latin letter right before
                    }
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
