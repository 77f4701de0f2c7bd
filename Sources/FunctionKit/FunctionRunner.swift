import ArgumentParser
import KitCore
import Logging
import WxPayHTTP

/// What a function executable is: its name, the tools it serves, and how it documents itself.
public struct FunctionDescriptor: Sendable {
    /// Executable name, e.g. `webhook`.
    public let name: String
    /// One-line summary for `--help`.
    public let summary: String
    /// Longer `--help` text: input, output, environment.
    public let discussion: String
    /// OpenAI tool names this executable answers.
    public let tools: [String]
    /// Default invocation time budget in seconds (a Lambda deadline overrides it).
    public let timeBudget: Double
    /// How an error is rendered as an HTTP body (the webhook answers WeChat's `{"code","message"}` shape too).
    public let httpErrorBody: @Sendable (FunctionError) -> JSONValue

    /// Creates a descriptor.
    public init(
        name: String, summary: String, discussion: String, tools: [String] = [], timeBudget: Double = 10,
        httpErrorBody: @escaping @Sendable (FunctionError) -> JSONValue = { $0.jsonObject }
    ) {
        self.name = name
        self.summary = summary
        self.discussion = discussion
        self.tools = tools
        self.timeBudget = timeBudget
        self.httpErrorBody = httpErrorBody
    }
}

/// The kit's version, printed by `--version`.
public let wxpayKitVersion = "0.1.0"

/// Everything a handler may use besides its request: environment, deadline, logger, clock.
public struct InvocationContext: Sendable {
    /// Process environment at invocation time.
    public let environment: [String: String]
    /// No outgoing call may outlive this.
    public let deadline: Deadline
    /// Whether `deadline` is imposed from outside (the Lambda or SCF runtime API's) and must not be extended,
    /// e.g. by `intent-status`'s `wait`.
    public var deadlineIsFixed: Bool = false
    /// JSON-lines logger on stderr.
    public let logger: Logger
    /// Wall clock, Unix seconds.
    public let now: @Sendable () -> Int64

    /// Creates a context.
    public init(environment: [String: String], deadline: Deadline, logger: Logger,
                now: @escaping @Sendable () -> Int64 = { System.unixTime() })
    {
        self.environment = environment
        self.deadline = deadline
        self.logger = logger
        self.now = now
    }
}

/// A function's entry point: request in, result out, typed error on failure.
public typealias FunctionHandler = @Sendable (FunctionRequest, InvocationContext) throws(FunctionError) -> FunctionResult

/// Runs a function executable: command line, stdin, envelope, handler, stdout, exit status.
public enum FunctionRunner {
    /// The largest event read from stdin (Lambda's synchronous payload limit is 6 MB; ours is smaller).
    public static let maxEventBytes = 1 << 20

    /// Handles one event's bytes: parse the envelope, call the handler, render the answer.
    /// Pure with respect to stdout, so the CLI, the Lambda loop and tests share it.
    /// - Returns: the JSON answer and the exit status.
    public static func invoke(
        _ bytes: [UInt8], descriptor: FunctionDescriptor, context: InvocationContext, handler: FunctionHandler
    ) -> (answer: JSONValue, exitStatus: Int32) {
        let outcome = serve(bytes, descriptor: descriptor, context: context, handler: handler)
        return (outcome.answer, outcome.exitStatus)
    }

    /// What one invocation came to: the rendered answer, the exit status, and the HTTP status of the result or of
    /// the error (what an HTTP server in front of the function answers with; docs/errors.md).
    public struct Outcome: Sendable {
        /// The answer, rendered for the request's envelope.
        public var answer: JSONValue
        /// The exit status a function process would end with.
        public var exitStatus: Int32
        /// The result's status code, or the error's HTTP status.
        public var httpStatus: Int
        /// The error's code, when the invocation failed.
        public var errorCode: String?
    }

    /// Handles one event's bytes like ``invoke(_:descriptor:context:handler:)``, telling the HTTP status too.
    public static func serve(
        _ bytes: [UInt8], descriptor: FunctionDescriptor, context: InvocationContext, handler: FunctionHandler
    ) -> Outcome {
        guard bytes.count <= maxEventBytes else {
            return failure(.tooLarge(limit: maxEventBytes), envelope: nil, descriptor: descriptor, context: context)
        }
        let request: FunctionRequest
        do throws(EnvelopeError) {
            request = try FunctionRequest.parse(bytes, tools: descriptor.tools)
        } catch {
            return failure(error.error, envelope: error.envelope, descriptor: descriptor, context: context)
        }
        return serve(request, descriptor: descriptor, context: context, handler: handler)
    }

    /// Handles one parsed request (an HTTP server builds it from the connection, with no event JSON in between).
    public static func serve(
        _ request: FunctionRequest, descriptor: FunctionDescriptor, context: InvocationContext,
        handler: FunctionHandler
    ) -> Outcome {
        do throws(FunctionError) {
            let result = try handler(request, context)
            return Outcome(answer: Renderer.render(result, for: request.envelope), exitStatus: ExitStatus.ok,
                           httpStatus: result.statusCode, errorCode: nil)
        } catch {
            return failure(error, envelope: request.envelope, descriptor: descriptor, context: context)
        }
    }

