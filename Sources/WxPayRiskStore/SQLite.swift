import CWxSQLite
import KitCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// libsqlite3, loaded with `dlopen` the first time a SQLite risk store is opened: a function without
/// `WXPAY_RISK_STORE=sqlite:…` never loads it.
final class SQLiteLibrary: @unchecked Sendable {
    typealias Open = @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<OpaquePointer?>?, Int32,
                                     UnsafePointer<CChar>?) -> Int32
    typealias Close = @convention(c) (OpaquePointer?) -> Int32
    typealias Prepare = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32,
                                        UnsafeMutablePointer<OpaquePointer?>?,
                                        UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32
    typealias StatementCall = @convention(c) (OpaquePointer?) -> Int32
    typealias BindInt64 = @convention(c) (OpaquePointer?, Int32, Int64) -> Int32
    typealias BindText = @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, Int32,
                                         sqlite3_destructor_type?) -> Int32
    typealias ColumnInt64 = @convention(c) (OpaquePointer?, Int32) -> Int64
    typealias ColumnText = @convention(c) (OpaquePointer?, Int32) -> UnsafePointer<UInt8>?
    typealias ColumnBytes = @convention(c) (OpaquePointer?, Int32) -> Int32
    typealias ErrorMessage = @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    typealias BusyCallback = @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32
    typealias BusyHandler = @convention(c) (OpaquePointer?, BusyCallback?, UnsafeMutableRawPointer?) -> Int32
    typealias ProgressCallback = @convention(c) (UnsafeMutableRawPointer?) -> Int32
    typealias ProgressHandler = @convention(c) (OpaquePointer?, Int32, ProgressCallback?, UnsafeMutableRawPointer?)
        -> Void
    typealias WALCallback = @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32)
        -> Int32
    typealias WALHook = @convention(c) (OpaquePointer?, WALCallback?, UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?
    typealias WALCheckpoint = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32, UnsafeMutablePointer<Int32>?,
                                              UnsafeMutablePointer<Int32>?) -> Int32

    let open: Open
    let close: Close
    let prepare: Prepare
    let step: StatementCall
    let reset: StatementCall
    let finalize: StatementCall
    let bindInt64: BindInt64
    let bindText: BindText
    let columnInt64: ColumnInt64
    let columnText: ColumnText
    let columnBytes: ColumnBytes
    let errorMessage: ErrorMessage
    let busyHandler: BusyHandler
    let progressHandler: ProgressHandler
    let walHook: WALHook
    let walCheckpoint: WALCheckpoint

    /// The process-wide library, loaded once (Swift globals initialise once, thread-safely).
    static let shared: Result<SQLiteLibrary, RiskStoreError> = {
        do throws(RiskStoreError) { return .success(try SQLiteLibrary()) } catch { return .failure(error) }
    }()

    private init() throws(RiskStoreError) {
        var handle: UnsafeMutableRawPointer? = nil
        for name in ["libsqlite3.so.0", "libsqlite3.so", "libsqlite3.dylib"] {
            handle = dlopen(name, Self.openFlags)
            if handle != nil { break }
        }
        guard let handle else {
            throw RiskStoreError(.unavailable, "libsqlite3 is not installed (apt-get install libsqlite3-0)")
        }
        func symbol<T>(_ name: String, as: T.Type) throws(RiskStoreError) -> T {
            guard let sym = dlsym(handle, name) else { throw RiskStoreError(.unavailable, "libsqlite3 lacks \(name)") }
            return unsafeBitCast(sym, to: T.self)
        }
        open = try symbol("sqlite3_open_v2", as: Open.self)
        close = try symbol("sqlite3_close_v2", as: Close.self)
        prepare = try symbol("sqlite3_prepare_v2", as: Prepare.self)
        step = try symbol("sqlite3_step", as: StatementCall.self)
        reset = try symbol("sqlite3_reset", as: StatementCall.self)
        finalize = try symbol("sqlite3_finalize", as: StatementCall.self)
        bindInt64 = try symbol("sqlite3_bind_int64", as: BindInt64.self)
        bindText = try symbol("sqlite3_bind_text", as: BindText.self)
        columnInt64 = try symbol("sqlite3_column_int64", as: ColumnInt64.self)
        columnText = try symbol("sqlite3_column_text", as: ColumnText.self)
        columnBytes = try symbol("sqlite3_column_bytes", as: ColumnBytes.self)
        errorMessage = try symbol("sqlite3_errmsg", as: ErrorMessage.self)
        busyHandler = try symbol("sqlite3_busy_handler", as: BusyHandler.self)
        progressHandler = try symbol("sqlite3_progress_handler", as: ProgressHandler.self)
        walHook = try symbol("sqlite3_wal_hook", as: WALHook.self)
        walCheckpoint = try symbol("sqlite3_wal_checkpoint_v2", as: WALCheckpoint.self)
    }

    /// `dlopen` flags. Debian links libsqlite3 `BIND_NOW` and its internal calls go through ~1,600 symbol
    /// relocations, every one bound while loading; searched in the process's global scope first (the executable,
    /// libcrypto, libstdc++ ...) they cost ~1.6 M instructions, about half of what the store adds to a `webhook`
    /// process. `RTLD_DEEPBIND` puts the library's own scope (itself, libm, libc) first, where each is found at once.
    /// Not under a sanitizer (any of them exports `__sanitizer_set_report_path`), whose runtime must interpose
    /// malloc for every library and refuses deep binding.
    static var openFlags: Int32 {
        #if os(Linux)
        if dlsym(nil, "__sanitizer_set_report_path") == nil {
            return RTLD_LAZY | RTLD_LOCAL | RTLD_DEEPBIND
        }
        #endif
        return RTLD_LAZY | RTLD_LOCAL
    }
}

