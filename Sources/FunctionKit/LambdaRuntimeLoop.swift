import Logging
import WxPayCore
import WxPayHTTP

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Ends the process with `status` after flushing nothing (all output is written with `write(2)`).
public func terminate(_ status: Int32) -> Never { exit(status) }

/// The AWS Lambda Runtime API loop (`2018-06-01`): next → handle → response or error, until killed.
///
/// Every invocation gets a fresh ``InvocationContext`` whose deadline comes from `Lambda-Runtime-Deadline-Ms`, so a
/// call to WeChat Pay never outlives the invocation; the secrets file is read anew by the handler each time.
public enum LambdaRuntimeLoop {
    /// Time kept back from Lambda's deadline to post the answer.
    public static let answerMargin = 0.15

    /// Runs the loop. Never returns; exits 70 if the Runtime API itself becomes unusable.
    public static func run(
        descriptor: FunctionDescriptor, environment: [String: String], logger: Logger, handler: FunctionHandler
    ) -> Never {
        guard let api = environment["AWS_LAMBDA_RUNTIME_API"], !api.isEmpty else {
            logger.error("--lambda needs AWS_LAMBDA_RUNTIME_API (host:port)")
            terminate(ExitStatus.usage)
        }
        let base = "http://\(api)/2018-06-01/runtime"
        var failures = 0
        while true {
            let next: HTTPResponse
            do {
                // The docs say: no timeout on /next (the sandbox may be frozen between invocations).
                next = try HTTPClient.send(HTTPRequest(method: "GET", url: "\(base)/invocation/next",
                                                       connectTimeout: 5, totalTimeout: 0))
            } catch {
                failures += 1
                logger.error("Runtime API /next failed: \(error.message)")
                if failures >= 5 { terminate(ExitStatus.software) }
                sleepSeconds(0.1 * Double(failures))
                continue
            }
            guard next.status == 200, let requestID = next.header("lambda-runtime-aws-request-id") else {
                failures += 1
                logger.error("Runtime API /next answered \(next.status) without a request id")
                if failures >= 5 { terminate(ExitStatus.software) }
                continue
            }
            failures = 0
            var env = environment
            if let trace = next.header("lambda-runtime-trace-id") {
                env["_X_AMZN_TRACE_ID"] = trace
                setenv("_X_AMZN_TRACE_ID", trace, 1)
            }
            var invocationLogger = logger
            invocationLogger[metadataKey: "request_id"] = .string(requestID)
            let context = InvocationContext(environment: env, deadline: deadline(from: next, descriptor: descriptor),
                                            logger: invocationLogger)
            let (answer, status) = FunctionRunner.invoke(next.body, descriptor: descriptor, context: context,
                                                         handler: handler)
            let post: HTTPRequest
            if status == ExitStatus.software {
                let error = answer["error"] ?? answer
                let body: JSONValue = [
                    "errorType": error["code"] ?? "INTERNAL",
                    "errorMessage": error["message"] ?? "internal error",
                ]
                post = HTTPRequest(method: "POST", url: "\(base)/invocation/\(requestID)/error",
                                   headers: [("Content-Type", "application/json"),
                                             ("Lambda-Runtime-Function-Error-Type", "Unhandled")],
                                   body: (try? JSONCoding.encode(body)) ?? [], connectTimeout: 5, totalTimeout: 30)
            } else {
                post = HTTPRequest(method: "POST", url: "\(base)/invocation/\(requestID)/response",
                                   headers: [("Content-Type", "application/json")],
                                   body: (try? JSONCoding.encode(answer)) ?? [], connectTimeout: 5, totalTimeout: 30)
            }
            do {
                let answered = try HTTPClient.send(post)
                if answered.status >= 300 {
                    invocationLogger.error("Runtime API refused the answer with \(answered.status)")
                }
            } catch {
                invocationLogger.error("posting the answer failed: \(error.message)")
            }
        }
    }

    static func deadline(from next: HTTPResponse, descriptor: FunctionDescriptor) -> Deadline {
        guard let ms = next.header("lambda-runtime-deadline-ms").flatMap(Int64.init) else {
            return .after(seconds: descriptor.timeBudget)
        }
        let left = Double(ms - System.unixTimeMillis()) / 1000 - answerMargin
        return .after(seconds: max(0, min(left, descriptor.timeBudget)))
    }
}
