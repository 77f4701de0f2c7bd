// Bounded per-key state: a key → slot directory with CLOCK eviction, and fixed-width event rings per slot.
// Memory is bounded by RiskRules.State.maxTrackedKeys whatever the stream's length or number of distinct keys.

/// 64-bit FNV-1a over bytes, with a final avalanche. Keys are stored by hash: two distinct keys share state only
/// on a 64-bit collision (about 10^-10 for 50,000 live keys). Never 0 (0 means "no key").
@inline(__always)
func keyHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
        h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3
    }
    h ^= h >> 33
    h = h &* 0xff51_afd7_ed55_8ccd
    h ^= h >> 33
    return h == 0 ? 1 : h
}

/// Maps keys to a bounded number of slots. A slot unseen for `ttl` seconds of stream time is handed back as
/// fresh; when all slots are taken, the least recently seen (in stream time) of the next 8 slots under a rotating
/// hand is evicted: an approximate LRU that costs O(1) per insertion and keeps keys that are active now.
struct SlotDirectory {
    let capacity: Int
    let ttl: Int64
    private var index = KeyIndex()
    private(set) var keys: [UInt64] = []
    private var lastSeen: [Int64] = []
    private var hand = 0
    static let sample = 8

    init(capacity: Int, ttl: Int64) {
        self.capacity = capacity
        self.ttl = ttl
    }

    var count: Int { keys.count }

    /// The slot for `key` at stream time `now`; `fresh` is true when its data must be reset before use (a new
    /// slot, an evicted one reused, or one whose key expired).
    @inline(__always)
    mutating func slot(for key: UInt64, now: Int64) -> (slot: Int, fresh: Bool) {
        if let found = index.find(key) {
            let s = Int(found)
            let expired = now - lastSeen[s] > ttl
            if now > lastSeen[s] || expired { lastSeen[s] = now }
            return (s, expired)
        }
        if keys.count < capacity {
            let s = keys.count
            keys.append(key)
            lastSeen.append(now)
            index.insert(key, Int32(s))
            return (s, true)
        }
        var victim = hand
        for k in 0..<Self.sample {
            let s = (hand + k) % capacity
            if lastSeen[s] < lastSeen[victim] { victim = s }
        }
        hand = (hand + Self.sample) % capacity
        index.remove(keys[victim])
        keys[victim] = key
        lastSeen[victim] = now
        index.insert(key, Int32(victim))
        return (victim, true)
    }
}

/// An open-addressing hash map from key hash (never 0) to slot, with linear probing and backward-shift
/// deletion: no tombstones, so an endless stream of insertions and evictions keeps probes short. Grows by
/// doubling up to twice the number of live keys.
struct KeyIndex {
    /// Key and slot side by side: one cache line per probe.
    private struct Entry {
        var key: UInt64
        var value: Int32
    }
    private var entries: [Entry]
    private var mask: Int
    private var count = 0

    init() {
        entries = [Entry](repeating: Entry(key: 0, value: 0), count: 1024)
        mask = 1023
    }

    @inline(__always)
    func find(_ key: UInt64) -> Int32? {
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let e = entries[i]
            if e.key == key { return e.value }
            if e.key == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    /// Inserts a key that is not present.
    mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 > entries.count { grow() }
        var i = Int(truncatingIfNeeded: key) & mask
        while entries[i].key != 0 { i = (i + 1) & mask }
        entries[i] = Entry(key: key, value: value)
        count += 1
    }

    mutating func remove(_ key: UInt64) {
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            if entries[i].key == 0 { return }
            if entries[i].key == key { break }
            i = (i + 1) & mask
        }
        // Backward-shift: move later entries of the cluster into the hole when that shortens their probe.
        var hole = i
        var j = i
        while true {
            j = (j + 1) & mask
            let e = entries[j]
            if e.key == 0 { break }
            let home = Int(truncatingIfNeeded: e.key) & mask
            // Move the entry unless its home lies in the cyclic range (hole, j].
            let inRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !inRange {
                entries[hole] = e
                hole = j
            }
        }
        entries[hole] = Entry(key: 0, value: 0)
        count -= 1
    }

    private mutating func grow() {
        let old = entries
        entries = [Entry](repeating: Entry(key: 0, value: 0), count: old.count * 2)
        mask = entries.count - 1
        count = 0
        for e in old where e.key != 0 { insert(e.key, e.value) }
    }
}

