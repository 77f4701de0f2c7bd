// The Redis backend: one sorted set per payer, device and IP (score = transaction time, member = the event), one
// string per order. Each operation is one pipeline (one round trip; two for a refund that names only its order).

import KitCore

final class RedisRiskStore: RiskStoreBackend {
    private let connection: RedisConnection
    private let retentionSeconds: Int64
    private let maxEntries: Int

    static let prefix = "wxpay:risk:"

    init(host: String, port: Int, db: Int, config: RiskStoreConfig, deadline: Double) throws(RiskStoreError) {
        connection = try RedisConnection(host: host, port: port, deadline: deadline)
        retentionSeconds = Int64(config.retentionSeconds)
        maxEntries = config.maxEntries
        if db != 0 {
            let reply = try connection.pipeline([["SELECT", String(db)]], deadline: deadline)
            if case .error(let message) = reply.first { throw RiskStoreError(.unavailable, "Redis SELECT: \(message)") }
        }
    }

    func payer(ofOrder order: String, deadline: Double) throws(RiskStoreError) -> String? {
        let replies = try connection.pipeline([["GET", Self.prefix + "o:" + order]], deadline: deadline)
        switch replies.first {
        case .string(let payer)?: return payer
        case .error(let message)?: throw RiskStoreError(.unavailable, "Redis: \(message)")
        default: return nil
        }
    }

    func apply(_ write: StoreWrite, deadline: Double) throws(RiskStoreError) -> [[StoredEvent]] {
        let latest = write.events.map(\.event.time).max() ?? write.link?.time ?? 0
        let cutoff = latest - retentionSeconds
        let ttl = String(retentionSeconds)
        var commands: [[String]] = []
        for (key, e) in write.events {
            let k = Self.prefix + key
            let member = "\(e.id) \(e.isRefund ? "r" : "p") \(e.amount) \(e.payer)"
            commands.append(["ZADD", k, String(e.time), member])
            commands.append(["ZREMRANGEBYSCORE", k, "-inf", "(\(cutoff)"])
            commands.append(["ZREMRANGEBYRANK", k, "0", String(-(maxEntries + 1))])
            commands.append(["EXPIRE", k, ttl])
            commands.append(["ZRANGE", k, "0", "-1", "WITHSCORES"])
        }
        if let l = write.link { commands.append(["SET", Self.prefix + "o:" + l.order, l.payer, "EX", ttl]) }
        let replies = try connection.pipeline(commands, deadline: deadline)
        for reply in replies {
            if case .error(let message) = reply { throw RiskStoreError(.unavailable, "Redis: \(message)") }
        }
        var histories: [[StoredEvent]] = []
        for i in write.events.indices {
            guard case .array(let items) = replies[i * 5 + 4] else {
                throw RiskStoreError(.corrupt, "Redis answered ZRANGE with something else than an array")
            }
            var history: [StoredEvent] = []
            var j = 0
            while j + 1 < items.count {
                if case .string(let member) = items[j], case .string(let score) = items[j + 1],
                    let event = Self.event(member, time: score)
                {
                    history.append(event)
                }
                j += 2
            }
            histories.append(history)
        }
        return histories
    }

    static func event(_ member: String, time: String) -> StoredEvent? {
        let parts = member.split(separator: " ")
        guard parts.count == 4, let amount = Int64(parts[2]), let t = Int64(time) ?? Double(time).map({ Int64($0) })
        else { return nil }
        return StoredEvent(id: String(parts[0]), time: t, amount: amount, isRefund: parts[1] == "r",
                           payer: String(parts[3]))
    }
}
