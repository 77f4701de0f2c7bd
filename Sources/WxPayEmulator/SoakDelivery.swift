import KitCore
import NIOPosix
import WxPayCore
import WxPayHTTP
import WxPaySandbox

/// The soak of the fault campaigns (`POST /_emulator/soak`): many orders placed and paid inside the emulator, and
/// their `TRANSACTION.SUCCESS` notifications delivered the way WeChat Pay delivers them when answers are slow or
/// lost: each notification 1 to `maxCopies` times (the same notification id and body, signed anew each time), all
/// deliveries shuffled (out of order), `concurrency` at a time. A delivery that is not acknowledged (non-2xx or a
/// transport failure) is retried, up to `maxAttempts` times, as WeChat retries.
public struct SoakPlan: Sendable {
    /// Orders to place and pay.
    public var count: Int
    /// Each notification is delivered between `minCopies` and `maxCopies` times (each one acknowledged or retried).
    public var minCopies: Int
    public var maxCopies: Int
    /// Deliveries in flight at once.
    public var concurrency: Int
    /// Attempts per delivery before it counts as failed.
    public var maxAttempts: Int
    /// Where the notifications go.
    public var notifyURL: String
    /// Seed of the copies and the order (the same seed, the same schedule).
    public var seed: UInt64

    /// Reads `{"notify_url", "count"?, "min_copies"?, "max_copies"?, "concurrency"?, "max_attempts"?, "seed"?}`.
    /// - Throws: a 400 `PARAM_ERROR` naming the bad field.
    public init(json: JSONValue) throws(WeChatAPIError) {
        guard let url = json["notify_url"]?.stringValue else { throw .paramError("notify_url", "is required") }
        try NotifyURLRule.check(url, field: "notify_url")
        notifyURL = url
        count = try SoakPlan.int(json, "count", 1...100_000, default: 1000)
        minCopies = try SoakPlan.int(json, "min_copies", 1...10, default: 1)
        maxCopies = try SoakPlan.int(json, "max_copies", minCopies...10, default: 3)
        concurrency = try SoakPlan.int(json, "concurrency", 1...256, default: 32)
        maxAttempts = try SoakPlan.int(json, "max_attempts", 1...50, default: 8)
        seed = UInt64(try SoakPlan.int(json, "seed", 0...Int(Int32.max), default: 1))
    }

