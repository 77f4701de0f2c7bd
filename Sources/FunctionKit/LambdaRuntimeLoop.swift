import KitCore
import WxPayHTTP

/// A client of the Lambda Runtime API `2018-06-01` at `AWS_LAMBDA_RUNTIME_API`.
public struct LambdaRuntimeAPI: RuntimeAPI {
    public var platform: String { "AWS Lambda" }

    /// `http://host:port/2018-06-01/runtime`.
    public let base: String

    /// Creates a client for `address` (`host:port`, as Lambda sets `AWS_LAMBDA_RUNTIME_API`).
    public init(address: String) throws(RuntimeAPIError) {
        guard RuntimeHTTP.isSafeHost(address), let colon = address.lastIndex(of: ":"),
            let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port),
            colon != address.startIndex
        else {
            throw RuntimeAPIError(.invalidAddress, "AWS_LAMBDA_RUNTIME_API must be host:port, got \"\(address)\"")
        }
        base = "http://\(address)/2018-06-01/runtime"
    }

    /// Lambda needs no ready signal: the first `/next` is one.
    public func ready() throws(RuntimeAPIError) {}

    /// `GET /runtime/invocation/next`: blocks, without a timeout (the docs forbid one: the sandbox may be frozen
    /// between invocations), until Lambda has an event.
    public func next() throws(RuntimeAPIError) -> RuntimeInvocation {
        try RuntimeInvocation(nextAnswer: try RuntimeHTTP.long("\(base)/invocation/next"))
    }

    /// Posts `reply` to `/runtime/invocation/{id}/response` or `…/error`.
    public func post(_ reply: RuntimeReply, for invocation: RuntimeInvocation) throws(RuntimeAPIError) {
        switch reply {
        case .response(let body):
            try RuntimeHTTP.post("\(base)/invocation/\(invocation.requestID)/response", body: body)
        case .error(let report):
            try postError(report, to: "\(base)/invocation/\(invocation.requestID)/error")
        }
    }

    /// `POST /runtime/init/error`: the runtime could not start; Lambda serves this to the first invoke.
    public func reportInitFailure(_ report: RuntimeErrorReport) throws(RuntimeAPIError) {
        try postError(report, to: "\(base)/init/error")
    }

    /// Error posts carry `Lambda-Runtime-Function-Error-Type: Unhandled`.
    private func postError(_ report: RuntimeErrorReport, to url: String) throws(RuntimeAPIError) {
        try RuntimeHTTP.post(url, body: (try? JSONCoding.encode(report.json)) ?? [],
                             headers: [("Lambda-Runtime-Function-Error-Type", "Unhandled")])
    }

    /// Request ids go into URL paths: accept only the characters AWS uses (a UUID), so a hostile or broken
    /// server cannot steer the post elsewhere.
    static func isSafeRequestID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 128 && id.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
        }
    }
}

extension RuntimeInvocation {
    /// Reads one answer of Lambda's `GET /runtime/invocation/next`.
    /// - Throws: `protocolViolation` for a status other than 200 or a missing or unsafe request id. A deadline that
    ///   is not a plain number of milliseconds in range is ignored (the function's own time budget applies).
    public init(nextAnswer response: HTTPResponse) throws(RuntimeAPIError) {
        guard response.status == 200 else {
            throw RuntimeAPIError(.protocolViolation, "/invocation/next answered HTTP \(response.status)")
        }
        guard let requestID = response.header("lambda-runtime-aws-request-id"),
              LambdaRuntimeAPI.isSafeRequestID(requestID)
        else {
            throw RuntimeAPIError(.protocolViolation, "/invocation/next answered without a usable request id")
        }
        self.init(
            requestID: requestID,
            deadlineMillis: response.header("lambda-runtime-deadline-ms").flatMap {
                Untrusted.integer($0, in: 0...RuntimeInvocation.maxDeadlineMillis)
            },
            traceID: response.header("lambda-runtime-trace-id").map { Untrusted.excerpt($0, limit: 512) },
            functionARN: response.header("lambda-runtime-invoked-function-arn").map { Untrusted.excerpt($0, limit: 512) },
            event: response.body)
    }
}
