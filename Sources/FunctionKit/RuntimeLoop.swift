import KitCore
import Logging
import WxPayHTTP

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Ends the process with `status` after flushing nothing (all output is written with `write(2)`).
public func terminate(_ status: Int32) -> Never { exit(status) }

// MARK: - Wire types (shared by every custom-runtime API)

/// One invocation as a runtime API's `GET …/runtime/invocation/next` hands it over.
public struct RuntimeInvocation: Sendable, Equatable {
    /// The platform's request id (Lambda's `Lambda-Runtime-Aws-Request-Id`, SCF's `request_id`).
    public let requestID: String
    /// When the platform ends the invocation, Unix epoch milliseconds (Lambda's `Lambda-Runtime-Deadline-Ms`; for
    /// SCF, the moment `/next` answered plus `time_limit_in_ms`).
    public let deadlineMillis: Int64?
    /// `Lambda-Runtime-Trace-Id` (X-Ray), exported as `_X_AMZN_TRACE_ID`; SCF has none.
    public let traceID: String?
    /// `Lambda-Runtime-Invoked-Function-Arn`; SCF has none.
    public let functionARN: String?
    /// The event, exactly as sent.
    public let event: [UInt8]

    /// Creates an invocation.
    public init(requestID: String, deadlineMillis: Int64?, traceID: String?, functionARN: String?, event: [UInt8]) {
        self.requestID = requestID
        self.deadlineMillis = deadlineMillis
        self.traceID = traceID
        self.functionARN = functionARN
        self.event = event
    }

    /// The latest deadline accepted from a runtime API (the end of year 9999, in milliseconds).
    static let maxDeadlineMillis: Int64 = 253_402_300_799_999
}

/// The body of an error post: `{"errorType","errorMessage"}`.
public struct RuntimeErrorReport: Sendable, Equatable {
    /// A stable code, e.g. `INVALID_FIELD` (a Step Functions `Catch` can match it).
    public let errorType: String
    /// A human sentence; never holds secrets (it comes from ``FunctionError/message``).
    public let errorMessage: String

    /// Creates a report.
    public init(errorType: String, errorMessage: String) {
        self.errorType = errorType
        self.errorMessage = errorMessage
    }

    /// The JSON body of the post.
    var json: JSONValue { ["errorType": .string(errorType), "errorMessage": .string(errorMessage)] }
}

/// What the runtime posts back for one invocation.
public enum RuntimeReply: Sendable, Equatable {
    /// `POST …/response` with this body.
    case response([UInt8])
    /// `POST …/error` with this report.
    case error(RuntimeErrorReport)

    /// Chooses the reply for one rendered answer (the same rule on every platform).
    ///
    /// - An HTTP answer (`statusCode`) and a tool message are always *responses*: an API gateway turns an error post
    ///   into a bare 502 and would lose the status and body the function chose, and a tool message carries its
    ///   error inside `content` by contract.
    /// - Any other failure (the answer is the bare `{"error": {...}}` of a direct event, or of an event that did
    ///   not parse) is an *error* whose `errorType` is the stable code: the invoker sees a function error,
    ///   asynchronous invocations are retried or sent to their failure destination, and Step Functions can
    ///   `Catch` by code.
    public static func choose(answer: JSONValue, exitStatus: Int32) -> RuntimeReply {
        if exitStatus != ExitStatus.ok, answer["statusCode"] == nil, let error = answer["error"]?.objectValue {
            return .error(RuntimeErrorReport(errorType: error["code"]?.stringValue ?? "INTERNAL",
                                             errorMessage: error["message"]?.stringValue ?? "the function failed"))
        }
        let body = (try? JSONCoding.encode(answer))
            ?? Array(#"{"error":{"code":"INTERNAL","message":"cannot encode the answer","retryable":false}}"#.utf8)
        return .response(body)
    }
}

/// A failure to talk to the runtime API itself (not a failure of the function).
public typealias RuntimeAPIError = CodedError<RuntimeAPIErrorCode>

/// The closed set of things that can go wrong, as ``RuntimeAPIError``'s code.
public enum RuntimeAPIErrorCode: String, ErrorCode {
    /// The runtime API's address (`AWS_LAMBDA_RUNTIME_API`, `SCF_RUNTIME_API` + `SCF_RUNTIME_API_PORT`) is unusable.
    case invalidAddress
    /// The runtime API could not be reached (connection refused, broken, libcurl unavailable).
    case unreachable
    /// The runtime API answered something the protocol does not allow (status, missing or unsafe request id).
    case protocolViolation
}

// MARK: - The platform abstraction

/// A FaaS platform's custom-runtime API: where invocations come from and where their answers go. Two platforms
/// implement it: ``LambdaRuntimeAPI`` (AWS Lambda, `2018-06-01`) and ``SCFRuntimeAPI`` (Tencent Cloud SCF).
/// ``RuntimeLoop`` is the one loop over either.
public protocol RuntimeAPI: Sendable {
    /// The platform, for logs (`AWS Lambda`, `Tencent Cloud SCF`).
    var platform: String { get }
    /// Tells the platform that initialization is over, before the first `/next` (SCF: `POST /runtime/init/ready`;
    /// Lambda has no such call: its first `/next` says so).
    func ready() throws(RuntimeAPIError)
    /// `GET …/runtime/invocation/next`: blocks, without a timeout, until the platform has an event.
    func next() throws(RuntimeAPIError) -> RuntimeInvocation
    /// Posts `reply` for `invocation`.
    func post(_ reply: RuntimeReply, for invocation: RuntimeInvocation) throws(RuntimeAPIError)
    /// Reports that the runtime could not start (after `/next` kept failing before any invocation).
    func reportInitFailure(_ report: RuntimeErrorReport) throws(RuntimeAPIError)
}

/// The HTTP exchanges every runtime API client makes.
enum RuntimeHTTP {
    /// Seconds allowed for a post to the (local) runtime API.
    static let postTimeout = 10.0
    /// The largest event body fetched from `/invocation/next`: Lambda's payload limit (6 MB; SCF's is the same) and
    /// some headroom, so that an event over the function's own limit is still fetched and answered EVENT_TOO_LARGE.
    static let maxEventFetchBytes = 8 << 20

