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

// MARK: - Wire types

/// One invocation as `GET /runtime/invocation/next` hands it over.
public struct LambdaInvocation: Sendable, Equatable {
    /// `Lambda-Runtime-Aws-Request-Id`.
    public var requestID: String
    /// `Lambda-Runtime-Deadline-Ms`: when Lambda ends the invocation, Unix epoch milliseconds.
    public var deadlineMillis: Int64?
    /// `Lambda-Runtime-Trace-Id` (X-Ray), exported as `_X_AMZN_TRACE_ID`.
    public var traceID: String?
    /// `Lambda-Runtime-Invoked-Function-Arn`.
    public var functionARN: String?
    /// The event, exactly as sent.
    public var event: [UInt8]

    /// Creates an invocation.
    public init(requestID: String, deadlineMillis: Int64?, traceID: String?, functionARN: String?, event: [UInt8]) {
        self.requestID = requestID
        self.deadlineMillis = deadlineMillis
        self.traceID = traceID
        self.functionARN = functionARN
        self.event = event
    }
}

/// The body of `POST …/error` and `POST /runtime/init/error`: `{"errorType","errorMessage"}`.
public struct LambdaErrorReport: Sendable, Equatable {
    /// A stable code, e.g. `INVALID_FIELD` (a Step Functions `Catch` can match it).
    public var errorType: String
    /// A human sentence; never holds secrets (it comes from ``FunctionError/message``).
    public var errorMessage: String

    /// Creates a report.
    public init(errorType: String, errorMessage: String) {
        self.errorType = errorType
        self.errorMessage = errorMessage
    }

    /// The JSON body the Runtime API expects.
    public var json: JSONValue { ["errorType": .string(errorType), "errorMessage": .string(errorMessage)] }
}

/// What the runtime posts back for one invocation.
public enum LambdaReply: Sendable, Equatable {
    /// `POST …/response` with this body.
    case response([UInt8])
    /// `POST …/error` with this report (and `Lambda-Runtime-Function-Error-Type: Unhandled`).
    case error(LambdaErrorReport)

    /// Chooses the reply for one rendered answer.
    ///
    /// - An HTTP answer (`statusCode`) and a tool message are always *responses*: API Gateway turns an error post
    ///   into a bare 502 and would lose the status and body the function chose, and a tool message carries its
    ///   error inside `content` by contract.
    /// - Any other failure (the answer is the bare `{"error": {...}}` of a direct event, or of an event that did
    ///   not parse) is an *error* whose `errorType` is the stable code: the invoker sees `X-Amz-Function-Error`,
    ///   asynchronous invocations are retried or sent to their failure destination, and Step Functions can
    ///   `Catch` by code.
    public static func choose(answer: JSONValue, exitStatus: Int32) -> LambdaReply {
        if exitStatus != ExitStatus.ok, answer["statusCode"] == nil, let error = answer["error"]?.objectValue {
            return .error(LambdaErrorReport(errorType: error["code"]?.stringValue ?? "INTERNAL",
                                            errorMessage: error["message"]?.stringValue ?? "the function failed"))
        }
        let body = (try? JSONCoding.encode(answer))
            ?? Array(#"{"error":{"code":"INTERNAL","message":"cannot encode the answer","retryable":false}}"#.utf8)
        return .response(body)
    }
}

/// A failure to talk to the Runtime API itself (not a failure of the function).
public typealias LambdaRuntimeError = CodedError<LambdaRuntimeErrorCode>

/// The closed set of things that can go wrong, as ``LambdaRuntimeError``'s code.
public enum LambdaRuntimeErrorCode: String, ErrorCode {
    /// `AWS_LAMBDA_RUNTIME_API` is not a `host:port`.
    case invalidAddress
    /// The Runtime API could not be reached (connection refused, broken, libcurl unavailable).
    case unreachable
    /// The Runtime API answered something the protocol does not allow (status, missing or unsafe request id).
    case protocolViolation
}

// MARK: - Client

/// A client of the Lambda Runtime API `2018-06-01` at `AWS_LAMBDA_RUNTIME_API`.
public struct LambdaRuntimeAPI: Sendable {
    /// `http://host:port/2018-06-01/runtime`.
    public let base: String

    /// Seconds allowed for a post to the (local) Runtime API.
    static let postTimeout = 10.0

