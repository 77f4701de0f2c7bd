import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The front's settings, from the command line and the environment (flags win).
struct FrontOptions: Equatable {
    /// How the front is driven.
    enum Mode: Equatable {
        /// Serve HTTP/1.1 on `host:port` (Knative, Cloud Run, `make demo`).
        case serve
        /// One request from the OpenFaaS classic watchdog: body on stdin, headers in `Http_*` variables.
        case cgi
    }

    var mode: Mode = .serve
    /// `$PORT`, default 8080; 0 picks a free port (tests).
    var port: Int = 8080
    /// Address to bind; Cloud Run and Knative need 0.0.0.0.
    var host = "0.0.0.0"
    /// The function executable run for each request (`FUNCTION_BINARY`, `--function`).
    var function: String?
    /// Seconds one function run may take before it is killed (`WXPAY_FRONT_TIMEOUT_MS`, `--timeout`).
    var timeout = 10.0

    /// The settings of a command line, with the environment filling in what it leaves out.
    static func parse(_ arguments: [String], environment: [String: String]) throws -> FrontOptions {
        try FrontArguments.parse(arguments).options(environment: environment)
    }

    /// The function's absolute path: a bare name is looked up next to this executable.
    static func resolve(_ function: String) -> String {
        if function.contains("/") { return function }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return function }
        let exe = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let dir = exe.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return dir + "/" + function
    }
}

/// The front's command line, parsed like every other executable's (swift-argument-parser).
struct FrontArguments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wxpay-http-front",
        abstract: "Run one wxpay function per HTTP request (Knative, Cloud Run, OpenFaaS, local demos).",
        usage: """
            wxpay-http-front [--port N] [--host ADDR] [--function NAME|PATH] [--timeout SECONDS]
            wxpay-http-front --cgi [--function NAME|PATH] [--timeout SECONDS]
            """,
        discussion: """
            Each request becomes one run of the function with the plain HTTP envelope \
            {"httpMethod","path","headers","body","isBase64Encoded"} on stdin; the function's answer \
            {"statusCode","headers","body"} becomes the HTTP response (other keys, e.g. the webhook's "event", are \
            dropped). GET /healthz answers 200. Bodies over 1 MiB: 413. A run past the timeout is killed: 504.

            --cgi serves one request from the OpenFaaS classic watchdog instead: body on stdin, headers from Http_* \
            variables, the answer's body on stdout, exit 1 unless the status is 2xx (the watchdog then answers 500).

            NAME is looked up next to this executable (e.g. --function webhook). With AWS_LAMBDA_RUNTIME_API set (a \
            Lambda container image) the front execs the function instead, which runs the Runtime API loop.

            ENV: PORT (default 8080), FUNCTION_BINARY, WXPAY_FRONT_TIMEOUT_MS (default 10000); the function inherits \
            the environment (WXPAY_SECRETS_FILE, WXPAY_EVENTS_FILE, LOG_LEVEL, ...).

            Prints {"listening": "HOST:PORT"} on stdout once bound; logs JSON lines on stderr.
            """,
        version: "wxpay-http-front 0.1.0")

    @Option(help: ArgumentHelp("Port to listen on; 0 picks a free port (default $PORT or 8080).", valueName: "N"))
    var port: Int?

    @Option(help: ArgumentHelp("Address to bind; Cloud Run and Knative need 0.0.0.0.", valueName: "ADDR"))
    var host = "0.0.0.0"

    @Option(help: ArgumentHelp("The function executable run for each request (default $FUNCTION_BINARY).",
                               valueName: "NAME|PATH"))
    var function: String?

    @Option(help: ArgumentHelp("Seconds one function run may take before it is killed (default " +
                               "$WXPAY_FRONT_TIMEOUT_MS / 1000, or 10).", valueName: "SECONDS"))
    var timeout: Double?

    @Flag(help: "Serve one request from the OpenFaaS classic watchdog instead of listening.")
    var cgi = false

    /// The settings: these flags, then the environment, then the defaults.
    func options(environment: [String: String]) throws(ValidationError) -> FrontOptions {
        var options = FrontOptions()
        if let port = environment["PORT"], !port.isEmpty {
            guard let value = Int(port), (0...65535).contains(value) else {
                throw ValidationError("PORT must be 0...65535")
            }
            options.port = value
        }
        options.function = environment["FUNCTION_BINARY"].flatMap { $0.isEmpty ? nil : $0 }
        if let ms = environment["WXPAY_FRONT_TIMEOUT_MS"], !ms.isEmpty {
            guard let value = Double(ms), value > 0 else { throw ValidationError("WXPAY_FRONT_TIMEOUT_MS must be > 0") }
            options.timeout = value / 1000
        }
        if let port {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
            options.port = port
        }
        options.host = host
        if let function { options.function = function }
        if let timeout {
            guard timeout > 0 else { throw ValidationError("--timeout must be > 0") }
            options.timeout = timeout
        }
        if cgi { options.mode = .cgi }
        guard options.function != nil else {
            throw ValidationError("name the function: --function NAME|PATH or FUNCTION_BINARY")
        }
        return options
    }
}
