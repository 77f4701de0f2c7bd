import KitCore
import WxPayCore
import WxPayOperations

/// Which payment tools this server exposes: all five, narrowed by an allow-list (`WXPAY_MCP_TOOLS` or `--tools`)
/// and/or a deny-list (`WXPAY_MCP_DISABLE` or `--disable`). A disabled tool is absent from `tools/list` and refused
/// on `tools/call`.
public struct ToolSelection: Sendable, Equatable {
    /// The enabled tools, in the catalog's order.
    public let enabled: [PaymentTool]

    /// Builds the selection from comma-separated lists of tool names (`nil` or empty: no restriction).
    /// - Throws: `USAGE` (exit 64) when a list names a tool that does not exist, so that a typo in a merchant's
    ///   configuration never silently exposes a tool they meant to switch off.
    public init(allow: String?, deny: String?) throws(WxPayError) {
        let allowed = try ToolSelection.names(allow, setting: "WXPAY_MCP_TOOLS")
        let denied = try ToolSelection.names(deny, setting: "WXPAY_MCP_DISABLE")
        enabled = PaymentTool.allCases.filter { tool in
            (allowed.map { $0.contains(tool) } ?? true) && !(denied ?? []).contains(tool)
        }
    }

    /// Whether `name` is an enabled tool; returns it if so.
    public func tool(named name: String) -> PaymentTool? {
        enabled.first { $0.rawValue == name }
    }

    /// The tools named in a comma-separated list; `nil` when the list is absent or blank.
    private static func names(_ list: String?, setting: String) throws(WxPayError) -> Set<PaymentTool>? {
        guard let list, list.contains(where: { !$0.isWhitespace && $0 != "," }) else { return nil }
        var tools = Set<PaymentTool>()
        for part in list.split(separator: ",") {
            let name = part.filter { !$0.isWhitespace }
            guard !name.isEmpty else { continue }
            guard let tool = PaymentTool(rawValue: name) else {
                let known = PaymentTool.allCases.map(\.rawValue).joined(separator: ", ")
                throw WxPayError(code: "USAGE", message: "\(setting) names an unknown tool \(name) (known: \(known))",
                                 retryable: false, exitStatus: ExitStatus.usage, httpStatus: 400)
            }
            tools.insert(tool)
        }
        return tools
    }
}
