import FoundationEssentials
import KitCore
import Logging
import MCP

/// The payment tools over MCP Streamable HTTP (`wxpay-server`'s `/mcp`): one MCP session per client, each a server
/// with the same tools and handlers as `wxpay-mcp` on its own transport. An `initialize` POST without
/// `Mcp-Session-Id` opens a session; its id (random, 122 bits) names it on every later request; DELETE, idleness
/// (`idleTimeout`) or the session cap (`maxSessions`, the least recently used goes) close it. A request naming an
/// unknown session answers 404, which tells an MCP client to start a new one.
///
/// The HTTP server in front of this authenticates (bearer token) and bounds request sizes; this type only routes.
public actor RemoteMCPEndpoint {
    private struct Session {
        let server: Server
        let transport: StatefulHTTPServerTransport
        var lastUsed: ContinuousClock.Instant
    }

    private var sessions: [String: Session] = [:]
    private let tools: PaymentMCPServer
    private let validation: any HTTPRequestValidationPipeline
    private let logger: Logger
    /// Sessions kept at once.
    public let maxSessions: Int
    /// A session unused this long is closed.
    public let idleTimeout: Duration

    /// An endpoint serving `tools`.
    /// - Parameter loopbackOnly: `true` when the server listens on loopback: then `Host` and `Origin` must name a
    ///   loopback address (the SDK's DNS-rebinding protection). A server on a public address is reached by its own
    ///   host name, so the check is off there, and the bearer token (which a rebinding page cannot send) protects it.
    public init(tools: PaymentMCPServer, loopbackOnly: Bool, maxSessions: Int = 256,
                idleTimeout: Duration = .seconds(1800), logger: Logger)
    {
        self.tools = tools
        self.maxSessions = maxSessions
        self.idleTimeout = idleTimeout
        self.logger = logger
        validation = StandardValidationPipeline(validators: [
            loopbackOnly ? OriginValidator.localhost() : OriginValidator.disabled,
            AcceptHeaderValidator(mode: .sseRequired),
            ContentTypeValidator(),
            ProtocolVersionValidator(),
            SessionValidator(),
        ])
    }

    /// The number of open sessions.
    public var openSessions: Int { sessions.count }

    /// Answers one HTTP request to the MCP endpoint.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        closeIdle()
        if let id = request.header(HTTPHeaderName.sessionID) {
            guard var session = sessions[id] else {
                return .error(statusCode: 404, .invalidRequest("Not Found: no such session (closed or expired)"))
            }
            session.lastUsed = .now
            sessions[id] = session
            let response = await session.transport.handleRequest(request)
            if request.method.uppercased() == "DELETE", response.statusCode == 200 {
                sessions[id] = nil
                await session.transport.disconnect()
            }
            return response
        }
        guard request.method.uppercased() == "POST", let body = request.body,
              RemoteMCPEndpoint.isInitialize(body)
        else {
            return .error(statusCode: 400,
                          .invalidRequest("Bad Request: no Mcp-Session-Id header; a session starts with initialize"))
        }
        while sessions.count >= maxSessions, let oldest = sessions.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
            await close(oldest.key)
        }
        let id = UUID().uuidString
        let transport = StatefulHTTPServerTransport(sessionIDGenerator: FixedSessionID(id: id),
                                                    validationPipeline: validation, logger: logger)
        let server = await tools.makeServer()
        do {
            try await server.start(transport: transport)
        } catch {
            await transport.disconnect()
            return .error(statusCode: 500, .internalError("cannot start an MCP session"))
        }
        sessions[id] = Session(server: server, transport: transport, lastUsed: .now)
        let response = await transport.handleRequest(request)
        if case .error = response {
            await close(id)
        }
        return response
    }

    /// Closes every session (shutdown: ends their open streams so that draining can finish).
    public func closeAll() async {
        for id in Array(sessions.keys) { await close(id) }
    }

    private func close(_ id: String) async {
        guard let session = sessions.removeValue(forKey: id) else { return }
        await session.transport.disconnect()
        await session.server.stop()
    }

    private func closeIdle() {
        let now = ContinuousClock.now
        for (id, session) in sessions where session.lastUsed.duration(to: now) > idleTimeout {
            sessions[id] = nil
            Task { await session.transport.disconnect(); await session.server.stop() }
        }
    }

    /// Whether `body` is a JSON-RPC `initialize` request (a single message, not a batch).
    static func isInitialize(_ body: Data) -> Bool {
        guard let message = try? JSONCoding.value(from: Array(body)) else { return false }
        return message["method"]?.stringValue == "initialize" && message["id"] != nil
    }
}

/// Hands the transport the session id the endpoint chose (so that the endpoint can file the session under it).
private struct FixedSessionID: SessionIDGenerator {
    let id: String
    func generateSessionID() -> String { id }
}
