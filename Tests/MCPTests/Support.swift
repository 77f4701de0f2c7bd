import Foundation
import WxPayTestSupport

extension EmulatorProcess {
    /// The emulator the MCP sessions run against: payment notifications are not delivered (nothing listens for
    /// them here) and refunds settle after 0.2 s; it inherits this process's environment.
    static func forMCP() throws -> EmulatorProcess {
        try EmulatorProcess(notifyURL: "http://127.0.0.1:9/notify", serveArguments: ["--no-deliver", "--refund-delay", "0.2"],
                            environment: ProcessInfo.processInfo.environment)
    }
}
