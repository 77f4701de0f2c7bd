import Foundation
import KitCore
import WxPayHTTP
import WxPayTestSupport

/// A `wxpay-server` process on a free loopback port (`--port 0`; the `listening` line tells which).
final class ServerProcess: @unchecked Sendable {
    let process: ChildProcess
    let baseURL: String

    init(_ arguments: [String] = [], environment: [String: String], startTimeout: Double = 20) throws {
        let executable = try Executables.require("wxpay-server")
        process = try ChildProcess(executable, ["--host", "127.0.0.1", "--port", "0"] + arguments,
                                   environment: environment)
        var url: String? = nil
        let limit = MonotonicClock.now() + startTimeout
        while url == nil, MonotonicClock.now() < limit, process.isRunning {
            if let line = process.stdoutSoFar.split(separator: "\n").first,
               let value = try? JSONCoding.value(from: Array(line.utf8))
            {
                url = value["listening"]?.stringValue
            } else {
                usleep(20_000)
            }
        }
        guard let url else {
            let result = process.terminate()
            throw SetupFailure("wxpay-server printed no listening line: \(result)")
        }
        baseURL = url
    }

    deinit { _ = process.terminate() }

    /// Stops it with SIGTERM and returns what it printed.
    func stop() -> ProcessResult { process.terminate() }

    /// Sends one request over loopback (libcurl, a fresh connection).
    func send(_ method: String, _ path: String, headers: [(name: String, value: String)] = [],
              body: [UInt8] = []) throws -> HTTPResponse
    {
        try HTTPClient.send(HTTPRequest(method: method, url: baseURL + path, headers: headers, body: body,
                                        connectTimeout: 2, totalTimeout: 20))
    }

    func post(_ path: String, json: String, token: String? = nil) throws -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        return try send("POST", path, headers: headers, body: Array(json.utf8))
    }

    /// The JSON log lines on stderr so far.
    var logLines: [JSONValue] {
        process.stderrSoFar.split(separator: "\n").compactMap { try? JSONCoding.value(from: Array($0.utf8)) }
    }
}

extension HTTPResponse {
    var json: JSONValue? { try? JSONCoding.value(from: body) }
    var text: String { String(decoding: body, as: UTF8.self) }
}