/// One SQLite connection, bounded by a deadline: while the database is locked by another connection it retries
/// every 100 µs until the deadline (then `SQLITE_BUSY`), and a statement still running at the deadline is
/// interrupted. Not thread-safe (the store serializes its use).
public final class SQLiteDatabase {
    let lib: SQLiteLibrary
    private var db: OpaquePointer?
    /// Monotonic seconds after which waiting and running stop.
    public var deadline: Double = .greatestFiniteMagnitude
    /// Frames in the write-ahead log after this connection's last commit (SQLite's automatic checkpoints are off:
    /// the owner checkpoints, see ``checkpoint(truncating:)``).
    public private(set) var walFrames: Int32 = 0

    /// Opens (creating if needed) the database file at `path`.
    public init(path: String) throws(RiskStoreError) {
        lib = try SQLiteLibrary.shared.get()
        var handle: OpaquePointer? = nil
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = lib.open(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.flatMap { lib.errorMessage($0) }.map { String(cString: $0) } ?? "code \(rc)"
            _ = lib.close(handle)
            throw RiskStoreError(.unavailable, "cannot open the SQLite file: \(message)")
        }
        db = handle
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = lib.busyHandler(handle, { context, _ in
            guard let context else { return 0 }
            let database = Unmanaged<SQLiteDatabase>.fromOpaque(context).takeUnretainedValue()
            let left = database.deadline - monotonicSeconds()
            if left <= 0 { return 0 }
            var ts = timespec(tv_sec: 0, tv_nsec: Int(min(left, 0.0001) * 1e9))
            nanosleep(&ts, nil)
            return 1
        }, context)
        _ = lib.progressHandler(handle, 1000, { context in
            guard let context else { return 0 }
            let database = Unmanaged<SQLiteDatabase>.fromOpaque(context).takeUnretainedValue()
            return monotonicSeconds() > database.deadline ? 1 : 0
        }, context)
        _ = lib.walHook(handle, { context, _, _, frames in
            guard let context else { return 0 }
            Unmanaged<SQLiteDatabase>.fromOpaque(context).takeUnretainedValue().walFrames = frames
            return 0
        }, context)
    }

    deinit { _ = lib.close(db) }

    /// Copies the write-ahead log into the database file without waiting for any other connection (whatever the
    /// deadline). `truncating`: and empties the log file, which only succeeds when no other connection is reading
    /// it. Returns whether the whole log was copied (and, if asked, emptied); on `false` a later call tries again.
    @discardableResult
    public func checkpoint(truncating: Bool) -> Bool {
        let saved = deadline
        deadline = 0
        defer { deadline = saved }
        var log: Int32 = -1
        var copied: Int32 = -1
        let mode = truncating ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE
        let rc = lib.walCheckpoint(db, "main", mode, &log, &copied)
        if rc == SQLITE_OK && log == copied { walFrames = log < 0 ? 0 : log }
        return rc == SQLITE_OK && log == copied
    }

    /// Runs one or more statements that return no rows of interest.
    public func execute(_ sql: String) throws(RiskStoreError) {
        let statement = try prepare(sql)
        while try statement.step() {}
    }

    /// Prepares one statement.
    public func prepare(_ sql: String) throws(RiskStoreError) -> SQLiteStatement {
        var handle: OpaquePointer? = nil
        let rc = lib.prepare(db, sql, -1, &handle, nil)
        guard rc == SQLITE_OK, let handle else { throw failure(rc) }
        return SQLiteStatement(self, handle)
    }

    /// The error for result code `rc`, with SQLite's message.
    func failure(_ rc: Int32) -> RiskStoreError {
        let message = lib.errorMessage(db).map { String(cString: $0) } ?? "code \(rc)"
        switch rc & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED: return RiskStoreError(.timedOut, "the SQLite database is locked: \(message)")
        case SQLITE_INTERRUPT: return RiskStoreError(.timedOut, "the SQLite statement ran past the deadline")
        case SQLITE_CORRUPT, SQLITE_NOTADB: return RiskStoreError(.corrupt, "the SQLite file is unusable: \(message)")
        default: return RiskStoreError(.unavailable, "SQLite: \(message)")
        }
    }
}

/// A prepared statement of a ``SQLiteDatabase``.
public final class SQLiteStatement {
    private let database: SQLiteDatabase
    private let handle: OpaquePointer

    init(_ database: SQLiteDatabase, _ handle: OpaquePointer) {
        self.database = database
        self.handle = handle
    }

    deinit { _ = database.lib.finalize(handle) }

    /// Binds a 1-based parameter.
    public func bind(_ index: Int32, _ value: Int64) { _ = database.lib.bindInt64(handle, index, value) }

    /// Binds a 1-based parameter (the text is copied).
    public func bind(_ index: Int32, _ value: String) {
        _ = database.lib.bindText(handle, index, value, -1, cwx_sqlite_transient())
    }

    /// Steps once: true while a row is available.
    public func step() throws(RiskStoreError) -> Bool {
        let rc = database.lib.step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        let error = database.failure(rc)
        _ = database.lib.reset(handle)
        throw error
    }

    /// Makes the statement ready to run again (bindings kept).
    public func reset() { _ = database.lib.reset(handle) }

    /// Column `i` of the current row as an integer.
    public func int64(_ i: Int32) -> Int64 { database.lib.columnInt64(handle, i) }

    /// Column `i` of the current row as text.
    public func text(_ i: Int32) -> String {
        guard let p = database.lib.columnText(handle, i) else { return "" }
        let n = Int(database.lib.columnBytes(handle, i))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
}

/// Monotonic seconds.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