    /// Creates a client for `address` (`host:port`, as Lambda sets `AWS_LAMBDA_RUNTIME_API`).
    public init(address: String) throws(LambdaRuntimeError) {
        let allowed = address.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: ":")
                || c == UInt8(ascii: "[") || c == UInt8(ascii: "]")
        }
        guard !address.isEmpty, allowed, let colon = address.lastIndex(of: ":"),
            let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port),
            colon != address.startIndex
        else {
            throw LambdaRuntimeError(.invalidAddress, "AWS_LAMBDA_RUNTIME_API must be host:port, got \"\(address)\"")
        }
        base = "http://\(address)/2018-06-01/runtime"
    }

    /// The largest event body fetched from `/invocation/next`: Lambda's payload limit (6 MB) and some headroom.
    public static let maxEventFetchBytes = 8 << 20

    /// `GET /runtime/invocation/next`: blocks, without a timeout (the docs forbid one: the sandbox may be frozen
    /// between invocations), until Lambda has an event.
    public func next() throws(LambdaRuntimeError) -> LambdaInvocation {
        // The event is the body: up to Lambda's 6 MB payload limit (larger than the client's default cap), so
        // that an event over the function's own limit is still fetched and answered EVENT_TOO_LARGE.
        let response = try send(HTTPRequest(method: "GET", url: "\(base)/invocation/next", connectTimeout: 5,
                                            totalTimeout: 0, maxAnswerBytes: Self.maxEventFetchBytes))
        return try LambdaInvocation(nextAnswer: response)
    }

    /// Posts `reply` for the invocation `requestID`.
    public func post(_ reply: LambdaReply, for requestID: String) throws(LambdaRuntimeError) {
        switch reply {
        case .response(let body):
            try expectAccepted(HTTPRequest(method: "POST", url: "\(base)/invocation/\(requestID)/response",
                                           headers: [("Content-Type", "application/json")], body: body,
                                           connectTimeout: 5, totalTimeout: Self.postTimeout))
        case .error(let report):
            try postError(report, to: "\(base)/invocation/\(requestID)/error")
        }
    }

    /// `POST /runtime/init/error`: the runtime could not start; Lambda serves this to the first invoke.
    public func postInitError(_ report: LambdaErrorReport) throws(LambdaRuntimeError) {
        try postError(report, to: "\(base)/init/error")
    }

    private func postError(_ report: LambdaErrorReport, to url: String) throws(LambdaRuntimeError) {
        let body = (try? JSONCoding.encode(report.json)) ?? []
        try expectAccepted(HTTPRequest(method: "POST", url: url,
                                       headers: [("Content-Type", "application/json"),
                                                 ("Lambda-Runtime-Function-Error-Type", "Unhandled")],
                                       body: body, connectTimeout: 5, totalTimeout: Self.postTimeout))
    }

    private func expectAccepted(_ request: HTTPRequest) throws(LambdaRuntimeError) {
        let response = try send(request)
        guard (200..<300).contains(response.status) else {
            throw LambdaRuntimeError(.protocolViolation, "the Runtime API refused a post with HTTP \(response.status)")
        }
    }

    private func send(_ request: HTTPRequest) throws(LambdaRuntimeError) -> HTTPResponse {
        do { return try HTTPClient.send(request) } catch {
            throw LambdaRuntimeError(.unreachable, error.message)
        }
    }

    /// Request ids go into URL paths: accept only the characters AWS uses (a UUID), so a hostile or broken
    /// server cannot steer the post elsewhere.
    static func isSafeRequestID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 128 && id.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
        }
    }
}

// MARK: - Loop

/// The AWS Lambda Runtime API loop (`2018-06-01`): next → handle → response or error, until killed.
///
/// Every invocation gets a fresh ``InvocationContext`` whose deadline is the earlier of the function's own budget
/// and `Lambda-Runtime-Deadline-Ms` less ``answerMargin``, so no outgoing call outlives the invocation; the
/// handler is called anew for each invocation (a function that reads its secrets there picks up rotated keys).
public struct LambdaRuntimeLoop: Sendable {
    /// Time kept back from Lambda's deadline to post the answer.
    public static let answerMargin = 0.15
    /// Consecutive failures of `/next` after which the process exits (Lambda then starts a fresh one).
    public static let maxNextFailures = 3

    /// The Runtime API client.
    public let api: LambdaRuntimeAPI
    /// The function served.
    public let descriptor: FunctionDescriptor
    /// The process environment at start.
    public let environment: [String: String]
    /// The base logger; each invocation adds `request_id`.
    public let logger: Logger
    /// The function's handler.
    public let handler: FunctionHandler

    /// Creates a loop.
    public init(api: LambdaRuntimeAPI, descriptor: FunctionDescriptor, environment: [String: String], logger: Logger,
                handler: @escaping FunctionHandler)
    {
        self.api = api
        self.descriptor = descriptor
        self.environment = environment
        self.logger = logger
        self.handler = handler
    }

