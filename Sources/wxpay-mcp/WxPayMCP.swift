import ArgumentParser
import FunctionKit
import KitCore
import Logging
import MCP
import PaymentMCP
import WxPayCore
import WxPayOperations

/// `wxpay-mcp`: the payment tools as a Model Context Protocol server over stdio (docs/functions.md#wxpay-mcp).
///
/// Standard output is the MCP channel and carries nothing but JSON-RPC messages; logs are JSON lines on stderr.
/// Each `tools/call` reads the environment and the secrets file anew, so key rotation needs no restart.
@main
struct WxPayMCP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wxpay-mcp",
        abstract: "Serve the WeChat Pay tools (create, status, cancel, refund) over MCP on stdio.",
        discussion: """
            TOOLS   create_payment_intent, get_payment_status, cancel_payment_intent, refund_payment: the same
                    arguments and results as the OpenAI tool definitions and the function executables; a failure is
                    an isError result whose structuredContent is {"error": {"code", "message", "retryable", ...}}.
            ENV     WXPAY_SECRETS_URL or WXPAY_SECRETS_FILE (read anew on every call), WXPAY_MCP_TOOLS (allow-list,
                    comma-separated), WXPAY_MCP_DISABLE (deny-list), WXPAY_TIME_BUDGET_MS (per call, default 10000),
                    WXPAY_MAX_ATTEMPTS, WXPAY_RISK_RULES, WXPAY_RISK_STORE (refund_payment's history across
                    invocations; WXPAY_RISK_STORE_TIMEOUT_MS, default 5), LOG_LEVEL (logs go to stderr).
            HOST    Claude Desktop: {"mcpServers": {"wxpay": {"command": "/path/to/wxpay-mcp",
                    "env": {"WXPAY_SECRETS_FILE": "/path/to/secrets.json"}}}}
            """,
        version: "wxpay-mcp \(wxpayKitVersion)"
    )

    @Option(help: "Serve only these tools (comma-separated; overrides WXPAY_MCP_TOOLS).") var tools: String?
    @Option(help: "Never serve these tools (comma-separated; overrides WXPAY_MCP_DISABLE).") var disable: String?

    func run() async throws {
        let environment = System.environment()
        let level = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        let logger = Logger(label: "wxpay-mcp") { JSONLogHandler(label: $0, level: level) }

        let selection: ToolSelection
        do throws(WxPayError) {
            selection = try ToolSelection(allow: tools ?? environment["WXPAY_MCP_TOOLS"],
                                          deny: disable ?? environment["WXPAY_MCP_DISABLE"])
        } catch {
            logger.error("\(error.message)", metadata: ["code": .string(error.code)])
            throw ExitCode(error.exitStatus)
        }

        let server = PaymentMCPServer(selection: selection, executor: ToolCallExecutor(logger: logger))
        logger.info("serving", metadata: ["tools": .array(selection.enabled.map { .string($0.rawValue) })])
        try await server.serve(transport: StdioTransport(logger: logger))
        logger.info("client closed the session")
    }
}
