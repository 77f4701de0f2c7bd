import KitCore
import WxPayCore
import WxPayOperations

/// The OpenAI tool definitions of the five payment tools, embedded so that the server needs no repository file at
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

    /// The five entries, parsed once from ``openAIToolsJSON``. A definition that does not parse or lacks a tool is
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
        case .getRefundStatus: return "Get a refund's status"
        }
    }

    /// MCP behaviour hints. All five tools reach WeChat Pay (open world); the two status queries only read;
    /// creating, cancelling and refunding are idempotent under their keys; cancelling and refunding cannot be undone.
    static func hints(_ tool: PaymentTool) -> (readOnly: Bool, destructive: Bool, idempotent: Bool) {
        switch tool {
        case .createIntent: return (false, false, true)
        case .getStatus: return (true, false, true)
        case .cancelIntent: return (false, true, true)
        case .refund: return (false, true, true)
        case .getRefundStatus: return (true, false, true)
        }
    }

    /// Verbatim copy of `functions/tools.json`, indented by four spaces. After editing that file, refresh this copy
    /// (MCPTests fails until then):
    ///
    ///     python3 -c 'import re,sys;p="Sources/PaymentMCP/ToolCatalog.swift";s=open(p).read();t="".join(("    "+l if l.strip() else l) for l in open("functions/tools.json").read().splitlines(True));open(p,"w").write(re.sub(r"(openAIToolsJSON = #\"\"\"\n).*?(    \"\"\"#)",lambda m:m.group(1)+t+m.group(2),s,flags=re.S))'
    static let openAIToolsJSON = #"""
    [
      {
        "type": "function",
        "function": {
          "name": "create_payment_intent",
          "description": "Create a WeChat Pay payment the user confirms in WeChat, for something the user has clearly agreed to buy. Returns an intent with status \"requires_confirmation\" and what the user confirms with: `confirmation_url` (a link to give the user: the hosted payment page when one is configured, else the h5 link, or the native code_url to show as a QR code) or `confirmation` (parameters for wx.requestPayment in a WeChat page or mini program, or for the app SDK). Tell the user the amount in yuan and how to confirm; then check the outcome with get_payment_status. Idempotent: calling again with the same idempotency_key and the same parameters returns the same intent (\"replayed\": true) and never charges twice, so after a timeout or an unclear error simply call again with the SAME key. Never invent a new key to retry. The same key with other parameters fails with IDEMPOTENCY_CONFLICT: if the user changed the order, close the old intent (cancel_payment_intent) and use a new key for the new order. If the intent expired or was closed, the answer has \"status\": \"expired\" (or \"closed\") and `next_action`: with type \"reprompt\", ask the user whether to try again and, if yes, call again with the same key and \"attempt\": next_action.attempt; with type \"fallback_link\", offer next_action.url. Errors carry error.retryable: only retry (with the same key) when it is true.",
          "parameters": {
            "type": "object",
            "properties": {
              "amount": {
                "type": "integer",
                "minimum": 1,
                "maximum": 10000000000,
                "description": "The amount in fen, an integer: 1 CNY = 100 fen, so ¥19.99 is 1999 and ¥5 is 500. Never a decimal, never yuan."
              },
              "description": {
                "type": "string",
                "minLength": 1,
                "maxLength": 127,
                "description": "What is bought, as the user will see it in WeChat (1 to 127 characters), e.g. \"Annual plan, Acme Notes\". No personal data."
              },
              "idempotency_key": {
                "type": "string",
                "minLength": 1,
                "maxLength": 64,
                "description": "The id of this conversation/thread (at most 64 bytes). Same key = same intent: use the same key for every call about this purchase, including retries. Never make up a new key to retry or to get around an error."
              },
              "channel": {
                "type": "string",
                "enum": [
                  "jsapi",
                  "miniprogram",
                  "h5",
                  "native",
                  "app"
                ],
                "description": "Usually leave this out and pass `client` instead. jsapi: a web page inside WeChat; miniprogram: a WeChat mini program; h5: a mobile browser outside WeChat; native: a QR code / link for a desktop; app: the merchant's mobile app."
              },
              "user_openid": {
                "type": "string",
                "minLength": 1,
                "maxLength": 128,
                "description": "The payer's openid, from the session (never ask the user for it). Required for jsapi and miniprogram."
              },
              "client": {
                "type": "object",
                "description": "Where the user is, from the session context; picks the channel when `channel` is absent (mini_program → miniprogram, in_wechat → jsapi, mobile → h5, otherwise native QR code).",
                "properties": {
                  "in_wechat": {
                    "type": "boolean",
                    "description": "The user is in WeChat's built-in browser."
                  },
                  "mini_program": {
                    "type": "boolean",
                    "description": "The user is in a WeChat mini program."
                  },
                  "mobile": {
                    "type": "boolean",
                    "description": "The user is on a phone."
                  },
                  "ip": {
                    "type": "string",
                    "description": "The user's IP address (required for h5)."
                  }
                },
                "additionalProperties": false
              },
              "expires_in": {
                "type": "integer",
                "minimum": 60,
                "maximum": 7200,
                "description": "Seconds the user has to pay (default 300)."
              },
              "attach": {
                "type": "object",
                "description": "Small merchant data (a few short fields, e.g. {\"plan\": \"annual\"}) returned with the payment notification. Optional."
              },
              "attempt": {
                "type": "integer",
                "minimum": 1,
                "maximum": 999,
                "description": "Leave out at first (attempt 1). After an answer with status \"expired\" or \"closed\", and only once the user agreed to try again, pass next_action.attempt."
              },
              "on_expiry": {
                "type": "string",
                "enum": [
                  "reprompt",
                  "fallback_link"
                ],
                "description": "What to get back if this intent already expired: \"reprompt\" (default: ask the user, then call with the next attempt) or \"fallback_link\" (immediately create the next attempt as a link or QR code to offer the user)."
              }
            },
            "required": [
              "amount",
              "description",
              "idempotency_key"
            ],
            "additionalProperties": false
          }
        }
      },
      {
        "type": "function",
        "function": {
          "name": "get_payment_status",
          "description": "Check whether the user has paid a payment intent made with create_payment_intent. Pass the conversation's idempotency_key (reports the latest attempt) or the intent_id. status is one of: \"requires_confirmation\" (not paid yet), \"succeeded\" (paid: only now deliver or confirm the purchase), \"expired\" or \"closed\" (can no longer be paid: ask the user whether to try again, then call create_payment_intent with the same key and the next attempt), \"refunded\", \"failed\". Use `wait` (seconds) to wait for the user to finish paying instead of calling in a loop. Amounts are in fen (100 fen = 1 CNY). Never tell the user a payment succeeded unless status is \"succeeded\".",
          "parameters": {
            "type": "object",
            "properties": {
              "idempotency_key": {
                "type": "string",
                "minLength": 1,
                "maxLength": 64,
                "description": "The conversation/thread id used as idempotency_key with create_payment_intent."
              },
              "intent_id": {
                "type": "string",
                "pattern": "^[0-9A-Za-z_|*-]{6,32}$",
                "description": "The intent_id returned by create_payment_intent (alternative to idempotency_key)."
              },
              "wait": {
                "type": "integer",
                "minimum": 0,
                "maximum": 600,
                "description": "Seconds to wait for the payment to complete before answering (e.g. 30 while the user scans the QR code); 0 answers at once."
              }
            },
            "required": [],
            "additionalProperties": false
          }
        }
      },
      {
        "type": "function",
        "function": {
          "name": "cancel_payment_intent",
          "description": "Close an unpaid payment intent so that it can no longer be paid: when the user cancels, changes the order (then create a new intent with a new idempotency_key), or walks away. Closing an already closed or expired intent is fine (\"already_closed\": true). A paid intent cannot be closed (error WECHAT_REFUSED, wechat_code ORDERPAID): offer a refund with refund_payment instead, if the user asks for one.",
          "parameters": {
            "type": "object",
            "properties": {
              "idempotency_key": {
                "type": "string",
                "minLength": 1,
                "maxLength": 64,
                "description": "The conversation/thread id used with create_payment_intent (closes its latest attempt)."
              },
              "intent_id": {
                "type": "string",
                "pattern": "^[0-9A-Za-z_|*-]{6,32}$",
                "description": "The intent_id returned by create_payment_intent (alternative to idempotency_key)."
              }
            },
            "required": [],
            "additionalProperties": false
          }
        }
      },
      {
        "type": "function",
        "function": {
          "name": "refund_payment",
          "description": "Refund a paid payment, fully or partly, only when the user asked for a refund and stated why. Pass the user's stated reason in their own words (`reason`) or the recent `conversation` it comes from; it is summarized into a short factual reason (at most 80 characters, identifiers and sensitive words removed) before it goes to WeChat Pay, and the answer says what was sent. Amounts are integers in fen (1 CNY = 100 fen: a ¥5.00 refund is 500); leave `amount` out to refund the whole order. Idempotent: the same idempotency_key never refunds twice (a repeat returns the same refund with \"replayed\": true), so after a timeout or an unclear error call again with the SAME key; use a new key (e.g. \"<thread id>/refund-2\") only for a genuinely additional refund the user asked for. REFUND_EXCEEDS_REMAINDER means less is left to refund than asked: tell the user, do not retry. status \"processing\" is normal: the money arrives within minutes to days.",
          "parameters": {
            "type": "object",
            "properties": {
              "intent_id": {
                "type": "string",
                "pattern": "^[0-9A-Za-z_|*-]{6,32}$",
                "description": "The intent_id of the paid payment (from create_payment_intent or get_payment_status). Give exactly one of intent_id, out_trade_no, transaction_id."
              },
              "out_trade_no": {
                "type": "string",
                "pattern": "^[0-9A-Za-z_|*-]{6,32}$",
                "description": "The merchant order number, for orders not made by create_payment_intent."
              },
              "transaction_id": {
                "type": "string",
                "pattern": "^[0-9]{1,32}$",
                "description": "WeChat Pay's transaction id (digits), e.g. from the payment notification."
              },
              "amount": {
                "type": "integer",
                "minimum": 1,
                "maximum": 10000000000,
                "description": "Fen to refund, an integer (¥12.50 is 1250). Leave out to refund everything."
              },
              "idempotency_key": {
                "type": "string",
                "minLength": 1,
                "maxLength": 64,
                "description": "Names this refund: the conversation/thread id plus a refund number, e.g. \"thread_abc/refund-1\". Reuse it for retries; never invent a new one to retry."
              },
              "reason": {
                "type": "string",
                "maxLength": 2000,
                "description": "Why the user wants the refund, as the user stated it (e.g. \"the item arrived broken\"). Do not invent or embellish a reason; do not include phone numbers or other personal data."
              },
              "conversation": {
                "type": "array",
                "description": "Alternatively, the recent conversation turns in which the user explains the problem; the stated problem is taken from the user's messages.",
                "items": {
                  "type": "object",
                  "properties": {
                    "role": {
                      "type": "string",
                      "enum": [
                        "user",
                        "assistant",
                        "system",
                        "tool"
                      ]
                    },
                    "content": {
                      "type": "string"
                    }
                  },
                  "required": [
                    "role",
                    "content"
                  ]
                }
              }
            },
            "required": [
              "idempotency_key"
            ],
            "additionalProperties": false
          }
        }
      },
      {
        "type": "function",
        "function": {
          "name": "get_refund_status",
          "description": "Check where a refund made with refund_payment is, when the user asks \"where is my refund?\". Pass the out_refund_no that refund_payment returned. Read-only: it never refunds anything. status is one of: \"processing\" (on its way: tell the user it is being processed; next_action.after_seconds says when checking again makes sense), \"succeeded\" (the money reached the payer at success_time), \"closed\" (the refund was closed and no money moved), \"abnormal\" (it could not be credited, e.g. a closed bank card: tell the user it is being looked into; the merchant must handle it, so never call refund_payment again for it). Amounts are in fen (100 fen = 1 CNY). REFUND_NOT_FOUND means no refund has that number. Never tell the user a refund arrived unless status is \"succeeded\".",
          "parameters": {
            "type": "object",
            "properties": {
              "out_refund_no": {
                "type": "string",
                "pattern": "^[0-9A-Za-z_|*@-]{1,64}$",
                "description": "The out_refund_no returned by refund_payment (e.g. \"rf\" followed by 30 hex digits)."
              }
            },
            "required": [
              "out_refund_no"
            ],
            "additionalProperties": false
          }
        }
      }
    ]
    """#
}
