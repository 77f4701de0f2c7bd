import KitCore
import WxPayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The raw request log (`serve --request-log FILE`): one JSON line per merchant API request (`/v3/...`) as it
/// arrived, appended before anything acts on it — before faults, authentication and the ledger — so tests can count
/// what reached the wire independently of the emulator's own books.
///
/// A request line: `{"seq": 1, "time_ms": 1764660000123, "method": "POST", "target": "/v3/pay/transactions/native",
/// "body": "{...}"}` (`body` is the request body as text; `body_error` replaces it when the body was not read,
/// e.g. larger than the limit). Once answered, an answer line with the same `seq`: `{"seq": 1, "answer": 200}`
/// (the HTTP status sent, 0 when no status line was sent: a connection reset, or the silent `timeout` fault), plus
/// `"code"` for a WeChat error answer and `"fault"` for an injected fault (its kind, as in `POST /_emulator/faults`).
public actor RequestLog {
    /// A log that cannot be opened.
    public struct OpenError: Error, CustomStringConvertible {
        public let description: String
    }

    private let fd: Int32
    private var seq: Int64 = 0

    /// Opens `path` for appending (created with mode 0600 if missing; existing lines are kept).
    public init(path: String) throws(OpenError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw OpenError(description: "cannot open the request log \(path): \(String(cString: strerror(errno)))")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Appends one request (one `write` of one line) and returns its `seq`.
    @discardableResult
    public func append(method: String, target: String, body: [UInt8]?) -> Int64 {
        seq += 1
        var line: [String: JSONValue] = [
            "seq": .int(seq), "time_ms": .int(System.unixTimeMillis()), "method": .string(method),
            "target": .string(target),
        ]
        if let body {
            line["body"] = .string(String(decoding: body, as: UTF8.self))
        } else {
            line["body_error"] = "not read (larger than the limit, or the connection failed)"
        }
        write(line)
        return seq
    }

    /// Appends the answer to request `seq`: the HTTP status (0: no status line was sent), the error code, and the
    /// kind of fault injected into it.
    public func answered(seq: Int64, status: Int, code: String?, fault: String? = nil) {
        var line: [String: JSONValue] = ["seq": .int(seq), "answer": .int(Int64(status))]
        if let code, !code.isEmpty { line["code"] = .string(code) }
        if let fault { line["fault"] = .string(fault) }
        write(line)
    }

    private func write(_ line: [String: JSONValue]) {
        guard let bytes = try? JSONCoding.encode(JSONValue.object(line)) else { return }
        _ = System.writeAll(fd: fd, bytes + [0x0A])
    }
}
