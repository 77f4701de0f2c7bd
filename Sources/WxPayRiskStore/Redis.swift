import CWxHiredis
import KitCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// libhiredis, loaded with `dlopen` the first time a Redis risk store connects: a function without
/// `WXPAY_RISK_STORE=redis://…` never loads it. Only the version the headers describe is loaded.
final class HiredisLibrary: @unchecked Sendable {
    typealias Connect = @convention(c) (UnsafePointer<CChar>?, Int32, timeval) -> UnsafeMutablePointer<redisContext>?
    typealias SetTimeout = @convention(c) (UnsafeMutablePointer<redisContext>?, timeval) -> Int32
    typealias Free = @convention(c) (UnsafeMutablePointer<redisContext>?) -> Void
    typealias AppendArgv = @convention(c) (UnsafeMutablePointer<redisContext>?, Int32,
                                           UnsafeMutablePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int>?) -> Int32
    typealias GetReply = @convention(c) (UnsafeMutablePointer<redisContext>?,
                                         UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32
    typealias FreeReply = @convention(c) (UnsafeMutableRawPointer?) -> Void

    let connect: Connect
    let setTimeout: SetTimeout
    let free: Free
    let appendArgv: AppendArgv
    let getReply: GetReply
    let freeReply: FreeReply

    static let shared: Result<HiredisLibrary, RiskStoreError> = {
        do throws(RiskStoreError) { return .success(try HiredisLibrary()) } catch { return .failure(error) }
    }()

    private init() throws(RiskStoreError) {
        let major = cwx_hiredis_major(), minor = cwx_hiredis_minor()
        let names = major == 0
            ? ["libhiredis.so.0.\(minor)"] : ["libhiredis.so.\(major).\(minor).0", "libhiredis.so.\(major).\(minor)"]
        var handle: UnsafeMutableRawPointer? = nil
        for name in names + ["libhiredis.\(major).\(minor).dylib"] {
            handle = dlopen(name, RTLD_LAZY | RTLD_LOCAL)
            if handle != nil { break }
        }
        guard let handle else {
            throw RiskStoreError(.unavailable, "libhiredis \(major).\(minor) is not installed (apt-get install libhiredis)")
        }
        func symbol<T>(_ name: String, as: T.Type) throws(RiskStoreError) -> T {
            guard let sym = dlsym(handle, name) else { throw RiskStoreError(.unavailable, "libhiredis lacks \(name)") }
            return unsafeBitCast(sym, to: T.self)
        }
        connect = try symbol("redisConnectWithTimeout", as: Connect.self)
        setTimeout = try symbol("redisSetTimeout", as: SetTimeout.self)
        free = try symbol("redisFree", as: Free.self)
        appendArgv = try symbol("redisAppendCommandArgv", as: AppendArgv.self)
        getReply = try symbol("redisGetReply", as: GetReply.self)
        freeReply = try symbol("freeReplyObject", as: FreeReply.self)
    }
}

/// One reply of Redis, copied out of hiredis's reply object.
public indirect enum RedisReply: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case array([RedisReply])
    case status(String)
    case error(String)
    case null
}

/// One Redis connection over hiredis, with every exchange bounded by a deadline (connect, send and each reply).
/// Not thread-safe (the store serializes its use).
public final class RedisConnection {
    private let lib: HiredisLibrary
    private var context: UnsafeMutablePointer<redisContext>?

    /// Connects to `host:port` within `deadline` (monotonic seconds).
    public init(host: String, port: Int, deadline: Double) throws(RiskStoreError) {
        lib = try HiredisLibrary.shared.get()
        let left = deadline - monotonicSeconds()
        guard left > 0 else { throw RiskStoreError(.timedOut, "no time left to connect to Redis") }
        guard let c = lib.connect(host, Int32(clamping: port), Self.interval(left)) else {
            throw RiskStoreError(.unavailable, "cannot allocate a Redis context")
        }
        context = c
        if cwx_redis_err(c) != 0 {
            let reason = String(cString: cwx_redis_errstr(c))
            throw RiskStoreError(reason.lowercased().contains("timed out") ? .timedOut : .unavailable,
                                 "cannot connect to Redis: \(reason)")
        }
    }

    deinit { if let context { lib.free(context) } }

    static func interval(_ seconds: Double) -> timeval {
        let s = max(seconds, 0.000_1)
        return timeval(tv_sec: Int(s), tv_usec: .init(Int((s - Double(Int(s))) * 1e6)))
    }

    /// Sends `commands` in one pipeline and reads their replies, all before `deadline`. An error reply is
    /// returned as ``RedisReply/error(_:)``; a transport failure or the deadline throws (the connection is then
    /// unusable).
    public func pipeline(_ commands: [[String]], deadline: Double) throws(RiskStoreError) -> [RedisReply] {
        guard let context else { throw RiskStoreError(.unavailable, "the Redis connection is closed") }
        for command in commands {
            var lengths = command.map { $0.utf8.count }
            var pointers = command.map { UnsafePointer<CChar>(strdup($0)) }
            defer { for p in pointers { free(UnsafeMutableRawPointer(mutating: p)) } }
            let rc = pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeMutableBufferPointer { lens in
                    lib.appendArgv(context, Int32(command.count), argv.baseAddress, lens.baseAddress)
                }
            }
            if rc != REDIS_OK { throw fail("cannot queue a Redis command") }
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            let left = deadline - monotonicSeconds()
            guard left > 0 else { throw close(RiskStoreError(.timedOut, "Redis did not answer within the deadline")) }
            _ = lib.setTimeout(context, Self.interval(left))
            var raw: UnsafeMutableRawPointer? = nil
            if lib.getReply(context, &raw) != REDIS_OK || raw == nil { throw fail("Redis") }
            let reply = Self.copy(raw!.assumingMemoryBound(to: redisReply.self))
            lib.freeReply(raw)
            replies.append(reply)
        }
        return replies
    }

    private func fail(_ what: String) -> RiskStoreError {
        guard let context else { return RiskStoreError(.unavailable, what) }
        let reason = cwx_redis_err(context) != 0 ? String(cString: cwx_redis_errstr(context)) : "no reply"
        let timedOut = reason.lowercased().contains("temporarily unavailable") || reason.lowercased().contains("timed out")
        return close(RiskStoreError(timedOut ? .timedOut : .unavailable,
                                    timedOut ? "Redis did not answer within the deadline" : "\(what): \(reason)"))
    }

    private func close(_ error: RiskStoreError) -> RiskStoreError {
        if let context { lib.free(context) }
        context = nil
        return error
    }

    static func copy(_ r: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let reply = r.pointee
        func text() -> String {
            guard let s = reply.str else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: s, count: reply.len), as: UTF8.self)
        }
        switch reply.type {
        case REDIS_REPLY_STRING: return .string(text())
        case REDIS_REPLY_STATUS: return .status(text())
        case REDIS_REPLY_ERROR: return .error(text())
        case REDIS_REPLY_INTEGER: return .integer(Int64(reply.integer))
        case REDIS_REPLY_ARRAY:
            var items: [RedisReply] = []
            for i in 0..<reply.elements { if let e = reply.element[i] { items.append(copy(e)) } }
            return .array(items)
        default: return .null
        }
    }
}
