import Foundation

/// A fake custom-runtime API, started by a test: AWS Lambda's (`2018-06-01`) or Tencent Cloud SCF's. It hands out
/// queued invocations on `GET …/runtime/invocation/next` (long-polling while the queue is empty) and records every
/// post of an answer. As SCF's, it refuses `/next` with 400 until `POST /runtime/init/ready` arrived, and names the
/// invocation in `request_id` with its time limit in `time_limit_in_ms`.
final class FakeRuntimeAPI: @unchecked Sendable {
    /// Which platform's runtime API it plays.
    enum Dialect: Sendable { case lambda, scf }

    /// One queued invocation.
    struct Invocation: Sendable {
        var requestID: String = UUID().uuidString.lowercased()
        var event: [UInt8]
        /// `Lambda-Runtime-Deadline-Ms`; by default 30 s from when `/next` hands it out.
        var deadlineMillis: Int64? = nil
        var traceID: String? = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        /// A raw status for `/next` instead of an invocation (protocol-failure tests).
        var nextStatus: Int = 200

        init(requestID: String = UUID().uuidString.lowercased(), event: [UInt8], deadlineMillis: Int64? = nil,
             traceID: String? = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
             nextStatus: Int = 200)
        {
            self.requestID = requestID
            self.event = event
            self.deadlineMillis = deadlineMillis
            self.traceID = traceID
            self.nextStatus = nextStatus
        }

        init(json: String, requestID: String = UUID().uuidString.lowercased(), deadlineMillis: Int64? = nil) {
            self.init(requestID: requestID, event: Array(json.utf8), deadlineMillis: deadlineMillis)
        }
    }

    /// When `/next` handed an invocation out, and with which deadline header.
    struct Handout: Sendable {
        var requestID: String
        var atMillis: Int64
        var deadlineMillis: Int64
    }

    private let condition = NSCondition()
    private var queue: [Invocation] = []
    private(set) var posts: [ReceivedRequest] = []
    private(set) var handouts: [Handout] = []
    private(set) var nextCalls = 0
    private var stopped = false
    private var server: TestHTTPServer!
    let dialect: Dialect
    /// SCF: how many `POST /runtime/init/ready` arrived, and how many `/next` calls came before the first.
    private(set) var readyPosts = 0
    private(set) var nextBeforeReady = 0

    init(_ dialect: Dialect = .lambda) throws {
        self.dialect = dialect
        // Weak: a child process may still call after the test let go of the fake.
        server = try TestHTTPServer { [weak self] request in self?.answer(request) }
    }

    /// `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`.
    var address: String { server.address }

    func enqueue(_ invocations: Invocation...) {
        condition.lock()
        queue += invocations
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until `count` posts arrived (or `timeout` seconds passed) and returns what arrived.
    func waitForPosts(_ count: Int, timeout: Double = 20) -> [ReceivedRequest] {
        let limit = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while posts.count < count, condition.wait(until: limit) {}
        return posts
    }

    /// Stops accepting and releases every long-polling `/next`.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        server.stop()
    }

    /// SCF: the values of `SCF_RUNTIME_API` and `SCF_RUNTIME_API_PORT`.
    var scfEnvironment: [String: String] { ["SCF_RUNTIME_API": "127.0.0.1", "SCF_RUNTIME_API_PORT": String(server.port)] }

    private func answer(_ request: ReceivedRequest) -> CannedResponse? {
        let prefix = dialect == .lambda ? "/2018-06-01/runtime" : "/runtime"
        guard request.path.hasPrefix(prefix) else { return CannedResponse(status: 404) }
        let route = String(request.path.dropFirst(prefix.count))
        if dialect == .scf && request.method == "POST" && route == "/init/ready" {
            condition.lock()
            readyPosts += 1
            condition.broadcast()
            condition.unlock()
            return CannedResponse(status: 200)
        }
        if request.method == "GET" && route == "/invocation/next" {
            condition.lock()
            nextCalls += 1
            if dialect == .scf && readyPosts == 0 {
                nextBeforeReady += 1
                condition.unlock()
                return CannedResponse(status: 400, body: Array(#"{"error":"not ready"}"#.utf8))
            }
            let limit = Date().addingTimeInterval(60)
            while queue.isEmpty, !stopped, condition.wait(until: limit) {}
            guard !queue.isEmpty, !stopped else {
                condition.unlock()
                return nil
            }
            let invocation = queue.removeFirst()
            let now = TestSockets.nowMillis()
            let deadline = invocation.deadlineMillis ?? now + 30_000
            if invocation.nextStatus == 200 {
                handouts.append(Handout(requestID: invocation.requestID, atMillis: now, deadlineMillis: deadline))
            }
            condition.unlock()
            guard invocation.nextStatus == 200 else {
                return CannedResponse(status: invocation.nextStatus, body: Array(#"{"errorMessage":"boom"}"#.utf8))
            }
            if dialect == .scf {
                return CannedResponse(status: 200, headers: [
                    ("Content-Type", "application/json"), ("request_id", invocation.requestID),
                    ("memory_limit_in_mb", "128"), ("time_limit_in_ms", String(max(1, deadline - now))),
                ], body: invocation.event)
            }
            var headers: [(String, String)] = [
                ("Content-Type", "application/json"),
                ("Lambda-Runtime-Aws-Request-Id", invocation.requestID),
                ("Lambda-Runtime-Deadline-Ms", String(deadline)),
                ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:ap-east-1:123456789012:function:webhook"),
            ]
            if let trace = invocation.traceID { headers.append(("Lambda-Runtime-Trace-Id", trace)) }
            return CannedResponse(status: 200, headers: headers, body: invocation.event)
        }
        guard request.method == "POST" else { return CannedResponse(status: 405) }
        condition.lock()
        posts.append(request)
        condition.broadcast()
        condition.unlock()
        return CannedResponse(status: 202, headers: [("Content-Type", "application/json")],
                              body: Array(#"{"status":"OK"}"#.utf8))
    }
}
