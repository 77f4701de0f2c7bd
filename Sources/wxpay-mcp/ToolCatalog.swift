import WxPayCore
import WxPayOperations

/// The OpenAI tool definitions of the four payment tools, embedded so that the server needs no repository file at
/// run time. The text is a verbatim copy of `functions/tools.json` (MCPTests compares the two): one definition per
/// tool, `{"type": "function", "function": {"name", "description", "parameters"}}`, where `parameters` is the JSON
/// Schema of the tool's arguments and becomes the MCP tool's `inputSchema`.
enum ToolCatalog {
    /// One tool as MCP lists it.
    struct Entry: Sendable {
        var tool: PaymentTool
        var description: String
        var inputSchema: JSONValue
    }

    /// The four entries, parsed once from ``openAIToolsJSON``. A definition that does not parse or lacks a tool is
    /// a build defect, caught by the tests (every tool is listed), so it traps.
    static let entries: [PaymentTool: Entry] = {
        guard let parsed = try? JSONCoding.value(from: Array(openAIToolsJSON.utf8)) else {
            fatalError("ToolCatalog.openAIToolsJSON is not JSON")
        }
        let list = parsed.arrayValue ?? parsed["tools"]?.arrayValue ?? []
        var entries: [PaymentTool: Entry] = [:]
        for definition in list {
            guard let function = definition["function"], let name = function["name"]?.stringValue,
                  let tool = PaymentTool(rawValue: name)
            else { continue }
            entries[tool] = Entry(tool: tool, description: function["description"]?.stringValue ?? "",
                                  inputSchema: function["parameters"] ?? ["type": "object"])
        }
        guard entries.count == PaymentTool.allCases.count else {
            fatalError("ToolCatalog.openAIToolsJSON lacks a definition for one of the payment tools")
        }
        return entries
    }()

    /// The entry for `tool`.
    static func entry(_ tool: PaymentTool) -> Entry { entries[tool]! }

    /// A short human title per tool (MCP `title`).
    static func title(_ tool: PaymentTool) -> String {
        switch tool {
        case .createIntent: return "Create a WeChat Pay payment intent"
        case .getStatus: return "Get a payment intent's status"
        case .cancelIntent: return "Cancel an unpaid payment intent"
        case .refund: return "Refund a WeChat Pay payment"
        }
    }

    /// MCP behaviour hints. All four tools reach WeChat Pay (open world); creating, cancelling and refunding are
    /// idempotent under their keys; cancelling and refunding cannot be undone.
    static func hints(_ tool: PaymentTool) -> (readOnly: Bool, destructive: Bool, idempotent: Bool) {
        switch tool {
        case .createIntent: return (false, false, true)
        case .getStatus: return (true, false, true)
        case .cancelIntent: return (false, true, true)
        case .refund: return (false, true, true)
        }
    }

    /// Verbatim copy of `functions/tools.json`.
    static let openAIToolsJSON = #"""
    [
      {
        "type": "function",
        "function": {
          "name": "create_payment_intent",
          "description": "Create (or find again) a WeChat Pay payment intent for this conversation and return what the user confirms in WeChat. The same idempotency_key with the same parameters always returns the same intent (replayed: true). After the intent expired, calling again with the same key returns status \"expired\" and next_action: re-prompt the user and call again with attempt N+1, or offer the fallback link.",
          "parameters": {
            "type": "object",
            "properties": {
              "amount": {"type": "integer", "minimum": 1, "maximum": 10000000000, "description": "Amount in fen (1 CNY = 100 fen)."},
              "description": {"type": "string", "minLength": 1, "maxLength": 127, "description": "What the user pays for, shown in WeChat."},
              "idempotency_key": {"type": "string", "minLength": 1, "maxLength": 128, "description": "Stable key for this purchase, e.g. the conversation thread id. Same key, same order."},
              "user_openid": {"type": "string", "description": "The payer's openid; required for the jsapi and miniprogram channels."},
              "channel": {"type": "string", "enum": ["jsapi", "miniprogram", "h5", "native", "app"], "description": "Payment channel; when absent, chosen from client."},
              "client": {
                "type": "object",
                "description": "Hints about where the user is.",
                "properties": {
                  "in_wechat": {"type": "boolean"},
                  "mini_program": {"type": "boolean"},
                  "mobile": {"type": "boolean"},
                  "ip": {"type": "string"}
                },
                "additionalProperties": false
              },
              "expires_in": {"type": "integer", "minimum": 60, "maximum": 7200, "description": "Seconds until the intent expires (default 300)."},
              "attach": {"type": "object", "description": "Merchant data carried to the payment notification."},
              "attempt": {"type": "integer", "minimum": 1, "description": "Attempt number after an expired intent (re-prompt)."},
              "on_expiry": {"type": "string", "enum": ["reprompt", "fallback_link"], "description": "What next_action to offer once the intent has expired."}
            },
            "required": ["amount", "description", "idempotency_key"],
            "additionalProperties": false
          }
        }
      },
      {
        "type": "function",
        "function": {
          "name": "get_payment_status",
          "description": "Get a payment intent's status (requires_confirmation, succeeded, expired, closed, refunded, failed), by intent_id or idempotency_key. With wait, poll until the intent reaches a final state or wait seconds pass.",
          "parameters": {
            "type": "object",
            "properties": {
              "intent_id": {"type": "string", "description": "The intent_id returned by create_payment_intent."},
              "idempotency_key": {"type": "string", "description": "The idempotency_key the intent was created with."},
              "wait": {"type": "integer", "minimum": 0, "maximum": 600, "description": "Seconds to wait for a final state."}
            },
            "additionalProperties": false
          }
        }
      },
      {
        "type": "function",
        "function": {
          "name": "cancel_payment_intent",
          "description": "Cancel (close) an unpaid payment intent, by intent_id or idempotency_key. A paid intent cannot be cancelled: refund it instead.",
          "parameters": {
            "type": "object",
            "properties": {
              "intent_id": {"type": "string", "description": "The intent_id returned by create_payment_intent."},
              "idempotency_key": {"type": "string", "description": "The idempotency_key the intent was created with."}
            },
            "additionalProperties": false
          }
        }
      },
      {
        "type": "function",
        "function": {
          "name": "refund_payment",
          "description": "Refund a paid intent in full or in part. The reason sent to WeChat Pay is a short factual summary; give it as reason or as the conversation. The same idempotency_key never refunds twice.",
          "parameters": {
            "type": "object",
            "properties": {
              "intent_id": {"type": "string", "description": "The paid intent (its out_trade_no)."},
              "out_trade_no": {"type": "string"},
              "transaction_id": {"type": "string", "description": "WeChat Pay's transaction id."},
              "amount": {"type": "integer", "minimum": 1, "description": "Fen to refund; default: the refundable remainder."},
              "idempotency_key": {"type": "string", "minLength": 1, "description": "Stable key for this refund."},
              "reason": {"type": "string", "description": "Why, in a few factual words."},
              "conversation": {
                "type": "array",
                "description": "The conversation the reason is summarized from.",
                "items": {
                  "type": "object",
                  "properties": {
                    "role": {"type": "string", "enum": ["user", "assistant"]},
                    "content": {"type": "string"}
                  },
                  "required": ["role", "content"]
                }
              }
            },
            "required": ["idempotency_key"],
            "additionalProperties": false
          }
        }
      }
    ]
    """#
}