    private static func failure(
        _ error: FunctionError, envelope: Envelope?, descriptor: FunctionDescriptor, context: InvocationContext
    ) -> Outcome {
        var logMeta: Logger.Metadata = ["code": .string(error.code), "exit": .stringConvertible(error.exitStatus)]
        if let field = error.details["field"]?.stringValue { logMeta["field"] = .string(field) }
        context.logger.log(level: error.exitStatus == ExitStatus.software ? .error : .warning,
                           "\(error.message)", metadata: logMeta)
        return Outcome(answer: Renderer.render(error, for: envelope, httpErrorBody: descriptor.httpErrorBody),
                       exitStatus: error.exitStatus, httpStatus: error.httpStatus, errorCode: error.code)
    }

    /// The process entry point of every function executable. Never returns.
    public static func main(_ descriptor: FunctionDescriptor, handler: @escaping FunctionHandler) -> Never {
        let environment = System.environment()
        let level = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        let logger = Logger(label: descriptor.name) { JSONLogHandler(label: $0, level: level) }

        var eventPath: String? = nil
        var (lambdaFlag, scfFlag) = (false, false)
        let args = Array(CommandLine.arguments.dropFirst())
        if !args.isEmpty {  // the common case (no arguments) skips the parser entirely
            do {
                let options = try FunctionOptions.parse(args, descriptor: descriptor)
                eventPath = options.event
                (lambdaFlag, scfFlag) = (options.lambda, options.scf)
            } catch {
                FunctionOptions.exit(withError: error, descriptor: descriptor)
            }
        }

        // AWS_LAMBDA_RUNTIME_API (or --lambda): the Lambda loop; SCF_RUNTIME_API (or --scf): SCF's.
        if let platform = RuntimePlatform.detect(environment, lambdaFlag: lambdaFlag, scfFlag: scfFlag) {
            platform.run(descriptor: descriptor, environment: environment, logger: logger, handler: handler)
        }

        let bytes: [UInt8]
        do throws(System.FileError) {
            if let eventPath {
                bytes = try System.readFile(eventPath, limit: maxEventBytes)
            } else {
                bytes = try System.readAll(fd: 0, limit: maxEventBytes)
            }
        } catch {
            let failure: FunctionError = error.errno == 27 /* EFBIG */
                ? .tooLarge(limit: maxEventBytes)
                : FunctionError(code: "EVENT_UNREADABLE", message: "cannot read the event: \(error.reason)",
                             retryable: false, exitStatus: eventPath == nil ? ExitStatus.dataError : ExitStatus.usage,
                             httpStatus: 400)
            emit(failure.jsonObject)
            terminate(failure.exitStatus)
        }
        let context = InvocationContext(environment: environment,
                                        deadline: .after(seconds: budget(descriptor, environment)), logger: logger)
        let (answer, status) = invoke(bytes, descriptor: descriptor, context: context, handler: handler)
        emit(answer)
        terminate(status)
    }

    static func budget(_ descriptor: FunctionDescriptor, _ environment: [String: String]) -> Double {
        if let ms = environment["WXPAY_TIME_BUDGET_MS"].flatMap({ Untrusted.integer($0, in: 1...900_000) }) {
            return Double(ms) / 1000
        }
        return descriptor.timeBudget
    }

    static func emit(_ answer: JSONValue) {
        var line = (try? JSONCoding.encode(answer)) ?? Array(#"{"error":{"code":"INTERNAL","message":"cannot encode the answer","retryable":false}}"#.utf8)
        line.append(0x0A)
        System.writeAll(fd: 1, line)
    }
}

/// The shared command line: `--event FILE`, `--lambda`, `--scf`, `--help`, `--version`.
struct FunctionOptions: ParsableArguments {
    @Option(name: .long, help: "Read the event from FILE instead of stdin.")
    var event: String?

    @Flag(name: .long, help: "Run the AWS Lambda Runtime API loop (also when AWS_LAMBDA_RUNTIME_API is set).")
    var lambda = false

    @Flag(name: .long, help: "Run the Tencent Cloud SCF custom-runtime loop (also when SCF_RUNTIME_API is set).")
    var scf = false

    @Flag(name: .long, help: "Print the version and exit.")
    var version = false

    static func parse(_ args: [String], descriptor: FunctionDescriptor) throws -> FunctionOptions {
        let options = try parse(args)
        if options.version {
            System.writeAll(fd: 1, Array("\(descriptor.name) \(wxpayKitVersion)\n".utf8))
            terminate(0)
        }
        return options
    }

    static func exit(withError error: any Error, descriptor: FunctionDescriptor) -> Never {
        let code = exitCode(for: error)
        if code == .success {
            let usage = helpMessage().replacing("USAGE: function", with: "USAGE: \(descriptor.name)", maxReplacements: 1)
            let help = "\(descriptor.name): \(descriptor.summary)\n\n\(usage)\n\n\(descriptor.discussion)\n"
            System.writeAll(fd: 1, Array(help.utf8))
            terminate(0)
        }
        let failure = FunctionError(code: "USAGE", message: message(for: error), retryable: false,
                                 exitStatus: ExitStatus.usage, httpStatus: 400)
        FunctionRunner.emit(failure.jsonObject)
        terminate(ExitStatus.usage)
    }
}
