import Foundation
import KitCore
import MCP
import Testing
import WxPayCore
import WxPayTestSupport

/// `wxpay-mcp` as an MCP host sees it: the real binary, driven over its stdin/stdout by the SDK's client (or by
/// hand, for the wire format), against a real emulator process.
@Suite("wxpay-mcp: MCP sessions against the emulator", .serialized)
struct MCPSessionTests {
    /// An emulator, a scratch directory and the environment a host would give the server.
    final class Fixture: @unchecked Sendable {
        let emulator: EmulatorProcess
        let directory: TemporaryDirectory

        init() throws {
            emulator = try EmulatorProcess.forMCP()
            directory = try TemporaryDirectory(prefix: "wxpay-mcp-tests")
        }

        deinit { directory.remove() }

        func environment(_ extra: [String: String] = [:]) -> [String: String] {
            ["WXPAY_SECRETS_FILE": emulator.secretsPath, "WXPAY_TIME_BUDGET_MS": "15000", "LOG_LEVEL": "info"]
                .merging(extra) { _, new in new }
        }

        func server(_ extra: [String: String] = [:], arguments: [String] = []) throws -> MCPServerProcess {
            try MCPServerProcess(environment: environment(extra), arguments: arguments, in: directory)
        }
    }

    static let allTools = ["create_payment_intent", "get_payment_status", "cancel_payment_intent", "refund_payment",
                           "get_refund_status"]

    /// Calls a tool and returns (isError, the structured result, the text content parsed as JSON, the bytes of the
    /// PNG image after the text, if any). Any other shape of content fails.
    func call(_ client: Client, _ name: String, _ arguments: JSONValue) async throws
        -> (isError: Bool, structured: JSONValue, text: JSONValue, png: [UInt8]?)
    {
        let args = try JSONDecoder().decode([String: Value].self, from: Data(JSONCoding.encode(arguments)))
        let result = try await client.send(CallTool.request(.init(name: name, arguments: args))).value
        guard (1...2).contains(result.content.count), case .text(let text, _, _) = result.content[0] else {
            throw SetupFailure("expected a text content item (and at most an image), got \(result.content)")
        }
        var png: [UInt8]? = nil
        if result.content.count == 2 {
            guard case .image(let data, let mimeType, _, _) = result.content[1], mimeType == "image/png",
                  let bytes = Base64Codec.standard.decode(data)
            else { throw SetupFailure("expected a base64 PNG image after the text, got \(result.content[1])") }
            png = bytes
        }
        let structured = try JSONCoding.value(from: JSONEncoder().encode(result.structuredContent ?? .null))
        return (result.isError ?? false, structured, try JSONCoding.value(from: Array(text.utf8)), png)
    }

    func createArguments(_ key: String, amount: Int64 = 1999) -> JSONValue {
        ["amount": .int(amount), "description": "Jasmine tea 250 g", "idempotency_key": .string(key),
         "channel": "native"]
    }

    // MARK: initialize, tools/list

    @Test("initialize negotiates the protocol and announces tools; tools/list lists the five payment tools")
    func initializeAndList() async throws {
        let fixture = try Fixture()
        let server = try fixture.server()
        let (client, initialized) = try await server.connectClient()
        #expect(initialized.serverInfo.name == "wxpay-mcp")
        #expect(initialized.capabilities.tools != nil)
        #expect(Version.supported.contains(initialized.protocolVersion))

        let (tools, cursor) = try await client.listTools()
        #expect(tools.map(\.name) == Self.allTools)
        #expect(cursor == nil)
        for tool in tools {
            #expect(tool.description?.isEmpty == false, "\(tool.name) has a description")
            #expect(tool.inputSchema.objectValue?["type"] == .string("object"), "\(tool.name)'s schema is an object")
        }
        #expect(tools.first { $0.name == "get_payment_status" }?.annotations.readOnlyHint == true)
        #expect(tools.first { $0.name == "refund_payment" }?.annotations.destructiveHint == true)
        let refundStatus = try #require(tools.first { $0.name == "get_refund_status" })
        #expect(refundStatus.annotations.readOnlyHint == true)
        #expect(refundStatus.annotations.destructiveHint == false)
        #expect(refundStatus.annotations.idempotentHint == true)
        #expect(refundStatus.annotations.title == "Get a refund's status")
        await client.disconnect()
        #expect(server.finish() == 0, "the server exits 0 when the host closes stdin")
    }

