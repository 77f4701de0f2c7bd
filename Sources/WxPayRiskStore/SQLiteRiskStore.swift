// The SQLite backend: one file per machine, WAL, shared by many processes. Each operation is one short
// `BEGIN IMMEDIATE` transaction; a lock held elsewhere is waited for until the deadline, never longer.

import KitCore

final class SQLiteRiskStore: RiskStoreBackend {
    private let database: SQLiteDatabase
    private let retentionSeconds: Int64
    private let maxEntries: Int64
    private let insert: SQLiteStatement
    private let trim: SQLiteStatement
    private let select: SQLiteStatement
    private let expire: SQLiteStatement
    private let link: SQLiteStatement
    private let expireOrders: SQLiteStatement
    private let lookUp: SQLiteStatement

    static let schemaVersion: Int64 = 1

    /// The write-ahead log is copied into the database file and emptied once a commit leaves this many pages in it.
    /// A function process is usually the file's only connection, and the first connection of a process rebuilds the
    /// log's index (kept in shared memory only while some connection is open) by reading every frame. SQLite's own
    /// checkpoints (every 1,000 pages) copy the log but leave it to the next writer *of the same index* to start it
    /// over; a fresh process rebuilds the index from the file and finds every frame valid again, so under one process
    /// per notification the log was never restarted: it grew without bound, and so did the time every notification
    /// spent reading it (~3.5 ms at 4 MB). Emptying it (`TRUNCATE`) at 64 pages (256 KB) bounds that read.
    static let walPages: Int32 = 64
    /// After this many writes on one connection the process is a warm one (`risk-batch`, a server, a warm Lambda):
    /// its open connection keeps the index in shared memory, so SQLite's passive checkpoint at 1,000 pages is enough
    /// and a long stream does not pay a truncating checkpoint every ~15 writes.
    static let warmAfterWrites = 32
    static let warmWALPages: Int32 = 1000
    private var writes = 0

    init(path: String, config: RiskStoreConfig, deadline: Double) throws(RiskStoreError) {
        database = try SQLiteDatabase(path: path)
        database.deadline = deadline
        retentionSeconds = Int64(config.retentionSeconds)
        maxEntries = Int64(config.maxEntries)
        let version = try database.prepare("PRAGMA user_version")
        let current = try version.step() ? version.int64(0) : 0
        version.reset()
        if current != Self.schemaVersion {
            // Once per file: WAL (persistent), then the schema. Concurrent creators are serialized by the write lock.
            let mode = try database.prepare("PRAGMA journal_mode=WAL")
            while try mode.step() {}
            try database.execute("BEGIN IMMEDIATE")
            do throws(RiskStoreError) {
                try database.execute("""
                    CREATE TABLE IF NOT EXISTS risk_event(k TEXT NOT NULL, id TEXT NOT NULL, t INTEGER NOT NULL,
                      amount INTEGER NOT NULL, refund INTEGER NOT NULL, payer TEXT NOT NULL, PRIMARY KEY(k, id))
                      WITHOUT ROWID
                    """)
                try database.execute("CREATE INDEX IF NOT EXISTS risk_event_kt ON risk_event(k, t)")
                try database.execute("CREATE INDEX IF NOT EXISTS risk_event_t ON risk_event(t)")
                try database.execute("""
                    CREATE TABLE IF NOT EXISTS risk_order(o TEXT PRIMARY KEY, payer TEXT NOT NULL, t INTEGER NOT NULL)
                      WITHOUT ROWID
                    """)
                try database.execute("CREATE INDEX IF NOT EXISTS risk_order_t ON risk_order(t)")
                try database.execute("PRAGMA user_version=\(Self.schemaVersion)")
                try database.execute("COMMIT")
            } catch {
                try? database.execute("ROLLBACK")
                throw error
            }
        }
        try database.execute("PRAGMA synchronous=NORMAL")
        insert = try database.prepare("INSERT OR IGNORE INTO risk_event(k, id, t, amount, refund, payer) VALUES(?1, ?2, ?3, ?4, ?5, ?6)")
        trim = try database.prepare("""
            DELETE FROM risk_event WHERE k = ?1 AND id IN
              (SELECT id FROM risk_event WHERE k = ?1 ORDER BY t DESC, id DESC LIMIT -1 OFFSET ?2)
            """)
        select = try database.prepare("SELECT id, t, amount, refund, payer FROM risk_event WHERE k = ?1 ORDER BY t")
        expire = try database.prepare("DELETE FROM risk_event WHERE t < ?1")
        link = try database.prepare("INSERT OR REPLACE INTO risk_order(o, payer, t) VALUES(?1, ?2, ?3)")
        expireOrders = try database.prepare("DELETE FROM risk_order WHERE t < ?1")
        lookUp = try database.prepare("SELECT payer FROM risk_order WHERE o = ?1")
    }

    func payer(ofOrder order: String, deadline: Double) throws(RiskStoreError) -> String? {
        database.deadline = deadline
        lookUp.bind(1, order)
        defer { lookUp.reset() }
        return try lookUp.step() ? lookUp.text(0) : nil
    }

    func apply(_ write: StoreWrite, deadline: Double) throws(RiskStoreError) -> [[StoredEvent]] {
        database.deadline = deadline
        try database.execute("BEGIN IMMEDIATE")
        do throws(RiskStoreError) {
            let latest = write.events.map(\.event.time).max() ?? write.link?.time ?? 0
            let cutoff = latest - retentionSeconds
            expire.bind(1, cutoff)
            defer { expire.reset() }
            while try expire.step() {}
            var histories: [[StoredEvent]] = []
            for (key, event) in write.events {
                insert.bind(1, key)
                insert.bind(2, event.id)
                insert.bind(3, event.time)
                insert.bind(4, event.amount)
                insert.bind(5, event.isRefund ? 1 : 0)
                insert.bind(6, event.payer)
                defer { insert.reset() }
                while try insert.step() {}
                trim.bind(1, key)
                trim.bind(2, maxEntries)
                defer { trim.reset() }
                while try trim.step() {}
                select.bind(1, key)
                defer { select.reset() }
                var history: [StoredEvent] = []
                while try select.step() {
                    history.append(StoredEvent(id: select.text(0), time: select.int64(1), amount: select.int64(2),
                                               isRefund: select.int64(3) != 0, payer: select.text(4)))
                }
                histories.append(history)
            }
            if let l = write.link {
                link.bind(1, l.order)
                link.bind(2, l.payer)
                link.bind(3, l.time)
                defer { link.reset() }
                while try link.step() {}
                expireOrders.bind(1, cutoff)
                defer { expireOrders.reset() }
                while try expireOrders.step() {}
            }
            try database.execute("COMMIT")
            writes += 1
            let warm = writes > Self.warmAfterWrites
            if database.walFrames >= (warm ? Self.warmWALPages : Self.walPages) {
                // Never waits: if another process is reading the log, a later write tries again.
                database.checkpoint(truncating: !warm)
            }
            return histories
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }
}
