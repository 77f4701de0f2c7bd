// The risk store: where payer, device and IP history outlives one process (docs/risk-store.md).

import KitCore

/// What went wrong with the risk store. Never an error of a notification: a failing store degrades scoring to
/// stateless with the reason `history_unavailable` (only an invalid `WXPAY_RISK_STORE` stops `risk-batch`).
public typealias RiskStoreError = CodedError<RiskStoreErrorCode>

/// The closed set of the store's failures.
public enum RiskStoreErrorCode: String, ErrorCode {
    /// `WXPAY_RISK_STORE` (or one of its companions) is not a valid setting.
    case invalid
    /// The library cannot be loaded, the server refuses the connection, a command fails.
    case unavailable
    /// The deadline passed (a slow or silent server, a database locked by another process).
    case timedOut
    /// The SQLite file is not a database, or is damaged.
    case corrupt
}

/// Which store, and its bounds: `WXPAY_RISK_STORE`, `WXPAY_RISK_STORE_TIMEOUT_MS`,
/// `WXPAY_RISK_STORE_RETENTION_S` and `WXPAY_RISK_STORE_MAX_ENTRIES`.
public struct RiskStoreConfig: Sendable, Equatable {
    /// The backend.
    public enum Backend: Sendable, Equatable {
        /// An SQLite file (WAL), shared by the processes of one machine.
        case sqlite(path: String)
        /// A Redis server, shared by a fleet.
        case redis(host: String, port: Int, db: Int)
    }

    public var backend: Backend
    /// Each store operation (one per transaction: lookups and updates together) ends by this many milliseconds.
    public var timeoutMs: Int
    /// History older than this (seconds, in transaction time) is deleted.
    public var retentionSeconds: Int
    /// At most this many events are kept per payer, device or IP (the newest).
    public var maxEntries: Int

    public static let environmentKey = "WXPAY_RISK_STORE"
    /// The code of an invalid setting (`risk-batch` exits 78 with it; `webhook` and `refund` log it and score
    /// without history).
    public static let invalidCode = "RISK_STORE_INVALID"
    public static let defaultTimeoutMs = 5
    public static let defaultRetentionSeconds = 30 * 86_400
    public static let defaultMaxEntries = 256

    public init(backend: Backend, timeoutMs: Int = defaultTimeoutMs, retentionSeconds: Int = defaultRetentionSeconds,
                maxEntries: Int = defaultMaxEntries)
    {
        self.backend = backend
        self.timeoutMs = timeoutMs
        self.retentionSeconds = retentionSeconds
        self.maxEntries = maxEntries
    }

    /// The setting in `environment`: nil when `WXPAY_RISK_STORE` is unset or empty (stateless scoring).
    public static func from(environment: [String: String]) throws(RiskStoreError) -> RiskStoreConfig? {
        guard let spec = environment[environmentKey], !spec.isEmpty else { return nil }
        var config = RiskStoreConfig(backend: try parse(spec))
        func number(_ key: String, _ range: ClosedRange<Int>) throws(RiskStoreError) -> Int? {
            guard let text = environment[key], !text.isEmpty else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw RiskStoreError(.invalid, "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
        config.timeoutMs = try number("WXPAY_RISK_STORE_TIMEOUT_MS", 1...10_000) ?? defaultTimeoutMs
        config.retentionSeconds = try number("WXPAY_RISK_STORE_RETENTION_S", 60...315_360_000) ?? defaultRetentionSeconds
        config.maxEntries = try number("WXPAY_RISK_STORE_MAX_ENTRIES", 65...100_000) ?? defaultMaxEntries
        return config
    }

    /// `sqlite:PATH` or `redis://HOST:PORT/DB` (port default 6379, db default 0).
    public static func parse(_ spec: String) throws(RiskStoreError) -> Backend {
        if spec.hasPrefix("sqlite:") {
            let path = String(spec.dropFirst("sqlite:".count))
            guard !path.isEmpty, !path.utf8.contains(0) else {
                throw RiskStoreError(.invalid, "WXPAY_RISK_STORE=sqlite:PATH needs a file path")
            }
            return .sqlite(path: path)
        }
        if spec.hasPrefix("redis://") {
            var rest = Substring(spec.dropFirst("redis://".count))
            var db = 0
            if let slash = rest.firstIndex(of: "/") {
                let dbText = rest[rest.index(after: slash)...]
                if !dbText.isEmpty {
                    guard let n = Int(dbText), (0...15).contains(n) else {
                        throw RiskStoreError(.invalid, "WXPAY_RISK_STORE: the Redis database must be 0 ... 15")
                    }
                    db = n
                }
                rest = rest[..<slash]
            }
            guard !rest.contains("@") else {
                throw RiskStoreError(.invalid, "WXPAY_RISK_STORE: Redis credentials in the URL are not supported")
            }
            var host = String(rest), port = 6379
            if let colon = rest.lastIndex(of: ":") {
                guard let p = Int(rest[rest.index(after: colon)...]), (1...65_535).contains(p) else {
                    throw RiskStoreError(.invalid, "WXPAY_RISK_STORE: the Redis port must be 1 ... 65535")
                }
                port = p
                host = String(rest[..<colon])
            }
            guard !host.isEmpty else { throw RiskStoreError(.invalid, "WXPAY_RISK_STORE: the Redis URL needs a host") }
            return .redis(host: host, port: port, db: db)
        }
        throw RiskStoreError(.invalid, "WXPAY_RISK_STORE must be sqlite:PATH or redis://HOST:PORT/DB")
    }

    /// The store named without secrets or paths beyond what the operator set (for reasons and logs).
    public var label: String {
        switch backend {
        case .sqlite(let path): return "sqlite:\(path)"
        case .redis(let host, let port, let db): return "redis://\(host):\(port)/\(db)"
        }
    }
}

/// One transaction as the store keeps it, under one key (payer, device or IP).
struct StoredEvent: Equatable {
    /// A digest of the transaction's own id (a retried notification is kept once).
    var id: String
    /// Unix seconds of the transaction.
    var time: Int64
    var amount: Int64
    var isRefund: Bool
    /// A digest of the payer (for distinct payers per device or IP).
    var payer: String
}

/// What one transaction does to the store: events to add under keys, and an order to link to its payer.
struct StoreWrite {
    /// (key, event) pairs; the history of each key is read back.
    var events: [(key: String, event: StoredEvent)]
    /// A payment links its order to the payer, so that a refund naming only the order finds the payer.
    var link: (order: String, payer: String, time: Int64)?
}

/// A store backend: one connection, used by one thread at a time, every call bounded by `deadline` (monotonic s).
protocol RiskStoreBackend: AnyObject {
    /// The payer digest an order was linked to, if any.
    func payer(ofOrder order: String, deadline: Double) throws(RiskStoreError) -> String?
    /// Adds the events (idempotent per key and id), applies retention, links the order, and returns each key's
    /// retained events (in `write.events` order), the new ones included.
    func apply(_ write: StoreWrite, deadline: Double) throws(RiskStoreError) -> [[StoredEvent]]
}
