import Foundation
import KitCore
import Testing
import WxPayCore
import WxPaySandbox
import WxPayTestSupport

/// A failed append leaves the events file as it was (issue: faults, "nothing lost").
@Suite("Events file: all or nothing")
struct HandoffStorageTests {
    typealias W = WebhookProcessTests

    /// Runs `webhook` with a file-size limit (`RLIMIT_FSIZE`) of `bytes`, set by a Python shim that then execs it.
    static func webhookLimited(_ world: W.World, _ event: JSONValue, bytes: Int) throws -> ProcessResult {
        let shim = "import os, resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (\(bytes), \(bytes)));"
            + " os.execv(sys.argv[1], sys.argv[1:])"
        return try runProcess("/usr/bin/python3", ["-c", shim, Executables.path("webhook")],
                              stdin: JSONCoding.encode(event), environment: world.environment())
    }

    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    }

    /// ThreadSanitizer's runtime maps files for its shadow memory and dies with SIGBUS under `RLIMIT_FSIZE`, before
    /// our code runs; `make sanitize` says which sanitizer is on. The plain and AddressSanitizer runs check this.
    static let underThreadSanitizer = ProcessInfo.processInfo.environment["WXPAY_SANITIZER"] == "thread"

    @Test("at the file-size limit: 500 HANDOFF_FAILED (exit 69), the file byte for byte as before, the next event whole",
          .disabled(if: underThreadSanitizer, "ThreadSanitizer's runtime cannot run under a file-size limit"))
    func fileSizeLimit() throws {
        let world = try W.World(W.secrets())
        defer { world.dir.remove() }
        #expect(try world.webhook(W.notification(outTradeNo: "AK-STORE-1")).status == 0)
        let before = try #require(world.dir.read("events.ndjson"))
        #expect(before.count > 512, "one event line of \(before.count) bytes")

        // The second line starts below the limit and cannot end under it: a short write, then EFBIG.
        let refused = try Self.webhookLimited(world, W.notification(outTradeNo: "AK-STORE-2"), bytes: before.count + 200)
        #expect(refused.status == 69, "\(refused)")
        let answer = try refused.json()
        #expect(answer["statusCode"] == 500)
        #expect(try W.body(answer)["error"]?["code"] == "HANDOFF_FAILED")
        #expect(world.dir.read("events.ndjson") == before, "nothing of the refused event may stay behind")

        // WeChat Pay retries: the redelivery is appended whole, on its own line.
        #expect(try world.webhook(W.notification(outTradeNo: "AK-STORE-2")).status == 0)
        let events = try world.events
        #expect(events.map { $0["resource"]?["out_trade_no"]?.stringValue } == ["AK-STORE-1", "AK-STORE-2"])
    }

    @Test("a fragment left by a killed writer is ended before the next line: every later line is whole")
    func fragmentIsEnded() throws {
        let world = try W.World(W.secrets())
        defer { world.dir.remove() }
        try SandboxFiles.writeFile(world.eventsPath, Array(#"{"id":"EV-half","type":"payme"#.utf8))
        #expect(try world.webhook(W.notification(outTradeNo: "AK-STORE-3")).status == 0)
        let all = Self.lines(try #require(world.dir.read("events.ndjson")))
        #expect(all.count == 3 && all[2].isEmpty, "fragment line, event line, final newline")
        #expect((try? JSONCoding.value(from: all[0])) == nil, "the fragment stays unparseable and is skipped")
        let event = try JSONCoding.value(from: all[1])
        #expect(event["resource"]?["out_trade_no"] == "AK-STORE-3")
    }

    @Test("the file renamed away while an append waits for the lock: the line goes to the file the path names")
    func renamedWhileWaiting() throws {
        let world = try W.World(W.secrets())
        defer { world.dir.remove() }
        #expect(try world.webhook(W.notification(outTradeNo: "AK-STORE-4")).status == 0)
        // A consumer rotating the file: lock, rename, unlock. An appender that opened the file before the rename
        // and waited for the lock must not append to the renamed file (the consumer may have read it already).
        let holder = open(world.eventsPath, O_WRONLY | O_APPEND)
        try #require(holder >= 0)
        #expect(flock(holder, LOCK_EX) == 0)
        let child = try ChildProcess(Executables.path("webhook"), stdin: JSONCoding.encode(W.notification(outTradeNo: "AK-STORE-5")),
                                     environment: world.environment())
        var waiting = false
        for _ in 0..<1000 where !waiting {
            let locks = (try? String(contentsOfFile: "/proc/locks", encoding: .utf8)) ?? ""
            waiting = locks.split(separator: "\n").contains { $0.contains("->") && $0.contains(" \(child.pid) ") }
            if !waiting { usleep(5000) }
        }
        #expect(waiting, "webhook waits for the lock")
        #expect(rename(world.eventsPath, world.eventsPath + ".1") == 0)
        _ = flock(holder, LOCK_UN)
        close(holder)
        let result = try #require(child.wait(timeout: 20))
        #expect(result.status == 0, "\(result)")
        #expect(try world.events.map { $0["resource"]?["out_trade_no"]?.stringValue } == ["AK-STORE-5"])
        let renamed = Self.lines(try #require(world.dir.read("events.ndjson.1")))
        #expect(renamed.count == 2 && renamed[1].isEmpty, "the renamed file holds the first event only")
    }

    @Test("an unwritable events file: never acknowledged, nothing created")
    func unwritable() throws {
        let world = try W.World(W.secrets())
        defer { world.dir.remove() }
        let env = world.environment(extra: ["WXPAY_EVENTS_FILE": world.dir.path + "/missing-dir/events.ndjson"])
        let result = try runProcess(Executables.path("webhook"), [], stdin: JSONCoding.encode(W.notification()),
                                    environment: env)
        #expect(result.status == 69)
        #expect(try W.body(result.json())["error"]?["code"] == "HANDOFF_FAILED")
        #expect(!FileManager.default.fileExists(atPath: world.dir.path + "/missing-dir"))
    }
}