    private static func int(_ json: JSONValue, _ field: String, _ range: ClosedRange<Int>, default value: Int)
        throws(WeChatAPIError) -> Int
    {
        guard let raw = json[field] else { return value }
        guard let v = raw.intValue, v >= Int64(range.lowerBound), v <= Int64(range.upperBound) else {
            throw .paramError(field, "must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return Int(v)
    }
}

/// A small seeded generator (SplitMix64): the soak's schedule is reproducible from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs a ``SoakPlan`` against the emulator's ledger and signing side.
struct SoakDelivery {
    let emulator: Emulator

    /// One notification of the soak.
    struct Note {
        var outTradeNo: String
        var transactionID: String
        var id: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]
        var copies: Int
    }

    /// Places and pays `plan.count` orders, delivers their notifications, and reports
    /// `{"orders": [{"out_trade_no", "transaction_id", "notification_id", "copies"}], "deliveries", "acknowledged",
    /// "attempts", "failed", "ms"}`.
    func run(_ plan: SoakPlan) async throws(WeChatAPIError) -> JSONValue {
        let started = Deadline.now()
        var rng = SplitMix64(state: plan.seed)
        let side = emulator.side
        let run = String(plan.seed, radix: 36) + String(UInt32(truncatingIfNeeded: rng.next()), radix: 36)
        var notes: [Note] = []
        notes.reserveCapacity(plan.count)
        for i in 0..<plan.count {
            let no = "SOAK\(run)N\(i)"
            let body: JSONValue = [
                "appid": .string(side.appid), "mchid": .string(side.mchid), "description": "soak order",
                "out_trade_no": .string(no), "notify_url": .string(plan.notifyURL),
                "amount": ["total": .int(Int64(100 + i % 9_900)), "currency": "CNY"],
                "payer": ["openid": .string("oSoak\(i % 997)")],
            ]
            _ = try await emulator.ledger.prepay(body: body, tradeType: .jsapi)
            guard let paid = try await emulator.ledger.pay(outTradeNo: no, openid: nil),
                  let transactionID = paid.transactionID
            else { throw WeChatAPIError(status: 500, code: "SYSTEM_ERROR", message: "soak order \(no) was not paid") }
            let resource = NotificationBuilder(side: side).transaction(
                outTradeNo: no, amount: paid.request.total, openid: paid.payerOpenID ?? "", attach: nil,
                tradeType: paid.request.tradeType.wechatName, transactionID: transactionID,
                successTime: paid.successTime ?? System.unixTime())
            let built: (headers: [(name: String, value: String)], body: [UInt8])
            do { built = try NotificationBuilder(side: side).notification(eventType: "TRANSACTION.SUCCESS",
                                                                             resource: resource) } catch {
                throw WeChatAPIError(status: 500, code: "SYSTEM_ERROR", message: "cannot build a soak notification")
            }
            let id = (try? JSONCoding.value(from: built.body))?["id"]?.stringValue ?? ""
            let copies = plan.minCopies + Int(rng.next() % UInt64(plan.maxCopies - plan.minCopies + 1))
            notes.append(Note(outTradeNo: no, transactionID: transactionID, id: id, headers: built.headers,
                              body: built.body, copies: copies))
        }
        var schedule: [Int] = []
        for (index, note) in notes.enumerated() { schedule += Array(repeating: index, count: note.copies) }
        schedule.shuffle(using: &rng)

        let pool = NIOThreadPool(numberOfThreads: plan.concurrency)
        pool.start()
        let queue = SoakQueue(schedule)
        let frozen = notes
        let tally = await withTaskGroup(of: SoakTally.self) { group in
            for _ in 0..<plan.concurrency {
                group.addTask {
                    var tally = SoakTally()
                    while let index = await queue.next() {
                        tally.deliveries += 1
                        var acknowledged = false
                        for attempt in 0..<plan.maxAttempts {
                            if attempt > 0 { try? await Task.sleep(nanoseconds: UInt64(20_000_000 * attempt)) }
                            tally.attempts += 1
                            if await deliver(frozen[index], to: plan.notifyURL, pool: pool) {
                                acknowledged = true
                                break
                            }
                        }
                        if acknowledged { tally.acknowledged += 1 } else { tally.failed += 1 }
                    }
                    return tally
                }
            }
            var total = SoakTally()
            for await t in group { total.add(t) }
            return total
        }
        try? await pool.shutdownGracefully()
        let orders: [JSONValue] = notes.map {
            ["out_trade_no": .string($0.outTradeNo), "transaction_id": .string($0.transactionID),
             "notification_id": .string($0.id), "copies": .int(Int64($0.copies))]
        }
        return [
            "orders": .array(orders), "deliveries": .int(Int64(tally.deliveries)),
            "acknowledged": .int(Int64(tally.acknowledged)), "attempts": .int(Int64(tally.attempts)),
            "failed": .int(Int64(tally.failed)), "ms": .int(Int64((Deadline.now() - started) * 1000)),
        ]
    }

    /// One attempt: the notification signed now and POSTed; `true` on a 2xx answer.
    private func deliver(_ note: Note, to url: String, pool: NIOThreadPool) async -> Bool {
        guard var headers = try? NotificationDispatcher.resign(note.headers, body: note.body, side: emulator.side) else {
            return false
        }
        if !headers.contains(where: { $0.name.lowercased() == "wechatpay-signature-type" }) {
            headers.append(("Wechatpay-Signature-Type", SignatureVerifier.supportedType))
        }
        let request = HTTPRequest(method: "POST", url: url, headers: headers, body: note.body, connectTimeout: 2,
                                  totalTimeout: 5)
        let status = try? await pool.runIfActive { () -> Int? in
            do throws(HTTPError) { return try HTTPClient.send(request).status } catch { return nil }
        }
        guard let status = status ?? nil else { return false }
        return (200..<300).contains(status)
    }
}

/// The shuffled deliveries, handed out one at a time to the soak's workers.
actor SoakQueue {
    private var items: [Int]
    private var position = 0
    init(_ items: [Int]) { self.items = items }
    func next() -> Int? {
        guard position < items.count else { return nil }
        defer { position += 1 }
        return items[position]
    }
}

/// What the soak's workers counted.
struct SoakTally: Sendable {
    var deliveries = 0
    var acknowledged = 0
    var attempts = 0
    var failed = 0
    mutating func add(_ other: SoakTally) {
        deliveries += other.deliveries
        acknowledged += other.acknowledged
        attempts += other.attempts
        failed += other.failed
    }
}