    /// Handles one invocation and returns what to post (pure with respect to the Runtime API).
    public func handle(_ invocation: LambdaInvocation) -> LambdaReply {
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
        return LambdaReply.choose(answer: answer, exitStatus: status)
    }

    /// Fetches the next invocation, handles it and posts the reply.
    /// - Throws: only failures of the Runtime API; the function's own failures are posted, not thrown.
    public func serveNext() throws(LambdaRuntimeError) {
        let invocation = try api.next()
        serve(invocation)
    }

    /// Handles `invocation` and posts its reply; a failed post is logged (Lambda times the invocation out).
    func serve(_ invocation: LambdaInvocation) {
        let reply = handle(invocation)
        do throws(LambdaRuntimeError) {
            try api.post(reply, for: invocation.requestID)
        } catch {
            logger.error("posting the reply failed: \(error.message)",
                         metadata: ["request_id": .string(invocation.requestID)])
        }
    }

    /// The invocation's deadline: `Lambda-Runtime-Deadline-Ms` less ``answerMargin``, never later than the
    /// function's own budget (`WXPAY_TIME_BUDGET_MS` or the descriptor's).
    public func deadline(for invocation: LambdaInvocation, nowMillis: Int64 = System.unixTimeMillis()) -> Deadline {
        let budget = FunctionRunner.budget(descriptor, environment)
        guard let ms = invocation.deadlineMillis else { return .after(seconds: budget) }
        let left = Double(ms - nowMillis) / 1000 - Self.answerMargin
        return .after(seconds: max(0, min(left, budget)))
    }

    /// Runs the loop until the process is killed. Never returns.
    ///
    /// - Exits 64 when `AWS_LAMBDA_RUNTIME_API` is missing or malformed.
    /// - If `/next` fails ``maxNextFailures`` times in a row before the first invocation, posts
    ///   `/runtime/init/error` (when the API still listens) and exits 70; later, exits 70 so Lambda restarts it.
    public static func run(
        descriptor: FunctionDescriptor, environment: [String: String], logger: Logger, handler: @escaping FunctionHandler
    ) -> Never {
        let api: LambdaRuntimeAPI
        do throws(LambdaRuntimeError) {
            api = try LambdaRuntimeAPI(address: environment["AWS_LAMBDA_RUNTIME_API"] ?? "")
        } catch {
            logger.error("\(error.message) (--lambda needs AWS_LAMBDA_RUNTIME_API)")
            terminate(ExitStatus.usage)
        }
        let loop = LambdaRuntimeLoop(api: api, descriptor: descriptor, environment: environment, logger: logger,
                                     handler: handler)
        var initialized = false
        var failures = 0
        while true {
            let invocation: LambdaInvocation
            do throws(LambdaRuntimeError) {
                invocation = try api.next()
            } catch {
                failures += 1
                logger.error("Runtime API /next failed: \(error.message)", metadata: ["attempt": "\(failures)"])
                if failures >= maxNextFailures {
                    if !initialized {
                        let report = LambdaErrorReport(errorType: "RUNTIME_INIT_FAILED",
                                                       errorMessage: "\(descriptor.name): \(error.message)")
                        do throws(LambdaRuntimeError) { try api.postInitError(report) } catch {
                            logger.error("posting /runtime/init/error failed: \(error.message)")
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

extension LambdaInvocation {
    /// The latest deadline accepted from the Runtime API (the end of year 9999, in milliseconds).
    static let maxDeadlineMillis: Int64 = 253_402_300_799_999

    /// Reads one answer of `GET /runtime/invocation/next`.
    /// - Throws: `protocolViolation` for a status other than 200 or a missing or unsafe request id. A deadline that
    ///   is not a plain number of milliseconds in range is ignored (the function's own time budget applies).
    public init(nextAnswer response: HTTPResponse) throws(LambdaRuntimeError) {
        guard response.status == 200 else {
            throw LambdaRuntimeError(.protocolViolation, "/invocation/next answered HTTP \(response.status)")
        }
        guard let requestID = response.header("lambda-runtime-aws-request-id"),
              LambdaRuntimeAPI.isSafeRequestID(requestID)
        else {
            throw LambdaRuntimeError(.protocolViolation, "/invocation/next answered without a usable request id")
        }
        self.init(
            requestID: requestID,
            deadlineMillis: response.header("lambda-runtime-deadline-ms").flatMap {
                Untrusted.integer($0, in: 0...LambdaInvocation.maxDeadlineMillis)
            },
            traceID: response.header("lambda-runtime-trace-id").map { Untrusted.excerpt($0, limit: 512) },
            functionARN: response.header("lambda-runtime-invoked-function-arn").map { Untrusted.excerpt($0, limit: 512) },
            event: response.body)
    }
}
