import FunctionKit
import MCP
import WxPayCore
import WxPayOperations

/// The MCP server: lists the enabled payment tools and routes `tools/call` to ``ToolCallExecutor``.
public struct PaymentMCPServer: Sendable {
    /// The tools this server lists and serves.
    public let selection: ToolSelection
    /// Runs each `tools/call` on the shared core.
    public let executor: ToolCallExecutor

    /// A server for `selection`, calling the core through `executor`.
    public init(selection: ToolSelection, executor: ToolCallExecutor) {
        self.selection = selection
        self.executor = executor
    }

    /// The tools as `tools/list` shows them: name, title, description and input schema from the OpenAI tool
    /// definitions, plus behaviour hints.
    public var listedTools: [Tool] {
        selection.enabled.map { tool in
            let entry = ToolCatalog.entry(tool)
            let hints = ToolCatalog.hints(tool)
            return Tool(
                name: tool.rawValue, title: ToolCatalog.title(tool), description: entry.description,
                inputSchema: (try? ValueBridge.value(entry.inputSchema)) ?? .object(["type": "object"]),
                annotations: .init(title: ToolCatalog.title(tool), readOnlyHint: hints.readOnly,
                                   destructiveHint: hints.destructive, idempotentHint: hints.idempotent,
                                   openWorldHint: true))
        }
    }

    /// Serves one session on `transport` until the client closes it.
    public func serve(transport: any Transport) async throws {
        let server = await makeServer()
        try await server.start(transport: transport)
        await server.waitUntilCompleted()
        await server.stop()
    }

    /// An MCP server with the tool handlers registered, not yet started: ``serve(transport:)`` runs one over stdio;
    /// `wxpay-server` starts one on its Streamable HTTP transport.
    public func makeServer() async -> Server {
        let server = Server(name: "wxpay-mcp", version: wxpayKitVersion, title: "WeChat Pay for agents",
                            instructions: PaymentMCPServer.instructions,
                            capabilities: .init(tools: .init(listChanged: false)))
        let tools = listedTools
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: tools) }
        await server.withMethodHandler(CallTool.self) { [selection, executor] params in
            guard let tool = selection.tool(named: params.name) else {
                // A tool that is not listed does not exist for this client: a protocol error (MCP: -32602).
                throw MCPError.invalidParams("Unknown tool: \(params.name) (this server serves "
                    + "\(selection.enabled.map(\.rawValue).joined(separator: ", ")))")
            }
            return await executor.call(tool, arguments: params.arguments)
        }
        return server
    }

    /// What the server tells the model about the tools (MCP `instructions`).
    public static let instructions = """
        WeChat Pay tools. Amounts are integers in fen (1 CNY = 100 fen). Use a stable idempotency_key per purchase \
        (e.g. the conversation id): retrying with the same key never charges twice. After create_payment_intent, \
        show the user the confirmation and poll get_payment_status. If a result has status "expired", follow its \
        next_action: ask the user again and call create_payment_intent with the next attempt, or offer the fallback \
        link. Failures come back as {"error": {"code", "message", "retryable"}}.
        """
}