    @Test("the input schemas are the OpenAI tool definitions' parameters (functions/tools.json)")
    func schemasMatchToolsFile() async throws {
        let file = try JSONCoding.value(from: System.readFile(Executables.packageRoot + "/functions/tools.json"))
        let definitions = file.arrayValue ?? file["tools"]?.arrayValue ?? []
        var expected: [String: (description: JSONValue?, parameters: JSONValue?)] = [:]
        for d in definitions {
            if let name = d["function"]?["name"]?.stringValue {
                expected[name] = (d["function"]?["description"], d["function"]?["parameters"])
            }
        }
        #expect(Set(expected.keys) == Set(Self.allTools))

        let fixture = try Fixture()
        let server = try fixture.server()
        let (client, _) = try await server.connectClient()
        let (tools, _) = try await client.listTools()
        #expect(tools.map(\.name) == Self.allTools)
        for tool in tools {
            let schema = try JSONCoding.value(from: JSONEncoder().encode(tool.inputSchema))
            #expect(schema == expected[tool.name]?.parameters, "inputSchema of \(tool.name)")
            #expect(tool.description.map(JSONValue.string) == expected[tool.name]?.description,
                    "description of \(tool.name)")
        }
        await client.disconnect()
        server.finish()
    }

    // MARK: tools/call

    @Test("create → same call replays the same intent → pay (control API) → status succeeded → refund")
    func paymentLifecycle() async throws {
        let fixture = try Fixture()
        let server = try fixture.server()
        let (client, _) = try await server.connectClient()
        let key = "mcp-thread-\(UUID().uuidString.prefix(8))"

        let created = try await call(client, "create_payment_intent", createArguments(key))
        #expect(!created.isError, "\(created.structured)")
        #expect(created.structured == created.text, "structuredContent and the text content carry the same object")
        let intent = try #require(created.structured["intent_id"]?.stringValue)
        #expect(created.structured["status"] == "requires_confirmation")
        #expect(created.structured["amount"] == 1999)
        #expect(created.structured["confirmation_url"]?.stringValue?.hasPrefix("weixin://") == true)
        #expect(created.structured["replayed"] == false)

        let again = try await call(client, "create_payment_intent", createArguments(key))
        #expect(again.structured["intent_id"]?.stringValue == intent)
        #expect(again.structured["replayed"] == true)
        #expect(try fixture.emulator.control("GET", "/_emulator/stats").json["orders_created"] == 1,
                "the same idempotency key never makes a second order")

        let pending = try await call(client, "get_payment_status", ["intent_id": .string(intent)])
        #expect(pending.structured["status"] == "requires_confirmation")

        let paid = try fixture.emulator.control("POST", "/_emulator/orders/\(intent)/pay", ["openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"])
        #expect(paid.status == 200)

        let status = try await call(client, "get_payment_status", ["idempotency_key": .string(key), "wait": 5])
        #expect(!status.isError)
        #expect(status.structured["status"] == "succeeded")
        #expect(status.structured["transaction_id"]?.stringValue?.isEmpty == false)

        let refund = try await call(client, "refund_payment", [
            "intent_id": .string(intent), "amount": 500, "idempotency_key": .string(key + "/refund-1"),
            "reason": "Tea arrived damaged",
        ])
        #expect(!refund.isError, "\(refund.structured)")
        #expect(["processing", "succeeded"].contains(refund.structured["status"]?.stringValue ?? ""))
        let refunds = try fixture.emulator.control("GET", "/_emulator/refunds").json["refunds"]?.arrayValue ?? []
        #expect(refunds.count == 1)
        #expect(refunds.first?["out_trade_no"]?.stringValue == intent)
        #expect(refunds.first?["amount"]?["refund"] == 500)

        let outRefundNo = try #require(refund.structured["out_refund_no"]?.stringValue)
        let refundStatus = try await call(client, "get_refund_status", ["out_refund_no": .string(outRefundNo)])
        #expect(!refundStatus.isError, "\(refundStatus.structured)")
        #expect(refundStatus.structured["out_refund_no"]?.stringValue == outRefundNo)
        #expect(refundStatus.structured["refund_id"] == refund.structured["refund_id"])
        #expect(refundStatus.structured["amount"] == 500)
        #expect(["processing", "succeeded"].contains(refundStatus.structured["status"]?.stringValue ?? ""))
        let unknown = try await call(client, "get_refund_status", ["out_refund_no": "rf000000000000000000000000000000"])
        #expect(unknown.isError)
        #expect(unknown.structured["error"]?["code"] == "REFUND_NOT_FOUND")
        #expect(try fixture.emulator.control("GET", "/_emulator/refunds").json["refunds"]?.arrayValue?.count == 1,
                "get_refund_status never refunds")

        await client.disconnect()
        #expect(server.finish() == 0)
    }

    @Test("a paid intent cannot be cancelled; an unpaid one is closed by cancel_payment_intent")
    func cancel() async throws {
        let fixture = try Fixture()
        let server = try fixture.server()
        let (client, _) = try await server.connectClient()
        let key = "mcp-cancel-\(UUID().uuidString.prefix(8))"
        let created = try await call(client, "create_payment_intent", createArguments(key, amount: 300))
        let intent = try #require(created.structured["intent_id"]?.stringValue)

        let cancelled = try await call(client, "cancel_payment_intent", ["idempotency_key": .string(key)])
        #expect(!cancelled.isError, "\(cancelled.structured)")
        #expect(cancelled.structured["status"] == "closed")
        let order = try fixture.emulator.control("GET", "/_emulator/orders/\(intent)").json
        #expect(order["trade_state"] == "CLOSED")

        let paidKey = key + "-paid"
        let paid = try await call(client, "create_payment_intent", createArguments(paidKey, amount: 400))
        let paidIntent = try #require(paid.structured["intent_id"]?.stringValue)
        #expect(try fixture.emulator.control("POST", "/_emulator/orders/\(paidIntent)/pay").status == 200)
        let refused = try await call(client, "cancel_payment_intent", ["intent_id": .string(paidIntent)])
        #expect(refused.isError)
        #expect(refused.structured["error"]?["code"] == "WECHAT_REFUSED")
        #expect(refused.structured["error"]?["wechat_code"] == "ORDERPAID")
        await client.disconnect()
        server.finish()
    }

    @Test("a bad argument is an isError result carrying the error object, and nothing reaches WeChat Pay")
    func badArgument() async throws {
        let fixture = try Fixture()
        let server = try fixture.server()
        let (client, _) = try await server.connectClient()

        let wrongType = try await call(client, "create_payment_intent", [
            "amount": "nineteen", "description": "Tea", "idempotency_key": "k-1", "channel": "native",
        ])
        #expect(wrongType.isError)
        #expect(wrongType.structured["error"]?["code"] == "INVALID_FIELD")
        #expect(wrongType.structured["error"]?["field"] == "amount")
        #expect(wrongType.structured["error"]?["retryable"] == false)
        #expect(wrongType.text == wrongType.structured)

        let outOfRange = try await call(client, "create_payment_intent", [
            "amount": 0, "description": "Tea", "idempotency_key": "k-2", "channel": "native",
        ])
        #expect(outOfRange.isError)
        #expect(outOfRange.structured["error"]?["code"] == "INVALID_FIELD")

        let noLookup = try await call(client, "get_payment_status", [:])
        #expect(noLookup.isError)
        #expect(noLookup.structured["error"]?["code"] == "INVALID_FIELD")

        let stats = try fixture.emulator.control("GET", "/_emulator/stats").json
        #expect(stats["prepay_requests"] == 0, "a bad event never causes a call to WeChat Pay")
        await client.disconnect()
        server.finish()
    }

    // MARK: Tool switches

    @Test("WXPAY_MCP_DISABLE: the tool is absent from tools/list and refused on tools/call")
    func disabledTool() async throws {
        let fixture = try Fixture()
        let server = try fixture.server(["WXPAY_MCP_DISABLE": "refund_payment"])
        let (client, _) = try await server.connectClient()
        let (tools, _) = try await client.listTools()
        #expect(tools.map(\.name) == ["create_payment_intent", "get_payment_status", "cancel_payment_intent",
                                      "get_refund_status"])

        await #expect(throws: MCPError.self) {
            _ = try await client.send(CallTool.request(.init(name: "refund_payment", arguments: [
                "intent_id": "ai0123456789abcdef01234567-1", "idempotency_key": "r-1", "reason": "test",
            ]))).value
        }
        do {
            _ = try await client.send(CallTool.request(.init(name: "refund_payment", arguments: [:]))).value
            Issue.record("the disabled tool refund_payment was called")
        } catch let error as MCPError {
            #expect(error.code == -32602, "unknown tool: JSON-RPC invalid params, as MCP specifies")
        }
        #expect(try fixture.emulator.control("GET", "/_emulator/stats").json["refund_requests"] == 0)
        await client.disconnect()
        server.finish()
    }

    @Test("WXPAY_MCP_TOOLS allow-lists; --disable narrows further")
    func allowList() async throws {
        let fixture = try Fixture()
        let server = try fixture.server(["WXPAY_MCP_TOOLS": "create_payment_intent, get_payment_status"],
                                        arguments: ["--disable", "create_payment_intent"])
        let (client, _) = try await server.connectClient()
        let (tools, _) = try await client.listTools()
        #expect(tools.map(\.name) == ["get_payment_status"])
        await #expect(throws: MCPError.self) {
            _ = try await client.send(CallTool.request(.init(name: "create_payment_intent", arguments: [
                "amount": 100, "description": "Tea", "idempotency_key": "k", "channel": "native",
            ]))).value
        }
        #expect(try fixture.emulator.control("GET", "/_emulator/stats").json["prepay_requests"] == 0)
        await client.disconnect()
        server.finish()
    }

    @Test("a tool switch naming an unknown tool stops the server at start (exit 64), stdout untouched")
    func unknownToolInSwitch() throws {
        let fixture = try Fixture()
        let server = try fixture.server(["WXPAY_MCP_DISABLE": "refund"])
        let status = server.finish()
        #expect(status == 64)
        #expect(server.readAllStdout().isEmpty)
        #expect(server.stderr.contains("WXPAY_MCP_DISABLE names an unknown tool refund"))
    }

    // MARK: Secrets per call

    @Test("the secrets file is read anew on every call: a rotation between two calls of one session takes effect")
    func secretsRotation() async throws {
        let fixture = try Fixture()
        let server = try fixture.server()
        let (client, _) = try await server.connectClient()
        let key = "mcp-rotate-\(UUID().uuidString.prefix(8))"
        let original = try System.readFile(fixture.emulator.secretsPath)

        let first = try await call(client, "create_payment_intent", createArguments(key))
        #expect(!first.isError)

        // Rotate to a merchant key the emulator does not know: the very next call signs with it and is refused.
        try fixture.emulator.rewriteSecrets { $0["merchant_serial_no"] = "0000000000000000000000000000000000000001" }
        let rotated = try await call(client, "get_payment_status", ["idempotency_key": .string(key)])
        #expect(rotated.isError, "\(rotated.structured)")
        #expect(rotated.structured["error"]?["code"] == "WECHAT_SIGN_ERROR")

        // A broken file: SECRETS_INVALID, and still no restart needed.
        try fixture.emulator.rewriteSecrets { $0["mchid"] = nil }
        let broken = try await call(client, "get_payment_status", ["idempotency_key": .string(key)])
        #expect(broken.isError)
        #expect(broken.structured["error"]?["code"] == "SECRETS_INVALID")
        #expect(!server.stderr.contains("PRIVATE KEY"), "no secret in the logs")

        // Back to the good file: the same session works again.
        try Data(original).write(to: URL(fileURLWithPath: fixture.emulator.secretsPath))
        let restored = try await call(client, "get_payment_status", ["idempotency_key": .string(key)])
        #expect(!restored.isError, "\(restored.structured)")
        #expect(restored.structured["status"] == "requires_confirmation")
        await client.disconnect()
        server.finish()
    }

    // MARK: The wire

    @Test("by hand: newline-delimited JSON-RPC 2.0; stdout carries nothing else, logs go to stderr")
    func wireFormat() throws {
        let fixture = try Fixture()
        let server = try fixture.server(["LOG_LEVEL": "debug"])
        try server.send(.rpc(1, "initialize", [
            "protocolVersion": "2025-06-18", "capabilities": [:],
            "clientInfo": ["name": "by-hand", "version": "1"],
        ]))
        let initialized = try server.response(id: 1)
        #expect(initialized["result"]?["protocolVersion"] == "2025-06-18")
        #expect(initialized["result"]?["capabilities"]?["tools"] != nil)
        try server.send(.notification("notifications/initialized"))
        try server.send(.rpc(2, "tools/list"))
        let list = try server.response(id: 2)
        #expect(list["result"]?["tools"]?.arrayValue?.count == 5)
        try server.send(.rpc(3, "tools/call", ["name": "create_payment_intent", "arguments": [
            "amount": 100, "description": "Tea", "idempotency_key": "wire-1", "channel": "native",
        ]]))
        let created = try server.response(id: 3)
        #expect(created["result"]?["isError"] == false)
        #expect(created["result"]?["content"]?[0]?["type"] == "text")
        #expect(created["result"]?["content"]?[1]?["type"] == "image", "a native intent's QR code follows the text")
        #expect(created["result"]?["content"]?[1]?["mimeType"] == "image/png")
        #expect(created["result"]?["content"]?[1]?["data"]?.stringValue?.hasPrefix("iVBORw0KGgo") == true, "base64 PNG")
        #expect(created["result"]?["structuredContent"]?["status"] == "requires_confirmation")
        try server.send(.rpc(4, "tools/call", ["name": "create_payment_intent", "arguments": ["amount": -1]]))
        let failed = try server.response(id: 4)
        #expect(failed["result"]?["isError"] == true)
        #expect(failed["result"]?["structuredContent"]?["error"]?["code"] == "INVALID_FIELD")

        #expect(server.finish() == 0)
        let stdout = server.readAllStdout()
        #expect(stdout.count >= 4, "the four responses at least: \(stdout)")
        for line in stdout {
            let message = try JSONCoding.value(from: Array(line.utf8))
            #expect(message["jsonrpc"] == "2.0", "stdout line is JSON-RPC: \(line)")
        }
        let logs = server.stderr.split(separator: "\n")
        #expect(!logs.isEmpty)
        for line in logs {
            #expect((try? JSONCoding.value(from: Array(line.utf8)))?["level"] != nil, "stderr line is a JSON log: \(line)")
        }
        #expect(server.stderr.contains("wechat call"), "the core's WeChat call log went to stderr")
    }
}

extension JSONValue {
    /// Array element `index`, or `nil`.
    subscript(index: Int) -> JSONValue? {
        guard let a = arrayValue, a.indices.contains(index) else { return nil }
        return a[index]
    }
}
