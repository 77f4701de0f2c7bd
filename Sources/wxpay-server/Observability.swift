import KitCore
import Metrics
import Prometheus

/// The server's metrics (swift-metrics, exported by swift-prometheus at `GET /metrics`; docs/server.md#metrics).
enum ServerMetrics {
    /// The registry `GET /metrics` renders.
    static let registry = PrometheusCollectorRegistry()

    /// Makes swift-metrics report into ``registry`` (once, at start).
    static func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
    }

    /// One answered request: a count by route and status, and its latency in the route's histogram.
    static func request(route: String, status: Int, nanoseconds: Int64) {
        Counter(label: "wxpay_server_requests_total", dimensions: [("route", route), ("status", String(status))])
            .increment()
        Metrics.Timer(label: "wxpay_server_request_duration_seconds", dimensions: [("route", route)])
            .recordNanoseconds(nanoseconds)
    }

    /// A connection refused before any route saw it (deadline, oversized head, malformed request).
    static func refused(status: Int) {
        Counter(label: "wxpay_server_requests_total", dimensions: [("route", "-"), ("status", String(status))])
            .increment()
    }

    /// What became of a notification at `POST /webhook`: accepted, rejected (by code), or a hand-off failure
    /// (WeChat Pay retries it).
    static func notification(errorCode: String?) {
        let outcome: String
        switch errorCode {
        case nil: outcome = "accepted"
        case "HANDOFF_FAILED"?, "HANDOFF_NOT_CONFIGURED"?: outcome = "handoff_failed"
        default: outcome = "rejected"
        }
        Counter(label: "wxpay_server_notifications_total",
                dimensions: [("outcome", outcome), ("code", errorCode ?? "")]).increment()
    }

    /// The events file's group commit since start (set when `/metrics` is read): lines and batches written (a batch
    /// is one `fsync`), failed batches, the largest batch.
    static func events(_ statistics: GroupCommitAppender.Statistics) {
        Gauge(label: "wxpay_server_events_lines").record(statistics.lines)
        Gauge(label: "wxpay_server_events_batches").record(statistics.batches)
        Gauge(label: "wxpay_server_events_failed_batches").record(statistics.failedBatches)
        Gauge(label: "wxpay_server_events_largest_batch").record(statistics.largestBatch)
    }

    /// The Prometheus text exposition of every metric.
    static func exposition() -> [UInt8] { registry.emitToBuffer() }
}

/// The one JSON line per request on stderr (docs/server.md#logs).
enum AccessLog {
    static func line(requestID: String, method: String, route: String, path: String, status: Int, ms: Double,
                     code: String? = nil)
    {
        var object: JSONValue = [
            "ts": .int(System.unixTimeMillis()), "level": "info", "fn": "wxpay-server", "msg": "request",
            "request_id": .string(requestID), "method": .string(method), "route": .string(route),
            "path": .string(String(path.prefix(200))), "status": .int(Int64(status)),
            "ms": .double((ms * 1000).rounded() / 1000),
        ]
        if let code, case .object(var o) = object {
            o["code"] = .string(code)
            object = .object(o)
        }
        guard var bytes = try? JSONCoding.encode(object) else { return }
        bytes.append(0x0A)
        System.writeAll(fd: 2, bytes)
    }
}

/// The server's own error bodies: the contract's `{"error": {"code","message","retryable"}}` (docs/errors.md).
enum ServerErrors {
    static func body(code: String, message: String, retryable: Bool = false) -> String {
        let value: JSONValue = ["error": ["code": .string(code), "message": .string(message),
                                          "retryable": .bool(retryable)]]
        return (try? JSONCoding.string(value)) ?? #"{"error":{"code":"INTERNAL"}}"#
    }
}
