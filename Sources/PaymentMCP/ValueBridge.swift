import FoundationEssentials
import KitCore
import MCP
import WxPayCore

/// Converts between the SDK's `Value` and the core's `JSONValue` by way of their JSON text, so that both sides keep
/// their own decoding rules (integers stay integers, a data URL stays a string on the core's side).
enum ValueBridge {
    /// The core's view of an MCP value; a value that does not survive JSON is `BAD_EVENT`.
    static func json(_ value: Value) throws(WxPayError) -> JSONValue {
        do { return try JSONCoding.value(from: try JSONEncoder().encode(value)) } catch {
            throw .badEvent("the tool arguments are not valid JSON")
        }
    }

    /// The SDK's view of a core value.
    static func value(_ json: JSONValue) throws -> Value {
        try JSONDecoder().decode(Value.self, from: Data(try JSONCoding.encode(json)))
    }
}
