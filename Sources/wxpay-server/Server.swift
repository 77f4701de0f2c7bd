import FunctionKit
import HTTPTypes
import Hummingbird
import KitCore
import Logging
import NIOCore
import NIOPosix
import PaymentFunctions
import Synchronization
import WebhookFunction
import WxPayCore
import WxPayCrypto
import WxPayHTTP
import WxPayOperations
import WxPayRisk

/// The request context: Hummingbird's core storage.
struct ServerContext: RequestContext {
    var coreContext: CoreRequestContextStorage

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}

/// What the server was started with (flags and `WXPAY_SERVER_*`; docs/server.md#options).
struct ServerSettings: Sendable {
    var host = "127.0.0.1"
    var port = 8080
    var routes: [Route] = Route.defaults
    /// The largest request body of the JSON routes (the webhook refuses notifications over 64 KiB itself).
    var maxBodyBytes = 1 << 20
    /// The largest request head (request line and headers): larger answers 431.
    var maxHeaderBytes = 16 * 1024
    var headerTimeout: TimeAmount = .seconds(10)
    var requestTimeout: TimeAmount = .seconds(30)
    /// Requests worked on at once (reading a body does not count); more answer 503 with `Retry-After`.
    var maxConcurrent = 64
    /// Threads the blocking work (signature checks, WeChat Pay calls, hand-off POSTs) runs on.
    var threads = 8
}

/// The server: routes requests to the same operation code as the function executables, in-process.
final class WxPayServer: Sendable {
    let settings: ServerSettings
    let environment: [String: String]
    let logger: Logger
    let secrets = SecretsCache()
    let pool: NIOThreadPool
    private let inFlight = Atomic<Int>(0)
    private let enabled: Set<Route>
    /// The remote MCP endpoint, when `/mcp` is served.
    let mcp: MCPRoute?
    /// The hosted payment page, when `pay` is served.
    let payPage = PayPageRoute()
    /// Group commit for `WXPAY_EVENTS_FILE`: the events of concurrent notifications share one write and one `fsync`.
    let events: GroupCommitAppender?

    /// - Throws: `USAGE` when `/mcp` is served and `WXPAY_MCP_TOOLS` / `WXPAY_MCP_DISABLE` name an unknown tool.
    init(settings: ServerSettings, environment: [String: String], logger: Logger) throws {
        self.settings = settings
        self.environment = environment
        self.logger = logger
        enabled = Set(settings.routes)
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(settings.host)
        mcp = enabled.contains(.mcp)
            ? try MCPRoute(environment: environment, loopbackOnly: loopback, logger: logger) : nil
        events = environment["WXPAY_EVENTS_FILE"].flatMap { $0.isEmpty ? nil : GroupCommitAppender(path: $0) }
        pool = NIOThreadPool(numberOfThreads: settings.threads)
        pool.start()
    }

    /// The secrets source the handlers use: the cache.
    var secretsSource: @Sendable ([String: String]) throws(WxPayError) -> Secrets {
        { [secrets] environment throws(WxPayError) in try secrets.current(environment: environment).secrets }
    }

    // MARK: Requests

    func respond(_ request: Request) async -> Response {
        let started = ContinuousClock.now
        let requestID = WxPayServer.requestID(request.headers)
        let path = request.uri.path
        let route = Route(path: path).flatMap { enabled.contains($0) ? $0 : nil }
        let routeName = route?.rawValue ?? "-"
        var response = await answer(request, route: route, requestID: requestID, started: started)
        response.headers[.init("X-Request-Id")!] = requestID
        if route != .riskBatch || response.status != .ok {
            finish(requestID: requestID, method: request.method.rawValue, route: routeName, path: path,
                   status: Int(response.status.code), started: started)
        }
        return response
    }

    /// The access log line and the request metrics.
    func finish(requestID: String, method: String, route: String, path: String, status: Int,
                started: ContinuousClock.Instant)
    {
        let elapsed = started.duration(to: .now)
        let nanos = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        ServerMetrics.request(route: route, status: status, nanoseconds: nanos)
        AccessLog.line(requestID: requestID, method: method, route: route, path: path, status: status,
                       ms: Double(nanos) / 1e6)
    }

