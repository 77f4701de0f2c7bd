import HTTPTypes
import WxPayOperations

/// The server's routes (docs/server.md#routes). `--routes` names which are served; the others answer 404.
enum Route: String, CaseIterable, Sendable {
    case webhook
    case createIntent = "create-intent"
    case intentStatus = "intent-status"
    case closeIntent = "close-intent"
    case refund
    case refundStatus = "refund-status"
    case riskBatch = "risk-batch"
    case mcp
    /// `GET /pay/{intent_id}?t=TOKEN`: the hosted confirmation page (PayPageRoute.swift), not in the defaults.
    case pay
    case healthz
    case metrics

    /// The routes served when `--routes` is not given.
    static let defaults: [Route] = [.webhook, .healthz, .metrics]

    /// `/webhook`, `/create-intent`, ...
    var path: String { "/" + rawValue }

    /// The method the route takes (`/mcp` also takes DELETE, which ends an MCP session).
    var method: HTTPRequest.Method { self == .healthz || self == .metrics || self == .pay ? .get : .post }

    /// Every method the route takes.
    var methods: [HTTPRequest.Method] { self == .mcp ? [.post, .delete] : self == .pay ? [.get, .head, .post] : [method] }

    /// Whether the route needs `Authorization: Bearer <one of server_tokens>`.
    var isProtected: Bool {
        switch self {
        case .webhook, .healthz, .metrics, .pay: return false
        default: return true
        }
    }

    /// Whether a request of this route takes a slot of the concurrency limit (the cheap GETs do not).
    var isLimited: Bool { self != .healthz && self != .metrics }

    /// The payment tool behind the route, and the executable it stands for.
    var payment: (tool: PaymentTool, function: String)? {
        switch self {
        case .createIntent: return (.createIntent, "create-intent")
        case .intentStatus: return (.getStatus, "intent-status")
        case .closeIntent: return (.cancelIntent, "close-intent")
        case .refund: return (.refund, "refund")
        case .refundStatus: return (.getRefundStatus, "refund-status")
        default: return nil
        }
    }

    /// Parses `--routes`: names separated by commas, or `all`.
    static func parseList(_ text: String) -> [Route]? {
        let names = text.split(separator: ",").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
        if names == ["all"] { return Route.allCases }
        var routes: [Route] = []
        for name in names {
            guard let route = Route(rawValue: name) else { return nil }
            if !routes.contains(route) { routes.append(route) }
        }
        return routes.isEmpty ? nil : routes
    }
}