    /// `GET url` without a total timeout (the platform may freeze the process between invocations).
    static func long(_ url: String) throws(RuntimeAPIError) -> HTTPResponse {
        try send(HTTPRequest(method: "GET", url: url, connectTimeout: 5, totalTimeout: 0,
                             maxAnswerBytes: maxEventFetchBytes))
    }

    /// Posts `body` to `url` and requires a 2xx answer.
    static func post(_ url: String, body: [UInt8], headers: [(name: String, value: String)] = [])
        throws(RuntimeAPIError)
    {
        let response = try send(HTTPRequest(method: "POST", url: url,
                                            headers: [("Content-Type", "application/json")] + headers, body: body,
                                            connectTimeout: 5, totalTimeout: postTimeout))
        guard (200..<300).contains(response.status) else {
            throw RuntimeAPIError(.protocolViolation, "the runtime API refused a post with HTTP \(response.status)")
        }
    }

    static func send(_ request: HTTPRequest) throws(RuntimeAPIError) -> HTTPResponse {
        do { return try HTTPClient.send(request) } catch {
            throw RuntimeAPIError(.unreachable, error.message)
        }
    }

    /// Whether `host` may go into a URL's authority: letters, digits, `.`, `-`, `:` and brackets (IPv6) only.
    static func isSafeHost(_ host: String) -> Bool {
        !host.isEmpty && host.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: ":")
                || c == UInt8(ascii: "[") || c == UInt8(ascii: "]")
        }
    }
}

// MARK: - Loop

/// The custom-runtime loop, the same on every platform: (ready), then next → handle → response or error, until
/// killed.
///
/// Every invocation gets a fresh ``InvocationContext`` whose deadline is the earlier of the function's own budget
/// and the platform's deadline less ``answerMargin``, so no outgoing call outlives the invocation; the handler is
/// called anew for each invocation (a function that reads its secrets there picks up rotated keys).
///
/// The API is an existential, not a generic parameter: one copy of the loop serves both platforms (every function
/// binary carries it, and they are measured against a size limit).
public struct RuntimeLoop: Sendable {
    /// Time kept back from the platform's deadline to post the answer.
    public static var answerMargin: Double { 0.15 }
    /// Consecutive failures of `/next` (or of SCF's ready post) after which the process exits (the platform then
    /// starts a fresh one).
    static var maxNextFailures: Int { 3 }

    /// The runtime API client.
    let api: any RuntimeAPI
    /// The function served.
    let descriptor: FunctionDescriptor
    /// The process environment at start.
    let environment: [String: String]
    /// The base logger; each invocation adds `request_id`.
    let logger: Logger
    /// The function's handler.
    let handler: FunctionHandler

    /// Creates a loop.
    public init(api: any RuntimeAPI, descriptor: FunctionDescriptor, environment: [String: String], logger: Logger,
                handler: @escaping FunctionHandler)
    {
        self.api = api
        self.descriptor = descriptor
        self.environment = environment
        self.logger = logger
        self.handler = handler
    }

    /// Handles one invocation and returns what to post (pure with respect to the runtime API).
    func handle(_ invocation: RuntimeInvocation) -> RuntimeReply {
        var env = environment
        if let trace = invocation.traceID {
            env["_X_AMZN_TRACE_ID"] = trace
            setenv("_X_AMZN_TRACE_ID", trace, 1)
        } else {
            env["_X_AMZN_TRACE_ID"] = nil
            unsetenv("_X_AMZN_TRACE_ID")
        }
        var invocationLogger = logger
        invocationLogger[metadataKey: "request_id"] = .string(invocation.requestID)
        var context = InvocationContext(environment: env, deadline: deadline(for: invocation),
                                        logger: invocationLogger)
        context.deadlineIsFixed = true
        let (answer, status) = FunctionRunner.invoke(invocation.event, descriptor: descriptor, context: context,
                                                     handler: handler)
        return RuntimeReply.choose(answer: answer, exitStatus: status)
    }

