import ArgumentParser
import FunctionKit
import Hummingbird
import HummingbirdCore
import KitCore
import Logging
import NIOCore
import NIOPosix
import WxPayCore

/// `wxpay-server`: one warm HTTP server that hosts every function in-process (docs/server.md).
///
/// `@main` (not top-level code in main.swift, which would pick ArgumentParser's synchronous entry point).
@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wxpay-server",
        abstract: "Serve the wxpay functions over HTTP from one warm process (Hummingbird).",
        discussion: """
            ROUTES  POST /webhook (a WeChat Pay notification, answered as the webhook function answers it behind API
                    Gateway, hand-off included), POST /create-intent, /intent-status, /close-intent, /refund,
                    /refund-status (each the function's own event JSON in, its output JSON out, the HTTP status from
                    the error code),
                    POST /risk-batch (NDJSON streamed in and out), POST /mcp (the payment tools over MCP Streamable
                    HTTP, as wxpay-mcp serves them on stdio), GET /healthz, GET /metrics (Prometheus),
                    GET /pay/{intent_id}?t=TOKEN (route `pay`: the hosted confirmation page; needs public_url and
                    page_key in the secrets file; not in the defaults).
                    Every route but webhook, pay, healthz and metrics needs Authorization: Bearer <one of server_tokens
                    in the secrets file>. Routes not named by --routes answer 404.
            ENV     Each option has a WXPAY_SERVER_* variable (the flag wins): WXPAY_SERVER_HOST, WXPAY_SERVER_PORT
                    (else PORT), WXPAY_SERVER_ROUTES, WXPAY_SERVER_MAX_BODY_BYTES, WXPAY_SERVER_MAX_HEADER_BYTES,
                    WXPAY_SERVER_HEADER_TIMEOUT_MS, WXPAY_SERVER_REQUEST_TIMEOUT_MS, WXPAY_SERVER_MAX_CONCURRENT,
                    WXPAY_SERVER_THREADS. /mcp reads WXPAY_MCP_TOOLS and WXPAY_MCP_DISABLE as wxpay-mcp does.
                    The functions' own variables apply as well (WXPAY_SECRETS_FILE,
                    WXPAY_EVENTS_FILE, WXPAY_EVENTS_SEAL, WXPAY_FORWARD_TIMEOUT_MS, WXPAY_RISK_RULES, LOG_LEVEL, ...).
            OUTPUT  {"listening": "http://HOST:PORT"} on stdout once bound; one JSON log line per request on stderr.
            SIGNALS SIGTERM and SIGINT stop accepting, finish the requests in flight, then exit 0.
            """,
        version: "wxpay-server \(wxpayKitVersion)")

    @Option(help: "Address to bind (default 127.0.0.1; containers need 0.0.0.0).") var host: String?
    @Option(help: "Port; 0 picks a free one (default $PORT, else 8080).") var port: Int?
    @Option(help: "Routes served, comma-separated, or `all` (default webhook,healthz,metrics).") var routes: String?
    @Option(help: "Largest request body in bytes (default 1048576).") var maxBodyBytes: Int?
    @Option(help: "Largest request head in bytes; larger answers 431 (default 16384).") var maxHeaderBytes: Int?
    @Option(help: "Milliseconds for a request head to arrive (default 10000).") var headerTimeoutMs: Int?
    @Option(help: "Milliseconds for a whole request to arrive (default 30000).") var requestTimeoutMs: Int?
    @Option(help: "Requests worked on at once; more answer 503 with Retry-After (default 64).") var maxConcurrent: Int?
    @Option(help: "Threads for the blocking work (default 8).") var threads: Int?

    func settings(environment: [String: String]) throws -> ServerSettings {
        func value(_ flag: Int?, _ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            if let flag {
                guard range.contains(flag) else { throw ValidationError("--\(name) must be \(range)") }
                return flag
            }
            let variable = "WXPAY_SERVER_" + name.uppercased().replacing("-", with: "_")
            guard let text = environment[variable], !text.isEmpty else { return nil }
            guard let number = Int(text), range.contains(number) else {
                throw ValidationError("\(variable) must be a whole number in \(range)")
            }
            return number
        }
        var s = ServerSettings()
        if let host = host ?? environment["WXPAY_SERVER_HOST"].flatMap({ $0.isEmpty ? nil : $0 }) { s.host = host }
        if let port = try value(port, "port", 0...65535) {
            s.port = port
        } else if let text = environment["PORT"], !text.isEmpty {
            guard let number = Int(text), (0...65535).contains(number) else {
                throw ValidationError("PORT must be 0...65535")
            }
            s.port = number
        }
        if let list = routes ?? environment["WXPAY_SERVER_ROUTES"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let parsed = Route.parseList(list) else {
                throw ValidationError("routes are a comma-separated list of "
                    + Route.allCases.map(\.rawValue).joined(separator: ", ") + ", or all")
            }
            s.routes = parsed
        }
        if let v = try value(maxBodyBytes, "max-body-bytes", 1024...(64 << 20)) { s.maxBodyBytes = v }
        if let v = try value(maxHeaderBytes, "max-header-bytes", 1024...(1 << 20)) { s.maxHeaderBytes = v }
        if let v = try value(headerTimeoutMs, "header-timeout-ms", 10...3_600_000) { s.headerTimeout = .milliseconds(Int64(v)) }
        if let v = try value(requestTimeoutMs, "request-timeout-ms", 10...3_600_000) { s.requestTimeout = .milliseconds(Int64(v)) }
        if let v = try value(maxConcurrent, "max-concurrent", 1...100_000) { s.maxConcurrent = v }
        if let v = try value(threads, "threads", 1...512) { s.threads = v }
        return s
    }

    func run() async throws {
        let environment = System.environment()
        let settings = try settings(environment: environment)
        let level = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        ServerMetrics.bootstrap()
        let logger = Logger(label: "wxpay-server")
        let server: WxPayServer
        do { server = try WxPayServer(settings: settings, environment: environment, logger: logger) } catch let error as WxPayError {
            logger.error("\(error.message)", metadata: ["code": .string(error.code)])
            throw ExitCode(error.exitStatus)
        }

        let limits = ConnectionGuard.Limits(headerTimeout: settings.headerTimeout,
                                            requestTimeout: settings.requestTimeout)
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionGuard(limits: limits)],
            idleTimeout: nil,
            httpDecoderConfiguration: .init(maxHeaderFieldSize: settings.maxHeaderBytes,
                                            maxHeaderListSize: settings.maxHeaderBytes, maxHeaderFieldCount: 200))
        let host = settings.host
        var hbLogger = Logger(label: "wxpay-server")
        hbLogger.logLevel = .warning
        let app = Application(
            responder: CallbackResponder { (request: Request, _: ServerContext) in await server.respond(request) },
            server: .http1(configuration: http1),
            configuration: .init(address: .hostname(host, port: settings.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let shown = host.contains(":") ? "[\(host)]" : host
                var line = (try? JSONCoding.encode(["listening": JSONValue.string("http://\(shown):\(port)")]
                    as JSONValue)) ?? []
                line.append(0x0A)
                System.writeAll(fd: 1, line)
                logger.info("serving", metadata: [
                    "routes": .string(settings.routes.map(\.rawValue).joined(separator: ",")),
                    "port": .stringConvertible(port),
                ])
            },
            logger: hbLogger
        )
        try await app.runService()
        try? await server.pool.shutdownGracefully()
        logger.info("stopped")
    }
}
