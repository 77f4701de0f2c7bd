import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayHTTP
import WxPaySandbox
import WxPayTestSupport

/// Delivery like WeChat: retried with back-off until a 2xx, every attempt signed anew; or printed on stdout.
@Suite("Notification delivery")
struct NotificationDeliveryTests {
    @Test("non-2xx answers are retried on the back-off schedule until one succeeds")
    func retriesUntilSuccess() throws {
        let sink = try RecordingHTTPServer(answering: [500, 503, 200])
        defer { sink.stop() }
        let emu = try RunningEmulator(notifyURL: sink.url(path: "/wxpay/notify"), extra: ["--notify-backoff", "0.2,0.2,0.2,5"])
        let no = uniqueTradeNo()
        _ = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no))
        try emu.control("POST", "/_emulator/orders/\(no)/pay")
        let received = sink.wait(for: 3)
        #expect(received.count == 3)
        // Same notification each time (same id and ciphertext), each attempt verifying on its own.
        #expect(Set(received.map(\.body)).count == 1)
        for r in received { _ = try openNotification(headers: r.header, body: r.body, secrets: emu.secrets) }
        let log = try emu.waitForNotifications { $0.first?["state"] == "delivered" }
        let attempts = log.first?["attempts"]?.arrayValue ?? []
        #expect(attempts.compactMap { $0["status"]?.intValue } == [500, 503, 200])
        usleep(400_000)
        #expect(sink.requests.count == 3)  // no retry after the success
    }

    @Test("an unreachable notify_url is tried 1 + len(back-off) times and then marked failed")
    func unreachable() throws {
        let emu = try RunningEmulator(notifyURL: "http://127.0.0.1:9/wxpay/notify", extra: ["--notify-backoff", "0.1,0.1"])
        let no = uniqueTradeNo()
        _ = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no))
        try emu.control("POST", "/_emulator/orders/\(no)/pay")
        let log = try emu.waitForNotifications { $0.first?["state"] == "failed" }
        #expect(log.first?["state"] == "failed")
        let attempts = log.first?["attempts"]?.arrayValue ?? []
        #expect(attempts.count == 3)
        #expect(attempts.allSatisfy { $0["error"] != nil })
    }

    @Test("--print-notifications writes each notification as one HTTP-envelope JSON line on stdout")
    func printed() throws {
        let emu = try RunningEmulator(extra: ["--print-notifications", "--no-deliver"])
        let no = uniqueTradeNo()
        _ = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no, attach: "printed"))
        try emu.control("POST", "/_emulator/orders/\(no)/pay")
        var line: String? = nil
        let limit = Date().addingTimeInterval(5)
        while line == nil, Date() < limit {
            line = emu.stdoutLines.dropFirst().first
            if line == nil { usleep(20_000) }
        }
        let envelope = try JSONCoding.value(from: Array(try #require(line).utf8))
        let headers = envelope["headers"]?.objectValue ?? [:]
        let body = Array((envelope["body"]?.stringValue ?? "").utf8)
        let lookup: (String) -> String? = { name in
            headers.first { $0.key.lowercased() == name.lowercased() }?.value.stringValue
        }
        let (_, resource) = try openNotification(headers: lookup, body: body, secrets: emu.secrets)
        #expect(resource["out_trade_no"]?.stringValue == no)
        #expect(resource["attach"] == "printed")
    }
}

