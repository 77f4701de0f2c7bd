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

    static let usage = """
        wxpay-http-front: run one wxpay function per HTTP request (Knative, Cloud Run, OpenFaaS, local demos).

        USAGE: wxpay-http-front [--port N] [--host ADDR] [--function NAME|PATH] [--timeout SECONDS]
               wxpay-http-front --cgi [--function NAME|PATH] [--timeout SECONDS]

        Each request becomes one run of the function with the plain HTTP envelope
        {"httpMethod","path","headers","body","isBase64Encoded"} on stdin; the function's answer
        {"statusCode","headers","body"} becomes the HTTP response (other keys, e.g. the webhook's "event", are
        dropped). GET /healthz answers 200. Bodies over 1 MiB: 413. A run past the timeout is killed: 504.
        --cgi serves one request from the OpenFaaS classic watchdog instead: body on stdin, headers from Http_*
        variables, the answer's body on stdout, exit 1 unless the status is 2xx (the watchdog then answers 500).

        NAME is looked up next to this executable (e.g. --function webhook). With AWS_LAMBDA_RUNTIME_API set (a
        Lambda container image) the front execs the function instead, which runs the Runtime API loop.
        ENV  PORT (default 8080), FUNCTION_BINARY, WXPAY_FRONT_TIMEOUT_MS (default 10000); the function inherits
             the environment (WXPAY_SECRETS_FILE, WXPAY_EVENTS_FILE, LOG_LEVEL, ...).
        Prints {"listening": "HOST:PORT"} on stdout once bound; logs JSON lines on stderr.
        """

    /// A command line the front refuses.
    struct UsageError: Error {
        let message: String
    }

    static func parse(_ arguments: [String], environment: [String: String]) throws(UsageError) -> FrontOptions {
        var options = FrontOptions()
        if let port = environment["PORT"], !port.isEmpty {
            guard let value = Int(port), (0...65535).contains(value) else { throw UsageError(message: "PORT must be 0...65535") }
            options.port = value
        }
        options.function = environment["FUNCTION_BINARY"].flatMap { $0.isEmpty ? nil : $0 }
        if let ms = environment["WXPAY_FRONT_TIMEOUT_MS"], !ms.isEmpty {
            guard let value = Double(ms), value > 0 else { throw UsageError(message: "WXPAY_FRONT_TIMEOUT_MS must be > 0") }
            options.timeout = value / 1000
        }
        var rest = arguments[...]
        func value(_ flag: String) throws(UsageError) -> String {
            guard let v = rest.popFirst() else { throw UsageError(message: "\(flag) needs a value") }
            return v
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--port":
                guard let p = Int(try value(argument)), (0...65535).contains(p) else {
                    throw UsageError(message: "--port must be 0...65535")
                }
                options.port = p
            case "--host": options.host = try value(argument)
            case "--function": options.function = try value(argument)
            case "--timeout":
                guard let t = Double(try value(argument)), t > 0 else { throw UsageError(message: "--timeout must be > 0") }
                options.timeout = t
            case "--cgi": options.mode = .cgi
            default: throw UsageError(message: "unknown argument \(argument)")
            }
        }
        guard options.function != nil else {
            throw UsageError(message: "name the function: --function NAME|PATH or FUNCTION_BINARY")
        }
        return options
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
