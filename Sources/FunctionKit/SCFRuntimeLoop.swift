import KitCore
import WxPayHTTP


/// A client of Tencent Cloud SCF's custom-runtime API at `http://$SCF_RUNTIME_API:$SCF_RUNTIME_API_PORT/runtime`.
///
/// How it differs from Lambda's: initialization ends with `POST /runtime/init/ready`; `/next` names the invocation
/// in a `request_id` header and gives the function's timeout, not a deadline (`time_limit_in_ms`); the answer goes
/// to `POST /runtime/invocation/response` or `/runtime/invocation/error` (one invocation at a time, so no id in the
/// path); there is no init-error route.
public struct SCFRuntimeAPI: RuntimeAPI {
    public var platform: String { "Tencent Cloud SCF" }

    /// `http://host:port/runtime`.
    public let base: String

    /// The longest `time_limit_in_ms` accepted: 24 hours (an event function's timeout is at most 900 s, an
    /// asynchronous one's 24 h).
    static let maxTimeLimitMillis: Int64 = 86_400_000

    /// Creates a client for `host` (`SCF_RUNTIME_API`) and `port` (`SCF_RUNTIME_API_PORT`).
    init(host: String, port: String) throws(RuntimeAPIError) {
        guard RuntimeHTTP.isSafeHost(host), !host.contains(":"), let number = Untrusted.integer(port, in: 1...65535)
        else {
            throw RuntimeAPIError(.invalidAddress, "SCF_RUNTIME_API must be a host and SCF_RUNTIME_API_PORT a port")
        }
        base = "http://\(host):\(number)/runtime"
    }

    /// Creates a client from `SCF_RUNTIME_API` and `SCF_RUNTIME_API_PORT`.
    public init(environment: [String: String]) throws(RuntimeAPIError) {
        try self.init(host: environment["SCF_RUNTIME_API"] ?? "", port: environment["SCF_RUNTIME_API_PORT"] ?? "")
    }

    /// `POST /runtime/init/ready`: initialization is over (SCF counts the init timeout until then).
    public func ready() throws(RuntimeAPIError) {
        try RuntimeHTTP.post("\(base)/init/ready", body: [])
    }

    /// `GET /runtime/invocation/next`: blocks, without a timeout, until SCF has an event.
    public func next() throws(RuntimeAPIError) -> RuntimeInvocation {
        try RuntimeInvocation(scfNextAnswer: try RuntimeHTTP.long("\(base)/invocation/next"))
    }

    /// `POST /runtime/invocation/response` with the answer, or `/runtime/invocation/error` with
    /// `{"errorType","errorMessage"}`.
    public func post(_ reply: RuntimeReply, for invocation: RuntimeInvocation) throws(RuntimeAPIError) {
        switch reply {
        case .response(let body):
            try RuntimeHTTP.post("\(base)/invocation/response", body: body)
        case .error(let report):
            try RuntimeHTTP.post("\(base)/invocation/error", body: (try? JSONCoding.encode(report.json)) ?? [])
        }
    }

    /// SCF's runtime API has no init-error route: a process that exits is reported by SCF itself (the exit status
    /// and the log line written before it). Nothing is posted.
    public func reportInitFailure(_ report: RuntimeErrorReport) throws(RuntimeAPIError) {}
}

extension RuntimeInvocation {
    /// Reads one answer of SCF's `GET /runtime/invocation/next`, received at `nowMillis`.
    /// - Throws: `protocolViolation` for a status other than 200. A missing `request_id` becomes `-` (it is only
    ///   logged: SCF's posts name no invocation); a `time_limit_in_ms` that is not a plain number of milliseconds in
    ///   range is ignored (the function's own time budget applies).
    public init(scfNextAnswer response: HTTPResponse, nowMillis: Int64 = System.unixTimeMillis())
        throws(RuntimeAPIError)
    {
        guard response.status == 200 else {
            throw RuntimeAPIError(.protocolViolation, "/invocation/next answered HTTP \(response.status)")
        }
        let requestID = response.header("request_id").map { Untrusted.excerpt($0, limit: 128) }
        let limit = response.header("time_limit_in_ms").flatMap {
            Untrusted.integer($0, in: 1...SCFRuntimeAPI.maxTimeLimitMillis)
        }
        self.init(requestID: requestID.flatMap { $0.isEmpty ? nil : $0 } ?? "-",
                  deadlineMillis: limit.map { nowMillis + $0 }, traceID: nil, functionARN: nil, event: response.body)
    }
}
