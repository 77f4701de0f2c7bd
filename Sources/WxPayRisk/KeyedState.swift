// Bounded per-key state. Each kind of key (payer, device, IP) has one table: a key → slot index, a slot record
// (key, last-seen time and ring header together) and a fixed-width ring of recent events per slot, stored
// contiguously; the payer's history counters live in one record per slot. Scoring a transaction touches a few
// cache lines per key, and memory is bounded by RiskRules.State.maxTrackedKeys whatever the stream's length.

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

/// Growable storage for plain values: element access goes straight through a pointer (no copy-on-write or
/// exclusivity bookkeeping on the hot path).
///
/// Non-copyable, so exactly one value owns the memory: growing a table frees its old buffer, and a copy would
/// have kept pointing at it (and writes through one copy would have shown through the other). What holds a
/// table is non-copyable too, down to the class that owns it (``RiskEngine``, ``RiskBatchScorer``).
struct PlainTable<Element: BitwiseCopyable>: ~Copyable {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for at least `minimum` elements, keeping the first `used`.
    mutating func reserve(_ minimum: Int, used: Int) {
        if minimum <= capacity { return }
        var newCapacity = capacity
        while newCapacity < minimum { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: used)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    subscript(_ i: Int) -> Element {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// One kind of key (payer, device or IP): key → slot directory with approximate-LRU eviction, and per slot a
/// ring of the last `width` payments (time, amount and a payer tag).
///
/// A slot unseen for `ttl` seconds of stream time is handed back as fresh; when all slots are taken, the least
/// recently seen (in stream time) of the next 8 slots under a rotating hand is evicted: an approximate LRU that
/// costs O(1) per insertion and keeps keys that are active now. Non-copyable: it owns its ``PlainTable``s.
struct KeyTable: ~Copyable {
    /// A slot's directory data and ring header: one small record.
    struct Slot {
        var key: UInt64
        var lastSeen: Int64
        var ringHead: UInt16
        var ringCount: UInt16
    }

    /// One payment in a ring: time (seconds since 2020, Int32), amount (fen, saturating at UInt32.max) and a
    /// 32-bit payer tag (0 when not tracked).
    struct Event {
        var time: Int32
        var amount: UInt32
        var payer: UInt32
    }

    let capacity: Int
    let ttl: Int64
    /// Events per slot (1 ... 64).
    let width: Int
    private var index: KeyIndex
    private(set) var count = 0
    private var slots: PlainTable<Slot>
    private var events: PlainTable<Event>
    private var hand = 0
    /// The latest stream time seen by ``slot(for:now:)``.
    private var clock = Int64.min
    static let sample = 8
    static let epoch: Int64 = 1_577_836_800  // 2020-01-01T00:00:00Z
    /// Slots allocated up front; tables grow by doubling up to `capacity`.
    static let initialSlots = 4096

    init(capacity: Int, ttl: Int64, width: Int, initial: Int = initialSlots) {
        self.capacity = capacity
        self.ttl = ttl
        self.width = width
        let initial = max(1, min(capacity, initial))
        index = KeyIndex(expected: min(initial, 512))
        slots = PlainTable(capacity: initial)
        events = PlainTable(capacity: initial * width)
    }

    @inline(__always) static func compactTime(_ t: Int64) -> Int32 {
        Int32(clamping: t - epoch)
    }

    /// The slot for `key` at stream time `now`; `fresh` is true when it holds no data for this key (a new slot,
    /// an evicted one reused, or one whose key expired). A fresh slot's ring is already empty.
    @inline(__always)
    mutating func slot(for key: UInt64, now time: Int64) -> (slot: Int, fresh: Bool) {
        // Recency and expiry run on the stream's clock: the latest time seen. A transaction dated earlier (late,
        // or a stream that goes back in time) neither makes its key look older than the others (it would be
        // the first evicted while keys last seen ahead of it stayed for good) nor expires anything.
        if time > clock { clock = time }
        let now = clock
        if let found = index.find(key) {
            let s = Int(found)
            let p = slots.base + s
            let expired = now - p.pointee.lastSeen > ttl
            if now > p.pointee.lastSeen || expired { p.pointee.lastSeen = now }
            if expired {
                p.pointee.ringHead = 0
                p.pointee.ringCount = 0
            }
            return (s, expired)
        }
        if count < capacity {
            let s = count
            slots.reserve(s + 1, used: s)
            events.reserve((s + 1) * width, used: s * width)
            slots[s] = Slot(key: key, lastSeen: now, ringHead: 0, ringCount: 0)
            count += 1
            index.insert(key, Int32(s))
            return (s, true)
        }
        var victim = hand
        for k in 0..<Self.sample {
            let s = (hand + k) % capacity
            if slots[s].lastSeen < slots[victim].lastSeen { victim = s }
        }
        hand = (hand + Self.sample) % capacity
        index.remove(slots[victim].key)
        slots[victim] = Slot(key: key, lastSeen: now, ringHead: 0, ringCount: 0)
        index.insert(key, Int32(victim))
        return (victim, true)
    }

    struct WindowStats {
        var count = 0
        var amount = 0
        var distinctPayers = 0
    }

    /// Count, amount and (when `tracksPayers`) distinct payers other than `payer` among the stored events of
    /// `slot` in the window `(now - window, now]`.
    ///
    /// An event later than `now` is not in the window before `now`: when stream time goes back (a day re-scored
    /// after a later one, a backfill, a replayed file), the events recorded ahead of it would otherwise all count
    /// as recent, every key would look busy and the velocity rules would fire on ordinary traffic (and each
    /// fired rule costs a reason, so the cost per transaction would grow with the stream's length too).
    @inline(__always)
    func stats(_ slot: Int, now: Int64, window: Int, excludingPayer payer: UInt32, tracksPayers: Bool) -> WindowStats {
        var result = WindowStats()
        let n = Int(slots[slot].ringCount)
        if n == 0 { return result }
        let ring = events.base + slot * width
        let cutoff = Self.compactTime(now - Int64(window))
        let latest = Self.compactTime(now)
        // Distinct among at most `width` (<= 64) tags: a small set on the stack.
        var seenCount = 0
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { tags in
            for k in 0..<n {
                let e = ring[k]
                guard e.time > cutoff && e.time <= latest else { continue }
                result.count += 1
                result.amount += Int(e.amount)
                guard tracksPayers, e.payer != payer else { continue }
                var isNew = true
                for t in 0..<seenCount where tags[t] == e.payer {
                    isNew = false
                    break
                }
                if isNew {
                    tags[seenCount] = e.payer
                    seenCount += 1
                }
            }
        }
        result.distinctPayers = seenCount
        return result
    }

    /// Records a payment, dropping the oldest when the ring is full.
    @inline(__always)
    func push(_ slot: Int, time: Int64, amount: Int, payer: UInt32) {
        let p = slots.base + slot
        let n = Int(p.pointee.ringCount)
        let position: Int
        if n < width {
            position = n
            p.pointee.ringCount = UInt16(n + 1)
        } else {
            position = Int(p.pointee.ringHead)
            p.pointee.ringHead = UInt16(position + 1 == width ? 0 : position + 1)
        }
        events[slot * width + position] = Event(
            time: Self.compactTime(time), amount: UInt32(clamping: amount), payer: payer)
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

    /// An index with room for `expected` keys before it first grows (at least 16 entries; 1024 by default).
    init(expected: Int = 512) {
        var size = 16
        while size < expected * 2 { size *= 2 }
        entries = [Entry](repeating: Entry(key: 0, value: 0), count: size)
        mask = size - 1
    }

    @inline(__always)
    func find(_ key: UInt64) -> Int32? {
        entries.withUnsafeBufferPointer { entries in
            var i = Int(truncatingIfNeeded: key) & mask
            while true {
                let e = entries[i]
                if e.key == key { return e.value }
                if e.key == 0 { return nil }
                i = (i + 1) & mask
            }
        }
    }

    /// Inserts a key that is not present.
    mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 > entries.count { grow() }
        let mask = self.mask
        entries.withUnsafeMutableBufferPointer { entries in
            var i = Int(truncatingIfNeeded: key) & mask
            while entries[i].key != 0 { i = (i + 1) & mask }
            entries[i] = Entry(key: key, value: value)
        }
        count += 1
    }

    mutating func remove(_ key: UInt64) {
        let mask = self.mask
        let removed = entries.withUnsafeMutableBufferPointer { entries -> Bool in
            var i = Int(truncatingIfNeeded: key) & mask
            while true {
                if entries[i].key == 0 { return false }
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
            return true
        }
        if removed { count -= 1 }
    }

    private mutating func grow() {
        let old = entries
        entries = [Entry](repeating: Entry(key: 0, value: 0), count: old.count * 2)
        mask = entries.count - 1
        count = 0
        for e in old where e.key != 0 { insert(e.key, e.value) }
    }
}