/// Per-slot rings of the last `width` payments: time (seconds since 2020, Int32), amount (fen, saturating at
/// UInt32.max) and, when asked, a 32-bit payer tag for distinct-payer counts.
struct EventRings {
    let width: Int
    let tracksPayers: Bool
    private var times: [Int32] = []
    private var amounts: [UInt32] = []
    private var payers: [UInt32] = []
    private var heads: [UInt8] = []
    private var counts: [UInt8] = []

    static let epoch: Int64 = 1_577_836_800  // 2020-01-01T00:00:00Z

    init(width: Int, tracksPayers: Bool) {
        self.width = width
        self.tracksPayers = tracksPayers
    }

    @inline(__always) static func compactTime(_ t: Int64) -> Int32 {
        Int32(clamping: t - epoch)
    }

    /// Makes `slot` usable and empty.
    @inline(__always)
    mutating func reset(_ slot: Int) {
        if slot == heads.count {
            times.append(contentsOf: repeatElement(0, count: width))
            amounts.append(contentsOf: repeatElement(0, count: width))
            if tracksPayers { payers.append(contentsOf: repeatElement(0, count: width)) }
            heads.append(0)
            counts.append(0)
        } else {
            heads[slot] = 0
            counts[slot] = 0
        }
    }

    struct WindowStats {
        var count = 0
        var amount = 0
        var distinctPayers = 0
    }

    /// Count, amount and (when tracked) distinct payers other than `payer` among the stored events of `slot` later
    /// than `now - window`.
    @inline(__always)
    func stats(_ slot: Int, now: Int64, window: Int, excludingPayer payer: UInt32) -> WindowStats {
        var result = WindowStats()
        let n = Int(counts[slot])
        if n == 0 { return result }
        let base = slot * width
        let cutoff = Self.compactTime(now - Int64(window))
        var seen: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0, 0, 0, 0)
        var extraSeen: [UInt32] = []
        for k in 0..<n {
            let e = base + k
            guard times[e] > cutoff else { continue }
            result.count += 1
            result.amount += Int(amounts[e])
            if tracksPayers {
                let p = payers[e]
                if p == payer { continue }
                // Distinct among at most `width` (<= 64) tags: a small inline set, spilling to an array.
                var isNew = true
                withUnsafeBytes(of: &seen) { raw in
                    let tags = raw.bindMemory(to: UInt32.self)
                    for t in 0..<min(result.distinctPayers, 8) where tags[t] == p { isNew = false }
                }
                if isNew && extraSeen.contains(p) { isNew = false }
                if isNew {
                    if result.distinctPayers < 8 {
                        withUnsafeMutableBytes(of: &seen) { raw in
                            raw.bindMemory(to: UInt32.self)[result.distinctPayers] = p
                        }
                    } else {
                        extraSeen.append(p)
                    }
                    result.distinctPayers += 1
                }
            }
        }
        return result
    }

    /// Records a payment, dropping the oldest when the ring is full.
    @inline(__always)
    mutating func push(_ slot: Int, time: Int64, amount: Int, payer: UInt32) {
        let base = slot * width
        let n = Int(counts[slot])
        let position: Int
        if n < width {
            position = n
            counts[slot] = UInt8(n + 1)
        } else {
            position = Int(heads[slot])
            heads[slot] = UInt8(position + 1 == width ? 0 : position + 1)
        }
        times[base + position] = Self.compactTime(time)
        amounts[base + position] = UInt32(clamping: amount)
        if tracksPayers { payers[base + position] = payer }
    }
}
