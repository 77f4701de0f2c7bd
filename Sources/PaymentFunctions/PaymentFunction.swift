import FunctionKit
import KitCore
import WxPayHTTP
import WxPayOperations

// The glue between FunctionKit (envelopes, exits, logs) and WxPayOperations (WeChat Pay): what the four payment
// function executables share.

/// The function executables' shared entry: the tool the executable serves, any envelope.
public enum PaymentFunction {
    /// Runs `tool` as a function executable (stdin event → stdout answer). Never returns.
    public static func main(_ tool: PaymentTool, name: String, summary: String, discussion: String,
                            timeBudget: Double = 10) -> Never
    {
        let descriptor = FunctionDescriptor(name: name, summary: summary, discussion: discussion,
                                            tools: [tool.rawValue], timeBudget: timeBudget)
        FunctionRunner.main(descriptor) { request, context throws(FunctionError) in
            var deadline = context.deadline
            if tool == .getStatus, !context.deadlineIsFixed, let wait = try? request.input()["wait"]?.intValue, wait > 0 {
                // `wait` extends the CLI budget (the poll plus time for its last query); Lambda's deadline is fixed.
                deadline = .after(seconds: Double(min(wait, GetIntentStatus.maxWait)) + timeBudget)
            }
            return FunctionResult(body: try tool.run(arguments: try request.input(), environment: context.environment,
                                                     deadline: deadline, logger: context.logger, now: context.now))
        }
    }
}