    /// Fetches the next invocation, handles it and posts the reply.
    /// - Throws: only failures of the runtime API; the function's own failures are posted, not thrown.
    public func serveNext() throws(RuntimeAPIError) {
        let invocation = try api.next()
        serve(invocation)
    }

    /// Handles `invocation` and posts its reply; a failed post is logged (the platform times the invocation out).
    func serve(_ invocation: RuntimeInvocation) {
        let reply = handle(invocation)
        do throws(RuntimeAPIError) {
            try api.post(reply, for: invocation)
        } catch {
            logger.error("posting the reply failed: \(error.message)",
                         metadata: ["request_id": .string(invocation.requestID)])
        }
    }

    /// The invocation's deadline: the platform's less ``answerMargin``, never later than the function's own budget
    /// (`WXPAY_TIME_BUDGET_MS` or the descriptor's).
    public func deadline(for invocation: RuntimeInvocation, nowMillis: Int64 = System.unixTimeMillis()) -> Deadline {
        let budget = FunctionRunner.budget(descriptor, environment)
        guard let ms = invocation.deadlineMillis else { return .after(seconds: budget) }
        let left = Double(ms - nowMillis) / 1000 - Self.answerMargin
        return .after(seconds: max(0, min(left, budget)))
    }

    /// Runs the loop on `api` until the process is killed. Never returns.
    ///
    /// - Posts the ready signal (SCF), retried like `/next`.
    /// - If `/next` fails ``maxNextFailures`` times in a row before the first invocation, reports the failed start
    ///   (Lambda: `/runtime/init/error`, when the API still listens) and exits 70; later, exits 70 so the platform
    ///   restarts it.
    static func run(
        api: any RuntimeAPI, descriptor: FunctionDescriptor, environment: [String: String], logger: Logger,
        handler: @escaping FunctionHandler
    ) -> Never {
        let loop = RuntimeLoop(api: api, descriptor: descriptor, environment: environment, logger: logger,
                               handler: handler)
        var ready = false
        var initialized = false
        var failures = 0
        while true {
            let invocation: RuntimeInvocation
            do throws(RuntimeAPIError) {
                if !ready {
                    try api.ready()
                    ready = true
                }
                invocation = try api.next()
            } catch {
                failures += 1
                logger.error("\(api.platform) runtime API: \(ready ? "/next" : "the ready post") failed: \(error.message)",
                             metadata: ["attempt": "\(failures)"])
                if failures >= maxNextFailures {
                    if ready && !initialized {
                        let report = RuntimeErrorReport(errorType: "RUNTIME_INIT_FAILED",
                                                        errorMessage: "\(descriptor.name): \(error.message)")
                        do throws(RuntimeAPIError) { try api.reportInitFailure(report) } catch {
                            logger.error("reporting the failed start failed: \(error.message)")
                        }
                    }
                    terminate(ExitStatus.software)
                }
                sleepSeconds(0.05 * Double(failures))
                continue
            }
            initialized = true
            failures = 0
            loop.serve(invocation)
        }
    }
}

// MARK: - Choosing the platform

/// The custom-runtime platform a function process serves, if any.
public enum RuntimePlatform: Sendable, Equatable {
    /// AWS Lambda (`AWS_LAMBDA_RUNTIME_API`).
    case lambda
    /// Tencent Cloud SCF event functions (`SCF_RUNTIME_API`).
    case scf

    /// The platform the environment (or a command-line flag) asks for: `--lambda` or a non-empty
    /// `AWS_LAMBDA_RUNTIME_API` is Lambda, else `--scf` or a non-empty `SCF_RUNTIME_API` is SCF; `nil` means one
    /// event from stdin.
    public static func detect(_ environment: [String: String], lambdaFlag: Bool = false, scfFlag: Bool = false)
        -> RuntimePlatform?
    {
        if lambdaFlag || !(environment["AWS_LAMBDA_RUNTIME_API"] ?? "").isEmpty { return .lambda }
        if scfFlag || !(environment["SCF_RUNTIME_API"] ?? "").isEmpty { return .scf }
        return nil
    }

    /// Runs this platform's loop. Never returns; exits 64 when the runtime API's address is missing or malformed.
    public func run(
        descriptor: FunctionDescriptor, environment: [String: String], logger: Logger,
        handler: @escaping FunctionHandler
    ) -> Never {
        let api: any RuntimeAPI
        do throws(RuntimeAPIError) {
            switch self {
            case .lambda: api = try LambdaRuntimeAPI(address: environment["AWS_LAMBDA_RUNTIME_API"] ?? "")
            case .scf: api = try SCFRuntimeAPI(environment: environment)
            }
        } catch {
            logger.error("\(error.message)")
            terminate(ExitStatus.usage)
        }
        RuntimeLoop.run(api: api, descriptor: descriptor, environment: environment, logger: logger, handler: handler)
    }
}
