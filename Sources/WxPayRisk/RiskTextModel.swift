// The text model: a character n-gram linear classifier per prohibited category, trained from the tuning part of the
// labelled detection corpus (`wxpay-risk-model train`) and shipped as generated weights (RiskTextModel+Weights.swift).
// It complements the word lists: a description the lists do not know but that reads like a category (new operator
// names, slang around known stems) is sent to review, never blocked, and the reason quotes the pieces of text that
// weighed most. Every decision stays explainable: a sum of weights of n-grams that can be pointed at in the text.

/// A character n-gram linear model over normalized text: one weight per hashed n-gram (1 to 4 characters) and
/// category, a bias and a threshold per category.
public struct RiskTextModel: Sendable {
    /// The categories the model scores, in weight-table order.
    public let categories: [String]
    /// Dense weights in units of `scale[c]`, bucket-major, four slots a bucket (`bucket * 4 + category`): one load
    /// per n-gram.
    let interleaved: [Int8]

    /// The weights category-major (`category * buckets + bucket`), for the trainer and the tests.
    var weights: [Int8] {
        var out = [Int8](repeating: 0, count: categories.count * Self.buckets)
        for c in categories.indices {
            for b in 0..<Self.buckets { out[c * Self.buckets + b] = interleaved[b * 4 + c] }
        }
        return out
    }

    /// The weight of `bucket` for category `c`.
    @inline(__always)
    func weight(_ c: Int, _ bucket: Int) -> Int8 { interleaved[bucket &* 4 &+ c] }
    /// What one unit of weight is worth, per category.
    let scale: [Float]
    /// The bias (log-odds before any n-gram), per category.
    let bias: [Float]
    /// The decision threshold on the log-odds, per category (chosen on the `dev` part; see the generator).
    let threshold: [Float]

    /// The number of hash buckets per category.
    public static let buckets = 1 << 16
    /// The longest n-gram, in normalized characters.
    public static let maxOrder = 4
    /// Characters of text read at most: a description is short; a longer one is judged on its beginning.
    public static let maxCharacters = 256

    /// A model from its parts (the generated weights, or a model being trained).
    init(categories: [String], weights: [Int8], scale: [Float], bias: [Float], threshold: [Float]) {
        precondition(weights.count == categories.count * Self.buckets)
        var interleaved = [Int8](repeating: 0, count: Self.buckets * 4)
        for c in categories.indices {
            for b in 0..<Self.buckets { interleaved[b * 4 + c] = weights[c * Self.buckets + b] }
        }
        self.init(categories: categories, interleaved: interleaved, scale: scale, bias: bias, threshold: threshold)
    }

    /// A model from its bucket-major weights.
    init(categories: [String], interleaved: [Int8], scale: [Float], bias: [Float], threshold: [Float]) {
        precondition(categories.count <= 4 && interleaved.count == Self.buckets * 4)
        self.categories = categories
        self.interleaved = interleaved
        self.scale = scale
        self.bias = bias
        self.threshold = threshold
    }

    /// One normalized character and where it was written (a byte range of the text).
    struct Character {
        var value: UInt32
        var start: Int32
        var end: Int32
    }

    /// One n-gram of a text: its hash bucket and the byte range it was written in.
    struct Gram {
        var bucket: Int
        var start: Int32
        var end: Int32
    }

    /// The normalized characters of UTF-8 `bytes`, with 0 standing for a boundary (a line break, a sentence end):
    /// the prohibited-term folding (width, case, leetspeak, homoglyphs, traditional characters; spaces, punctuation
    /// and emoji dropped), except that a character no term uses is kept as itself rather than breaking the text.
    static func characters(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [Character]) {
        out.removeAll(keepingCapacity: true)
        var i = 0
        while out.count < maxCharacters, let (value, width) = decode(bytes, at: i) {
            let start = i
            i += width
            guard let v = normalized(value) else { continue }
            if v == 0 && (out.last?.value ?? 0) == 0 { continue }
            out.append(Character(value: v, start: Int32(start), end: Int32(i)))
        }
    }

