import Foundation
import KitCore
import WxPayCore
import WxPayCrypto
import WxPayTestSupport

/// Events as the functions receive them.
enum Event {
    /// A create-intent input: `amount` fen for `description`, keyed `key`, plus `extra` fields.
    static func intent(key: String, amount: Int64 = 1999, description: String = "Annual plan, Acme Notes",
                       _ extra: [String: JSONValue] = [:]) -> JSONValue
    {
        JSONValue.object(["amount": .int(amount), "description": .string(description),
                          "idempotency_key": .string(key)].merging(extra) { $1 })
    }

    /// A plain HTTP envelope around `input`.
    static func http(_ input: JSONValue) throws -> JSONValue {
        ["httpMethod": "POST", "headers": ["Content-Type": "application/json"],
         "body": .string(try JSONCoding.string(input)), "isBase64Encoded": false]
    }

    /// An API Gateway HTTP API (payload 2.0) event around `input`.
    static func apiGateway(_ input: JSONValue) throws -> JSONValue {
        ["version": "2.0", "routeKey": "POST /fn", "rawPath": "/fn", "headers": ["content-type": "application/json"],
         "requestContext": ["http": ["method": "POST", "path": "/fn"], "requestId": "r-1"],
         "body": .string(try JSONCoding.string(input)), "isBase64Encoded": false]
    }

    /// An OpenAI tool call of `tool` with `input` as its JSON-string arguments.
    static func toolCall(_ tool: String, _ input: JSONValue, id: String = "call_test") throws -> JSONValue {
        ["id": .string(id), "type": "function",
         "function": ["name": .string(tool), "arguments": .string(try JSONCoding.string(input))]]
    }
}

/// A fresh idempotency key, like a new conversation's thread id.
func freshKey(_ prefix: String = "thread") -> String { prefix + "_" + SecureRandom.alphanumeric(16) }

/// A syntactically valid openid.
let sampleOpenID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"

/// Validates JSON instances against the schemas in `functions/` with `Tests/tools/validate.py` (Python
/// `jsonschema`, test tooling only).
enum SchemaCheck {
    /// One instance to check: `schema` is a path like `functions/refund/output.schema.json`.
    struct Item {
        var schema: String
        var instance: JSONValue
        var label: String
    }

    static var script: String { Executables.packageRoot + "/Tests/tools/validate.py" }

    /// The validator's complaints about `items` (empty when every instance is valid).
    static func errors(_ items: [Item]) throws -> [String] {
        let list = JSONValue.array(items.map { ["schema": .string($0.schema), "instance": $0.instance, "label": .string($0.label)] })
        let result = try runProcess(try Executables.python(), [script, "instances"], stdin: try JSONCoding.encode(list),
                                    environment: ProcessInfo.processInfo.environment)
        return try report(result)
    }

    /// The validator's complaints about the sample events, schemas and tool definitions in `functions/`.
    static func sampleErrors() throws -> [String] {
        let result = try runProcess(try Executables.python(), [script, "samples"],
                                    environment: ProcessInfo.processInfo.environment)
        return try report(result)
    }

    private static func report(_ result: ProcessResult) throws -> [String] {
        guard result.status == 0 || result.status == 1, let value = try? result.json(), value["ok"] != nil else {
            throw SetupFailure("validate.py failed: \(result)")
        }
        return (value["errors"]?.arrayValue ?? []).map {
            "\($0["label"]?.stringValue ?? ""): \($0["message"]?.stringValue ?? "")"
        }
    }
}
