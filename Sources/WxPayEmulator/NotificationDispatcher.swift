import KitCore
import Logging
import NIOPosix
import WxPayCore
import WxPayHTTP
import WxPaySandbox

/// Writes whole lines to stdout, one writer at a time (the `listening` line, printed notifications).
public actor LineOutput {
    public init() {}

    /// Writes `line` plus a newline to file descriptor 1.
    public func write(_ line: [UInt8]) {
        System.writeAll(fd: 1, line + [0x0A])
    }
}

/// Sends WeChat Pay notifications (`TRANSACTION.SUCCESS`, `REFUND.SUCCESS`) to `notify_url`: signed with the
/// platform key, the resource encrypted with the APIv3 key, retried on a non-2xx answer or a transport failure
/// after each delay of the back-off schedule (WeChat's is 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h).
/// Each retry is signed anew, so a late retry still carries a fresh timestamp.
public actor NotificationDispatcher {
    /// WeChat Pay's retry intervals in seconds.
    public static let wechatBackoff: [Double] = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800,
                                                 10800, 21600, 21600]

    /// How notifications leave the emulator.
    public struct Options: Sendable {
        /// Delays before each retry, in seconds.
        public var backoff: [Double]
        /// POST to `notify_url`.
        public var deliver: Bool
        /// Also print each notification as an HTTP envelope line on stdout.
        public var print: Bool
        /// Seconds allowed for one delivery attempt (WeChat waits about 5 s).
        public var attemptTimeout: Double

        public init(backoff: [Double] = NotificationDispatcher.wechatBackoff, deliver: Bool = true, print: Bool = false,
                    attemptTimeout: Double = 5)
        {
            self.backoff = backoff
            self.deliver = deliver
            self.print = print
            self.attemptTimeout = attemptTimeout
        }
    }

    /// One delivery attempt.
    public struct Attempt: Sendable {
        public var at: Int64
        public var status: Int?
        public var error: String?
        public var json: JSONValue {
            var o: [String: JSONValue] = ["at": .string(ChinaTime.format(unix: at))]
            if let status { o["status"] = .int(Int64(status)) }
            if let error { o["error"] = .string(error) }
            return .object(o)
        }
    }

    /// One notification and what became of it.
    public struct Record: Sendable {
        public var id: String
        public var eventType: String
        public var url: String
        public var reference: [String: JSONValue]
        public var resource: JSONValue
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        public var attempts: [Attempt] = []
        /// `pending`, `delivered`, `failed` (every retry used up), `printed` (delivery off), `cancelled` (reset).
        public var state: String

        public var json: JSONValue {
            var h: [String: JSONValue] = [:]
            for (n, v) in headers { h[n] = .string(v) }
            var o: [String: JSONValue] = [
                "id": .string(id), "event_type": .string(eventType), "notify_url": .string(url), "state": .string(state),
                "attempts": .array(attempts.map(\.json)), "resource": resource,
                "request": ["headers": .object(h), "body": .string(String(decoding: body, as: UTF8.self))],
            ]
            for (k, v) in reference { o[k] = v }
            return .object(o)
        }
    }

    /// Who signs now (the emulator's ``PlatformKeyring`` after a rotation).
    let signer: @Sendable () -> WeChatSide
    var side: WeChatSide { signer() }
    let options: Options
    let output: LineOutput
    let logger: Logger
    private var records: [Record] = []
    private var tasks: [Int: Task<Void, Never>] = [:]
    private var generation = 0

    /// A dispatcher signing as `side` (or, with `signer`, as whoever it names at each signature).
    public init(side: WeChatSide, options: Options, output: LineOutput, logger: Logger,
                signer: (@Sendable () -> WeChatSide)? = nil)
    {
        self.signer = signer ?? { side }
        self.options = options
        self.output = output
        self.logger = logger
    }

    /// Builds the notification, records it, prints it if asked, and starts delivery in the background.
    public func send(eventType: String, resource: JSONValue, to url: String, reference: [String: JSONValue]) async {
        let built: (headers: [(name: String, value: String)], body: [UInt8])
        do {
            built = try NotificationBuilder(side: side).notification(eventType: eventType, resource: resource)
        } catch {
            logger.error("cannot build a notification", metadata: ["event_type": "\(eventType)", "error": "\(error)"])
            return
        }
        var headers = built.headers
        // WeChat sends the signature type; some SDKs (the Python one) refuse a notification without it.
        if !headers.contains(where: { $0.name.lowercased() == "wechatpay-signature-type" }) {
            headers.append(("Wechatpay-Signature-Type", SignatureVerifier.supportedType))
        }
        let id = (try? JSONCoding.value(from: built.body))?["id"]?.stringValue ?? ""
        let index = records.count
        records.append(Record(id: id, eventType: eventType, url: url, reference: reference, resource: resource,
                              headers: headers, body: built.body, state: options.deliver ? "pending" : "printed"))
        if options.print, let line = try? JSONCoding.encode(NotificationBuilder.envelope(headers: headers,
                                                                                          body: built.body)) {
            await output.write(line)
        }
        guard options.deliver else { return }
        let gen = generation
        tasks[index] = Task { await self.deliver(index: index, generation: gen) }
    }

    /// Every notification so far, oldest first.
    public func all() -> [Record] { records }

    /// Cancels pending deliveries and forgets every record.
    public func reset() {
        for task in tasks.values { task.cancel() }
        tasks = [:]
        records = []
        generation += 1
    }

    /// Waits for every started delivery loop (tests, shutdown).
    public func drain() async {
        for task in tasks.values { await task.value }
    }

    private func deliver(index: Int, generation gen: Int) async {
        defer { if generation == gen { tasks[index] = nil } }
        for attempt in 0...options.backoff.count {
            if attempt > 0 {
                let delay = options.backoff[attempt - 1]
                do { try await Task.sleep(nanoseconds: UInt64(max(0, delay) * 1_000_000_000)) } catch {
                    return  // cancelled by reset
                }
            }
            guard generation == gen else { return }
            var record = records[index]
            let headers: [(name: String, value: String)]
            if attempt == 0 {
                headers = record.headers
            } else {
                headers = (try? resign(record.headers, body: record.body)) ?? record.headers
            }
            let request = HTTPRequest(method: "POST", url: record.url, headers: headers, body: record.body,
                                      connectTimeout: min(2, options.attemptTimeout),
                                      totalTimeout: options.attemptTimeout)
            let result: Result<HTTPResponse, HTTPError>
            do {
                result = try await NIOThreadPool.singleton.runIfActive { () -> Result<HTTPResponse, HTTPError> in
                    do throws(HTTPError) { return .success(try HTTPClient.send(request)) } catch { return .failure(error) }
                }
            } catch {
                result = .failure(HTTPError(.transportUnavailable, "the delivery thread pool is not running"))
            }
            guard generation == gen else { return }
            record = records[index]
            let now = System.unixTime()
            switch result {
            case .success(let response):
                record.attempts.append(Attempt(at: now, status: response.status))
                if (200..<300).contains(response.status) { record.state = "delivered" }
            case .failure(let error):
                record.attempts.append(Attempt(at: now, error: error.description))
            }
            let done = record.state == "delivered"
            if !done && attempt == options.backoff.count { record.state = "failed" }
            records[index] = record
            logger.info("notification attempt", metadata: [
                "event_type": "\(record.eventType)", "notification_id": "\(record.id)", "attempt": "\(attempt + 1)",
                "outcome": "\(record.attempts.last.map { $0.status.map(String.init) ?? $0.error ?? "" } ?? "")",
            ])
            if done { return }
        }
    }

    private func resign(_ headers: [(name: String, value: String)], body: [UInt8]) throws -> [(name: String, value: String)] {
        try NotificationDispatcher.resign(headers, body: body, side: side)
    }

    /// `headers` with the signature headers of `side` made anew over `body` (a fresh timestamp) and a new
    /// `Request-ID`: what a retry of the same notification carries.
    static func resign(_ headers: [(name: String, value: String)], body: [UInt8], side: WeChatSide) throws
        -> [(name: String, value: String)]
    {
        let fresh = try side.signedHeaders(body: body, timestamp: System.unixTime())
        let signedNames = Set(fresh.map { $0.name.lowercased() })
        var result = headers.filter { !signedNames.contains($0.name.lowercased()) && $0.name.lowercased() != "request-id" }
        result += fresh
        result.append(("Request-ID", UUIDText.random()))
        return result
    }
}
