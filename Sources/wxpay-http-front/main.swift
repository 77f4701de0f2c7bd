import ArgumentParser
import FoundationEssentials
import KitCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// wxpay-http-front: the HTTP side of the wxpay functions for platforms that speak HTTP instead of stdin/stdout
// (Knative and Cloud Run on $PORT, the OpenFaaS classic watchdog via --cgi, the emulator's notifications in
// `make demo`). Each request is one run of the function executable; the function binaries stay lean.

/// A failure that stops the front before it serves.
struct FrontFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// JSON log lines on stderr, like the functions' own.
enum FrontLog {
    private struct Line: Encodable {
        var ts: Int64
        var level: String
        var fn = "wxpay-http-front"
        var msg: String
        var method: String?
        var path: String?
        var status: Int?
        var ms: Int?
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }()

    static func error(_ message: String) { emit(Line(ts: now(), level: "error", msg: message)) }
    static func info(_ message: String) { emit(Line(ts: now(), level: "info", msg: message)) }

    static func request(method: String, path: String, status: Int, milliseconds: Int) {
        emit(Line(ts: now(), level: status >= 500 ? "error" : "info", msg: "request", method: method, path: path,
                  status: status, ms: milliseconds))
    }

    private static func emit(_ line: Line) {
        guard var bytes = (try? FrontLog.encoder.encode(line)).map({ Array($0) }) else { return }
        bytes.append(0x0A)
        System.writeAll(fd: 2, bytes)
    }

    private static func now() -> Int64 { System.unixTimeMillis() }
}

func fail(_ status: Int32, _ message: String) -> Never {
    FrontLog.error(message)
    exit(status)
}

signal(SIGPIPE, SIG_IGN)
let env = System.environment()
let options: FrontOptions
do {
    options = try FrontOptions.parse(Array(CommandLine.arguments.dropFirst()), environment: env)
} catch {
    if FrontArguments.exitCode(for: error) == .success { FrontArguments.exit(withError: error) }  // --help, --version
    fail(64, FrontArguments.message(for: error) + " (see --help)")
}
let functionPath = FrontOptions.resolve(options.function!)
guard access(functionPath, X_OK) == 0 else { fail(78, "the function \(functionPath) is not an executable file") }
let exchange = Exchange(function: FunctionProcess(path: functionPath), timeout: options.timeout)

switch options.mode {
case .cgi:
    let body: [UInt8]
    do throws(System.FileError) {
        body = try System.readAll(fd: 0, limit: HTTPServer.maxBodyBytes)
    } catch {
        fail(65, error.errno == EFBIG ? "the body exceeds 1 MiB" : "cannot read the body: \(error.reason)")
    }
    let response = exchange.handle(CGIRequest.make(environment: env, body: body))
    System.writeAll(fd: 1, response.body)
    FrontLog.request(method: env["Http_Method"] ?? "POST", path: env["Http_Path"] ?? "/", status: response.status,
                     milliseconds: 0)
    // The classic watchdog answers 200 for exit 0 and 500 otherwise: a refusal or failure must not look like
    // success (WeChat Pay retries a notification only on a non-2xx).
    exit((200..<300).contains(response.status) ? 0 : 1)
case .serve:
    if let api = env["AWS_LAMBDA_RUNTIME_API"], !api.isEmpty {
        // A Lambda container image: no HTTP here. The function runs the Runtime API loop itself.
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(functionPath), nil]
        execv(functionPath, argv)
        fail(71, "cannot exec \(functionPath): \(String(cString: strerror(errno)))")
    }
    let server: HTTPServer
    do throws(FrontFailure) {
        server = try HTTPServer(host: options.host, port: options.port, exchange: exchange)
    } catch {
        fail(69, error.message)
    }
    System.writeAll(fd: 1, Array("{\"listening\": \"\(server.boundAddress)\"}\n".utf8))
    FrontLog.info("serving \(functionPath) on \(server.boundAddress), timeout \(options.timeout) s")
    server.serve()
}