    private func answer(_ request: Request, route: Route?, requestID: String, started: ContinuousClock.Instant)
        async -> Response
    {
        var request = request
        guard let route else {
            return WxPayServer.error(.notFound, code: "NOT_FOUND", message: "no such route: \(request.uri.path)")
        }
        guard route.methods.contains(request.method) else {
            let allowed = route.methods.map(\.rawValue).joined(separator: ", ")
            var response = WxPayServer.error(.methodNotAllowed, code: "METHOD_NOT_ALLOWED",
                                             message: "\(route.path) takes \(allowed)")
            response.headers[.allow] = allowed
            return response
        }
        switch route {
        case .healthz:
            return WxPayServer.json(.ok, #"{"status":"ok"}"#)
        case .metrics:
            if let events { ServerMetrics.events(events.statistics) }
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: ServerMetrics.exposition())))
            response.headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return response
        case .pay:
            guard acquire() else { return overloaded() }
            defer { release() }
            return await payPage.respond(request, server: self)
        default:
            break
        }
        if route.isProtected, let refusal = authorize(request) { return refusal }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > settings.maxBodyBytes {
            return WxPayServer.tooLarge(settings.maxBodyBytes)
        }
        if route == .riskBatch {
            return riskBatch(request, requestID: requestID, started: started)
        }
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.collectBody(upTo: settings.maxBodyBytes))
        } catch is NIOTooManyBytesError {
            return WxPayServer.tooLarge(settings.maxBodyBytes)
        } catch let error as Hummingbird.HTTPError where error.status == .contentTooLarge {
            return WxPayServer.tooLarge(settings.maxBodyBytes)
        } catch {
            var response = WxPayServer.error(.badRequest, code: "BAD_REQUEST", message: "the request body did not arrive")
            response.headers[.connection] = "close"
            return response
        }
        // The body is in: only now does the request take a slot (a slow sender holds none).
        guard acquire() else { return overloaded() }
        defer { release() }
        let context = invocationContext(requestID: requestID, budget: route == .webhook
                                        ? WebhookFunction.descriptor.timeBudget : 10)
        if route == .mcp, let mcp {
            return await mcp.respond(request, body: body)
        }
        if route == .webhook {
            var headers: [String: String] = [:]
            for field in request.headers where headers[field.name.canonicalName] == nil {
                headers[field.name.canonicalName] = field.value
            }
            let functionRequest = FunctionRequest(httpMethod: request.method.rawValue, headers: headers, body: body)
            let handler = WebhookFunction.handler(secrets: secretsSource, groupCommit: events)
            let outcome = await run {
                FunctionRunner.serve(functionRequest, descriptor: WebhookFunction.descriptor, context: context,
                                     handler: handler)
            }
            ServerMetrics.notification(errorCode: outcome?.errorCode)
            guard let outcome else { return unavailable() }
            return WxPayServer.gatewayAnswer(outcome.answer)
        }
        guard let payment = route.payment else { return unavailable() }
        let descriptor = FunctionDescriptor(name: payment.function, summary: "", discussion: "",
                                            tools: [payment.tool.rawValue])
        let handler = PaymentFunction.handler(payment.tool, timeBudget: descriptor.timeBudget, secrets: secretsSource)
        guard let outcome = await run({
            FunctionRunner.serve(body, descriptor: descriptor, context: context, handler: handler)
        }) else { return unavailable() }
        let text = (try? JSONCoding.string(outcome.answer)) ?? #"{"error":{"code":"INTERNAL"}}"#
        return WxPayServer.json(WxPayServer.status(outcome.httpStatus), text)
    }

    /// `POST /risk-batch`: NDJSON (or a JSON array) streamed in, one NDJSON answer per record streamed out, scored
    /// by the same engine and stream processor as the `risk-batch` executable.
    private func riskBatch(_ request: Request, requestID: String, started: ContinuousClock.Instant) -> Response {
        let rules: RiskRules
        do { rules = try PaymentTool.riskRules(environment: environment) } catch {
            return WxPayServer.json(WxPayServer.status(error.httpStatus),
                                    (try? JSONCoding.string(error.jsonObject)) ?? "{}")
        }
        guard acquire() else { return overloaded() }
        let limit = settings.maxBodyBytes
        let method = request.method.rawValue
        let path = request.uri.path
        var response = Response(status: .ok, body: ResponseBody { [self] writer in
            defer {
                release()
                finish(requestID: requestID, method: method, route: Route.riskBatch.rawValue, path: path,
                       status: 200, started: started)
            }
            let processor = RiskStreamProcessor(scorer: RiskBatchScorer(engine: RiskEngine(rules: rules)),
                                                maxRecordBytes: RiskInputSplitter.defaultMaxRecordBytes)
            var output: [UInt8] = []
            var total = 0
            for try await chunk in request.body {
                total += chunk.readableBytes
                if total > limit * 64 {
                    // A stream is bounded too: 64 times the body limit.
                    let line = ServerErrors.body(code: "EVENT_TOO_LARGE",
                                                 message: "the stream is longer than \(limit * 64) bytes") + "\n"
                    output.append(contentsOf: line.utf8)
                    break
                }
                chunk.withUnsafeReadableBytes { raw in
                    processor.feed(raw.bindMemory(to: UInt8.self), output: &output)
                }
                if !output.isEmpty {
                    try await writer.write(ByteBuffer(bytes: output))
                    output.removeAll(keepingCapacity: true)
                }
            }
            processor.finish(output: &output)
            if let message = processor.invalidEvent {
                output.append(contentsOf: (ServerErrors.body(code: "BAD_EVENT", message: message) + "\n").utf8)
            }
            if !output.isEmpty { try await writer.write(ByteBuffer(bytes: output)) }
            try await writer.finish(nil)
        })
        response.headers[.contentType] = "application/x-ndjson"
        return response
    }

    // MARK: Helpers

    private func authorize(_ request: Request) -> Response? {
        let entry: SecretsCache.Entry
        do { entry = try secrets.current(environment: environment) } catch {
            logger.error("\(error.message)", metadata: ["code": .string(error.code)])
            return WxPayServer.json(WxPayServer.status(error.httpStatus),
                                    (try? JSONCoding.string(error.jsonObject)) ?? "{}")
        }
        if let header = request.headers[.authorization], header.count > 7,
           header.prefix(7).lowercased() == "bearer ",
           SecretsCache.authorize(header.dropFirst(7), tokens: entry.tokenDigests)
        {
            return nil
        }
        var response = WxPayServer.error(.unauthorized, code: "UNAUTHORIZED",
                                         message: "this route needs Authorization: Bearer <one of server_tokens>")
        response.headers[.wwwAuthenticate] = "Bearer"
        return response
    }

    private func acquire() -> Bool {
        let (_, now) = inFlight.add(1, ordering: .acquiringAndReleasing)
        if now > settings.maxConcurrent {
            inFlight.subtract(1, ordering: .acquiringAndReleasing)
            return false
        }
        return true
    }

    private func release() { inFlight.subtract(1, ordering: .acquiringAndReleasing) }

    private func overloaded() -> Response {
        var response = WxPayServer.error(.serviceUnavailable, code: "OVERLOADED",
                                         message: "more than \(settings.maxConcurrent) requests at once; retry",
                                         retryable: true)
        response.headers[.retryAfter] = "1"
        return response
    }

    private func unavailable() -> Response {
        WxPayServer.error(.serviceUnavailable, code: "SHUTTING_DOWN", message: "the server is stopping; retry",
                          retryable: true)
    }

    /// Runs blocking work (OpenSSL, libcurl, file appends) on the server's threads, off the event loops and the
    /// Swift concurrency pool. `nil` when the pool is shutting down.
    private func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T? {
        try? await pool.runIfActive(work)
    }

    private func invocationContext(requestID: String, budget: Double) -> InvocationContext {
        var logger = self.logger
        logger[metadataKey: "request_id"] = .string(requestID)
        return InvocationContext(environment: environment, deadline: .after(seconds: budget), logger: logger)
    }

    /// The request id: the platform's (`x-fc-request-id` on Function Compute, `x-scf-request-id` on SCF,
    /// `x-request-id` elsewhere) when it looks like one, else a new random one.
    static func requestID(_ headers: HTTPFields) -> String {
        for name in ["x-fc-request-id", "x-scf-request-id", "x-request-id"] {
            if let value = headers[HTTPField.Name(name)!], !value.isEmpty, value.utf8.count <= 128,
               value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C })
            {
                return value
            }
        }
        return Hex.encode(SecureRandom.bytes(12))
    }

    /// An API Gateway answer `{"statusCode","headers","body"}` as the HTTP response it stands for.
    static func gatewayAnswer(_ answer: JSONValue) -> Response {
        let status = answer["statusCode"]?.intValue.map { Int($0) } ?? 500
        var response = Response(status: WxPayServer.status(status),
                                body: .init(byteBuffer: ByteBuffer(string: answer["body"]?.stringValue ?? "")))
        for (name, value) in answer["headers"]?.objectValue ?? [:] {
            if let name = HTTPField.Name(name), let text = value.stringValue { response.headers[name] = text }
        }
        return response
    }

    /// An HTTP status by number.
    static func status(_ status: Int) -> HTTPResponse.Status { HTTPResponse.Status(code: status) }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var response = Response(status: status, body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentType] = "application/json"
        return response
    }

    static func error(_ status: HTTPResponse.Status, code: String, message: String, retryable: Bool = false)
        -> Response
    {
        json(status, ServerErrors.body(code: code, message: message, retryable: retryable))
    }

    static func tooLarge(_ limit: Int) -> Response {
        var response = error(.contentTooLarge, code: "EVENT_TOO_LARGE",
                             message: "the request body is larger than \(limit) bytes")
        response.headers[.connection] = "close"
        return response
    }
}