    /// The hashed n-grams (orders 1 ... ``maxOrder``, none across a boundary) of normalized characters.
    static func grams(_ chars: [Character], into out: inout [Gram]) {
        out.removeAll(keepingCapacity: true)
        for i in chars.indices where chars[i].value != 0 {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for order in 1...maxOrder {
                let j = i + order - 1
                if j >= chars.count || chars[j].value == 0 { break }
                h = (h ^ UInt64(chars[j].value)) &* 0x0000_0100_0000_01B3
                let mixed = (h ^ UInt64(order) &* 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9
                out.append(Gram(bucket: Int(truncatingIfNeeded: mixed >> 48), start: chars[i].start, end: chars[j].end))
            }
        }
    }

    /// The distinct buckets of a text's n-grams (what the model sums: presence, not counts).
    static func distinctBuckets(_ grams: [Gram]) -> [Int] {
        var seen = Set<Int>()
        var out: [Int] = []
        for g in grams where seen.insert(g.bucket).inserted { out.append(g.bucket) }
        return out
    }

    /// The log-odds of category `c` for a text with these distinct buckets.
    func logOdds(_ c: Int, buckets: [Int]) -> Float {
        var sum: Int32 = 0
        for b in buckets { sum += Int32(weight(c, b)) }
        return bias[c] + Float(sum) * scale[c]
    }

    /// A category the text reads as: its name, log-odds, threshold and the n-grams that weighed most (as written).
    public struct Verdict: Sendable, Equatable {
        /// The category's name.
        public var category: String
        /// The model's log-odds for the category.
        public var logOdds: Float
        /// The log-odds from which the model flags the category.
        public var threshold: Float
        /// Up to three pieces of the text (as written) whose n-grams weighed most towards the category.
        public var evidence: [String]
    }

    /// Scratch space for ``judge(_:scratch:)``, kept between calls (no allocation once grown).
    public struct Scratch {
        var chars: [Character] = []
        var grams: [Gram] = []
        var distinct: [Int] = []
        var seen: [UInt64] = []
        let fast = FastScratch()
        /// Creates empty scratch space.
        public init() {}
    }

    /// The fast path's memory: a bitmap of the buckets seen in the current text and the list of words to clear.
    final class FastScratch {
        let seen = UnsafeMutablePointer<UInt64>.allocate(capacity: RiskTextModel.buckets / 64)
        let touched = UnsafeMutablePointer<Int>.allocate(capacity: RiskTextModel.maxCharacters * RiskTextModel.maxOrder)
        init() { seen.initialize(repeating: 0, count: RiskTextModel.buckets / 64) }
        deinit {
            seen.deallocate()
            touched.deallocate()
        }
    }

    /// The sum of weights per category (slot `c`) over the distinct buckets of UTF-8 `bytes`: one pass, no
    /// allocation. The same characters, n-grams and buckets as ``characters(_:into:)`` and ``grams(_:into:)``.
    func sums(_ bytes: UnsafeBufferPointer<UInt8>, scratch: FastScratch) -> SIMD4<Int32> {
        var total = SIMD4<Int32>()
        let seen = scratch.seen
        let touched = scratch.touched
        var touchedCount = 0
        // The last three characters (w1 the latest) and how many characters since the last boundary.
        var w1: UInt32 = 0, w2: UInt32 = 0, w3: UInt32 = 0
        var run = 0
        var count = 0
        var last: UInt32 = 0
        interleaved.withUnsafeBufferPointer { table in
            var i = 0
            let n = bytes.count
            while i < n && count < Self.maxCharacters {
                guard let (value, width) = Self.decode(bytes, at: i) else { break }
                i += width
                guard let v = Self.normalized(value) else { continue }
                if v == 0 && last == 0 { continue }
                last = v
                count += 1
                if v == 0 {
                    run = 0
                    continue
                }
                run += 1
                // The n-grams ending here, from the longest start: FNV over the characters in order, mixed with
                // the order (as `grams`, which hashes each start forward).
                let window = (w3, w2, w1, v)
                let longest = min(run, Self.maxOrder)
                for order in 1...longest {
                    var h: UInt64 = 0xcbf2_9ce4_8422_2325
                    for k in (Self.maxOrder - order)..<Self.maxOrder {
                        let c: UInt32
                        switch k {
                        case 0: c = window.0
                        case 1: c = window.1
                        case 2: c = window.2
                        default: c = window.3
                        }
                        h = (h ^ UInt64(c)) &* 0x0000_0100_0000_01B3
                    }
                    let mixed = (h ^ UInt64(order) &* 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9
                    let bucket = Int(truncatingIfNeeded: mixed >> 48)
                    let word = bucket >> 6
                    let bit: UInt64 = 1 << UInt64(bucket & 63)
                    if seen[word] & bit != 0 { continue }
                    if seen[word] == 0 {
                        touched[touchedCount] = word
                        touchedCount += 1
                    }
                    seen[word] |= bit
                    let base = bucket &* 4
                    total &+= SIMD4(Int32(table[base]), Int32(table[base + 1]), Int32(table[base + 2]),
                                    Int32(table[base + 3]))
                }
                w3 = w2
                w2 = w1
                w1 = v
            }
        }
        for k in 0..<touchedCount { seen[touched[k]] = 0 }
        return total
    }

    /// The scalar at byte `i` of UTF-8 `bytes` and its width (an invalid or cut sequence: U+FFFD, width 1); nil at
    /// the end.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int)? {
        let n = bytes.count
        if i >= n { return nil }
        let b0 = UInt32(bytes[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 & 0xE0 == 0xC0, i + 1 < n { return ((b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F), 2) }
        if b0 & 0xF0 == 0xE0, i + 2 < n {
            return ((b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F), 3)
        }
        if b0 & 0xF8 == 0xF0, i + 3 < n {
            return ((b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
                | UInt32(bytes[i + 3] & 0x3F), 4)
        }
        return (0xFFFD, 1)
    }

    /// What scalar `value` becomes: a normalized character, 0 for a boundary, nil when dropped.
    @inline(__always)
    static func normalized(_ value: UInt32) -> UInt32? {
        var v = value
        switch TextNormalizer.fold(v) {
        case .skip:
            return nil
        case .char(let c, _):
            v = c
        case .breaker:
            if v < 0x80 {
                if v >= 0x41 && v <= 0x5A { v |= 0x20 }
                let alnum = (v >= 0x30 && v <= 0x39) || (v >= 0x61 && v <= 0x7A)
                if !alnum { v = 0 }
            } else if v == 0x3002 || v == 0xFF01 || v == 0xFF1F || v == 0x2028 || v == 0x2029 {
                v = 0
            }
        }
        return v
    }

    /// Reads UTF-8 `bytes` into `scratch`: its n-grams, and the first n-gram of each distinct bucket (presence:
    /// a bucket counts once however often it occurs).
    func read(_ bytes: UnsafeBufferPointer<UInt8>, scratch: inout Scratch) {
        Self.characters(bytes, into: &scratch.chars)
        Self.grams(scratch.chars, into: &scratch.grams)
        if scratch.seen.isEmpty { scratch.seen = [UInt64](repeating: 0, count: Self.buckets / 64) }
        scratch.distinct.removeAll(keepingCapacity: true)
        for (k, g) in scratch.grams.enumerated() {
            let bit: UInt64 = 1 << UInt64(g.bucket & 63)
            if scratch.seen[g.bucket >> 6] & bit == 0 {
                scratch.seen[g.bucket >> 6] |= bit
                scratch.distinct.append(k)
            }
        }
        for k in scratch.distinct { scratch.seen[scratch.grams[k].bucket >> 6] = 0 }
    }

    /// The log-odds of category `c` for the text last read into `scratch`.
    func logOdds(_ c: Int, scratch: Scratch) -> Float {
        var sum: Int32 = 0
        for k in scratch.distinct { sum += Int32(weight(c, scratch.grams[k].bucket)) }
        return bias[c] + Float(sum) * scale[c]
    }

    /// The n-gram evidence (the log-odds without the bias, so that a short text is not doubted for being short) at
    /// or above which the model confirms a lone list hit: the text's own n-grams point to the category at odds of
    /// about 37 to 1. Chosen on the `dev` parts (text the weights were not learned from): the lowest bar at which no
    /// ordinary `dev` item is blocked. With the model trained on every round, a bar of 1 (the earlier choice, made the
    /// same way on the first rounds) blocked seven of the 1,150: a popular-science book on slot machines at 3.55, a
    /// poker tablecloth at 3.02, a slot-machine ornament, "Token deposit for gym locker". The price: bare words the
    /// model weighs less (`卖淫` 2.59, `p0rn` 3.37) are held for review, not blocked; review still counts as detected.
    public static let confirmEvidence: Float = 3.6

    /// Whether UTF-8 `bytes` read as `category` (their n-grams' evidence at or above ``confirmEvidence``), with the
    /// evidence and the bar; nil for a category the model does not know.
    public func confirms(
        _ category: String, in bytes: UnsafeBufferPointer<UInt8>, scratch: inout Scratch
    ) -> (confirmed: Bool, evidence: Float, bar: Float)? {
        guard let c = categories.firstIndex(of: category) else { return nil }
        let evidence = Float(sums(bytes, scratch: scratch.fast)[c]) * scale[c]
        return (evidence >= Self.confirmEvidence, evidence, Self.confirmEvidence)
    }

    /// The categories whose log-odds reach their threshold for UTF-8 `bytes` (empty: none).
    public func judge(_ bytes: UnsafeBufferPointer<UInt8>, scratch: inout Scratch) -> [Verdict] {
        // The fast path decides; the evidence of a hit (rare) is gathered by the slow one.
        let fast = sums(bytes, scratch: scratch.fast)
        var any = false
        for c in categories.indices where bias[c] + Float(fast[c]) * scale[c] >= threshold[c] { any = true }
        if !any { return [] }
        read(bytes, scratch: &scratch)
        if scratch.grams.isEmpty { return [] }
        var verdicts: [Verdict] = []
        for c in categories.indices {
            let odds = logOdds(c, scratch: scratch)
            if odds < threshold[c] { continue }
            var best: [(weight: Int8, gram: Int)] = []
            for k in scratch.distinct where weight(c, scratch.grams[k].bucket) > 0 {
                best.append((weight(c, scratch.grams[k].bucket), k))
            }
            best.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.gram < $1.gram }
            var evidence: [String] = []
            var used: [(Int32, Int32)] = []
            for (_, k) in best {
                let g = scratch.grams[k]
                // A piece inside (or around) one already quoted adds nothing.
                if used.contains(where: { $0.0 < g.end && g.start < $0.1 }) { continue }
                used.append((g.start, g.end))
                evidence.append(
                    String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(g.start)..<Int(g.end)]), as: UTF8.self))
                if evidence.count == 3 { break }
            }
            verdicts.append(Verdict(category: categories[c], logOdds: odds, threshold: threshold[c], evidence: evidence))
        }
        return verdicts
    }

