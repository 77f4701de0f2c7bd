import FoundationEssentials
import HTTPTypes
import Hummingbird
import Logging
import MCP
import NIOCore
import PaymentMCP

/// `POST /mcp`: the payment tools over MCP Streamable HTTP (docs/server.md#remote-mcp), the same tools, arguments,
/// results and idempotency as `wxpay-mcp` on stdio. Sessions live in ``RemoteMCPEndpoint``; this type only converts
/// between Hummingbird's request and response and the SDK's framework-neutral ones. A GET (the optional stream for
/// server-initiated messages) answers 405: the payment tools never send any, and no request outlives its answer, so
/// SIGTERM's drain always ends.
struct MCPRoute: Sendable {
    let endpoint: RemoteMCPEndpoint

    /// The endpoint for the tools `WXPAY_MCP_TOOLS` / `WXPAY_MCP_DISABLE` select.
    /// - Throws: `USAGE` when a list names an unknown tool.
    init(environment: [String: String], loopbackOnly: Bool, logger: Logger) throws {
        let selection = try ToolSelection(allow: environment["WXPAY_MCP_TOOLS"], deny: environment["WXPAY_MCP_DISABLE"])
        var budget = 10.0
        if let text = environment["WXPAY_TIME_BUDGET_MS"], let ms = Int(text), (1...900_000).contains(ms) {
            budget = Double(ms) / 1000
        }
        let tools = PaymentMCPServer(selection: selection, executor: ToolCallExecutor(logger: logger, defaultBudget: budget))
        endpoint = RemoteMCPEndpoint(tools: tools, loopbackOnly: loopbackOnly, logger: logger)
    }

    /// The methods the route takes.
    static let methods: [HTTPTypes.HTTPRequest.Method] = [.post, .delete]

    /// Answers one request whose body is `body`.
    func respond(_ request: Request, body: [UInt8]) async -> Response {
        var headers: [String: String] = [:]
        for field in request.headers where headers[field.name.canonicalName] == nil {
            headers[field.name.canonicalName] = field.value
        }
        let answer = await endpoint.handle(MCP.HTTPRequest(method: request.method.rawValue, headers: headers,
                                                           body: body.isEmpty ? nil : Data(body),
                                                           path: request.uri.path))
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        let status = HTTPResponse.Status(code: answer.statusCode)
        switch answer {
        case .stream(let stream, _):
            return Response(status: status, headers: fields, body: ResponseBody { writer in
                for try await chunk in stream { try await writer.write(ByteBuffer(bytes: chunk)) }
                try await writer.finish(nil)
            })
        default:
            let data = answer.bodyData.map { [UInt8]($0) } ?? []
            return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