/// `init`, `serve` start-up, the control API's reset, and the JSON logs.
@Suite("Command line")
struct CommandLineTests {
    @Test("init writes a secrets file the core accepts, pointing api_base at the emulator", arguments: ["public-key", "certificate", "both"])
    func initWritesSecrets(mode: String) throws {
        let dir = NSTemporaryDirectory() + "wxpay-emu-init-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try RunningEmulator.runToEnd(["init", "--out", dir, "--mode", mode, "--port", "8799"])
        #expect(run.status == 0)
        let summary = try JSONCoding.value(from: Array(run.stdout.utf8))
        #expect(summary["api_base"] == "http://127.0.0.1:8799")
        #expect(!run.stdout.contains("PRIVATE KEY"))
        let secrets = try Secrets.parse(try System.readFile(dir + "/secrets.json"))
        #expect(secrets.apiBase == "http://127.0.0.1:8799")
        #expect(secrets.wechatPayPublicKeys.isEmpty == (mode == "certificate"))
        #expect(secrets.wechatPayCertificates.isEmpty == (mode == "public-key"))
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/sandbox.json")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    /// Starts `wxpay-emulator serve` with `arguments` and returns the process and the URL of its `listening` line.
    static func serve(_ arguments: [String]) throws -> (ChildProcess, String) {
        let process = try ChildProcess(Executables.require("wxpay-emulator"), ["serve"] + arguments,
                                       environment: ProcessInfo.processInfo.environment)
        let limit = Date().addingTimeInterval(30)
        while Date() < limit, process.isRunning {
            if let line = process.stdoutSoFar.split(separator: "\n").first,
               let url = try JSONCoding.value(from: Array(line.utf8))["listening"]?.stringValue
            {
                return (process, url)
            }
            usleep(20_000)
        }
        let result = process.terminate()
        throw SetupFailure("serve \(arguments) printed no listening line: \(result)")
    }

    @Test("serve listens on the port init --port wrote (where api_base points) unless --port overrides it")
    func servePortFromInit() throws {
        let dir = NSTemporaryDirectory() + "wxpay-emu-port-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = try RecordingHTTPServer.closedPort()
        let initRun = try RunningEmulator.runToEnd(["init", "--out", dir, "--port", String(port)])
        try #require(initRun.status == 0, "\(initRun)")
        let sandbox = try JSONCoding.value(from: System.readFile(dir + "/sandbox.json"))
        #expect(sandbox["port"]?.intValue == Int64(port))
        let secrets = try Secrets.parse(try System.readFile(dir + "/secrets.json"))

        let (process, url) = try Self.serve(["--sandbox", dir + "/sandbox.json"])
        defer { process.terminate() }
        #expect(url == "http://127.0.0.1:\(port)")
        #expect(url == secrets.apiBase, "serve listens where the secrets file's api_base points")
        let health = try HTTPClient.send(HTTPRequest(method: "GET", url: secrets.apiBase + "/_emulator/health",
                                                     totalTimeout: 10))
        #expect(health.status == 200)

        // --port overrides the file (0: any free port).
        let (other, otherURL) = try Self.serve(["--sandbox", dir + "/sandbox.json", "--port", "0"])
        defer { other.terminate() }
        #expect(otherURL != url)
        #expect(otherURL.hasPrefix("http://127.0.0.1:"))

        // A sandbox file with a port that is not one is refused, naming the file.
        var edited = try #require(sandbox.objectValue)
        edited["port"] = "eighty"
        try SandboxFiles.writeFile(dir + "/bad.json", try JSONCoding.encode(JSONValue.object(edited)))
        let bad = try RunningEmulator.runToEnd(["serve", "--sandbox", dir + "/bad.json"])
        #expect(bad.status == 64, "\(bad)")
        #expect(bad.stderr.contains("bad.json") && bad.stderr.contains("port"), "\(bad.stderr)")
    }

    @Test("serve logs JSON lines to stderr, never secrets; reset forgets orders; bad options exit 64")
    func serveAndReset() throws {
        let emu = try RunningEmulator()
        let no = uniqueTradeNo()
        _ = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no))
        #expect(try emu.control("GET", "/_emulator/health").json["status"] == "ok")
        #expect(try emu.control("POST", "/_emulator/reset").json["reset"] == true)
        #expect(try emu.control("GET", "/_emulator/orders").json["orders"]?.arrayValue?.isEmpty == true)
        #expect(try emu.call("GET", "/v3/pay/transactions/out-trade-no/\(no)?mchid=\(emu.secrets.mchid)").status == 404)
        let lines = emu.stderrLines
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { (try? JSONCoding.value(from: Array($0.utf8)))?.objectValue != nil })
        #expect(lines.contains { $0.contains("\"op\":\"prepay.native\"") })
        #expect(!lines.joined().contains("PRIVATE KEY") && !lines.joined().contains("WECHATPAY2-SHA256-RSA2048 "))
        let bad = try RunningEmulator.runToEnd(["serve", "--sandbox", "/nonexistent.json", "--port", "70000"])
        #expect(bad.status == 64)
    }
}

/// The fault campaigns' soak: orders placed, paid and notified several times each, out of order.
@Suite("Soak delivery")
struct SoakDeliveryTests {
    @Test("POST /_emulator/soak notifies every paid order 1-3 times, each copy the same notification signed anew; unacknowledged copies are retried")
    func soak() throws {
        // The first answers fail: those deliveries must be retried until a 2xx.
        let sink = try RecordingHTTPServer(answering: [500, 503] + Array(repeating: 200, count: 200))
        defer { sink.stop() }
        let emu = try RunningEmulator(extra: ["--no-deliver"])
        let (status, answer) = try emu.control("POST", "/_emulator/soak", [
            "notify_url": .string(sink.url(path: "/wxpay/notify")), "count": 20, "concurrency": 4, "seed": 7,
        ])
        #expect(status == 200)
        let orders = answer["orders"]?.arrayValue ?? []
        #expect(orders.count == 20)
        let copies = orders.compactMap { $0["copies"]?.intValue }
        #expect(copies.allSatisfy { (1...3).contains($0) })
        #expect(answer["deliveries"]?.intValue == copies.reduce(0, +))
        #expect(answer["acknowledged"] == answer["deliveries"])
        #expect(answer["failed"] == 0)
        #expect(answer["attempts"]?.intValue == (answer["deliveries"]?.intValue ?? 0) + 2)
        let received = sink.requests
        #expect(received.count == (answer["attempts"]?.intValue ?? -1))
        // Every copy verifies and decrypts on its own, and names the order it was sent for.
        var byID: [String: Int] = [:]
        for r in received {
            let (_, resource) = try openNotification(headers: r.header, body: r.body, secrets: emu.secrets)
            let id = (try JSONCoding.value(from: r.body))["id"]?.stringValue ?? ""
            byID[id, default: 0] += 1
            let order = orders.first { $0["notification_id"]?.stringValue == id }
            #expect(order?["out_trade_no"] == resource["out_trade_no"])
            #expect(order?["transaction_id"] == resource["transaction_id"])
        }
        #expect(byID.count == 20)
        // Paid in the ledger too.
        let paid = try emu.control("GET", "/_emulator/orders").json["orders"]?.arrayValue ?? []
        #expect(paid.filter { $0["trade_state"] == "SUCCESS" }.count == 20)
    }

    @Test("a soak without notify_url, or with counts out of range, is a 400 PARAM_ERROR naming the field")
    func refused() throws {
        let emu = try RunningEmulator(extra: ["--no-deliver"])
        #expect(try emu.control("POST", "/_emulator/soak", ["count": 3]).json["code"] == "PARAM_ERROR")
        let bad = try emu.control("POST", "/_emulator/soak", ["notify_url": "http://127.0.0.1:9/x", "max_copies": 99])
        #expect(bad.status == 400)
        #expect(bad.json["detail"]?["field"] == "max_copies")
    }
}