    /// The shipped model (RiskTextModel+Weights.swift), expanded to its dense table on first use.
    ///
    /// The file stores the non-zero weights in half the bytes of one `UInt32` each (every binary that scores carries
    /// them): per category in order, each weight by ascending bucket as a gap byte and the weight (a two's complement
    /// byte); its bucket is the previous one (-1 at a category's start) plus the gap plus one. A gap byte 254 moves
    /// 254 buckets on with no weight after it; 255 ends the category.
    public static let shipped: RiskTextModel = {
        let categories = ShippedRiskTextModel.categories
        var interleaved = [Int8](repeating: 0, count: buckets * 4)
        interleaved.withUnsafeMutableBufferPointer { table in
            ShippedRiskTextModel.packed.withUnsafeBufferPointer { packed in
                var c = 0
                var bucket = -1
                var i = 0
                while i < packed.count {
                    let gap = Int(packed[i])
                    i += 1
                    if gap == 255 {
                        c += 1
                        bucket = -1
                    } else if gap == 254 {
                        bucket += 254
                    } else {
                        bucket += gap + 1
                        table[bucket &* 4 &+ c] = Int8(bitPattern: packed[i])
                        i += 1
                    }
                }
            }
        }
        return RiskTextModel(
            categories: categories, interleaved: interleaved, scale: ShippedRiskTextModel.scale,
            bias: ShippedRiskTextModel.bias, threshold: ShippedRiskTextModel.threshold)
    }()
}
