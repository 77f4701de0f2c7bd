import FunctionKit
import KitCore
import WxPayCore
import WxPayHTTP
import WxPayOperations

// The glue between FunctionKit (envelopes, exits, logs) and WxPayOperations (WeChat Pay): what the five payment
// function executables and wxpay-server's payment routes share.

/// The function executables' shared entry: the tool the executable serves, any envelope.
public enum PaymentFunction {
    /// How a handler gets the secrets of one call (`nil`: read anew from the file).
    public typealias SecretsSource = @Sendable ([String: String]) throws(WxPayError) -> Secrets

    /// Runs `tool` as a function executable (stdin event → stdout answer). Never returns.
    public static func main(_ tool: PaymentTool, name: String, summary: String, discussion: String,
                            timeBudget: Double = 10) -> Never
    {
        let descriptor = FunctionDescriptor(name: name, summary: summary, discussion: discussion,
                                            tools: [tool.rawValue], timeBudget: timeBudget)
        FunctionRunner.main(descriptor, handler: handler(tool, timeBudget: timeBudget))
    }

    /// The handler of `tool`: decodes the input of any envelope and runs the tool within the invocation's deadline
    /// (`intent-status`'s `wait` extends a deadline that is not fixed from outside).
    public static func handler(_ tool: PaymentTool, timeBudget: Double = 10, secrets: SecretsSource? = nil)
        -> FunctionHandler
    {
        { request, context throws(FunctionError) in
            var deadline = context.deadline
            if tool == .getStatus, !context.deadlineIsFixed, let wait = try? request.input()["wait"]?.intValue, wait > 0 {
                // `wait` extends the CLI budget (the poll plus time for its last query); Lambda's deadline is fixed.
                deadline = .after(seconds: Double(min(wait, GetIntentStatus.maxWait)) + timeBudget)
            }
            return FunctionResult(body: try tool.run(arguments: try request.input(), environment: context.environment,
                                                     deadline: deadline, logger: context.logger, now: context.now,
                                                     secrets: secrets))
        }
    }
}
