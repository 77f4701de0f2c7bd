#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayTestSupport

/// The built `risk-batch` executable as a process: its command line, and bounded memory on oversized records.
@Suite("risk-batch process", .serialized)
struct RiskBatchProcessTests {
    static let good = #"{"id":"t1","amount":1999,"currency":"CNY","description":"咖啡","user_openid":"o1","created_at":"2026-11-23T18:25:00+08:00","type":"payment"}"#

    /// One finished run with the child's peak resident set size.
    struct MeasuredRun {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
        /// Peak RSS in bytes: the child's own `VmHWM`.
        var peakRSS: Int
        var lines: [String] { String(decoding: stdout, as: UTF8.self).split(separator: "\n").map(String.init) }
        func json(_ k: Int) throws -> JSONValue { try JSONCoding.value(from: Array(lines[k].utf8)) }
    }

    /// Runs risk-batch with stdin from the file `input` and measures its peak RSS.
    ///
    /// `ru_maxrss` cannot be used: a child started with `posix_spawn` (vfork) carries its parent's high-water mark
    /// across `exec`, so it would measure this test process. Instead the child's standard output is a pipe that
    /// is full before it starts (one page, filled by us): its first write, once the input has been read, blocks
    /// with everything it allocated still counted; it is then sleeping, and its own `VmHWM` (which `exec` reset)
    /// is read from `/proc`. Then the pipe is drained and the child reaped.
    static func run(_ arguments: [String] = [], input: String, environment: [String: String] = [:]) throws -> MeasuredRun {
        let executable = try Executables.require("risk-batch")
        let dir = try TemporaryDirectory(prefix: "wxpay-risk-proc")
        defer { dir.remove() }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SetupFailure("pipe failed") }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        defer { close(readEnd) }
        _ = fcntl(writeEnd, 1031 /* F_SETPIPE_SZ */, 4096)
        let flags = fcntl(writeEnd, F_GETFL)
        _ = fcntl(writeEnd, F_SETFL, flags | O_NONBLOCK)
        let filler = [UInt8](repeating: 0x20, count: 4096)
        var filled = 0
        while true {
            let n = write(writeEnd, filler, filler.count)
            if n <= 0 { break }
            filled += n
        }
        _ = fcntl(writeEnd, F_SETFL, flags)  // the child shares this file description: blocking again

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addopen(&actions, 2, dir.file("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(writeEnd)
        guard rc == 0 else { throw SetupFailure("cannot start \(executable): \(String(cString: strerror(rc)))") }

        // Wait until it sleeps (blocked on the full pipe) several samples in a row, keeping the highest VmHWM.
        var peak = 0
        var sleeping = 0
        let limit = MonotonicClock.now() + 120
        while sleeping < 5, MonotonicClock.now() < limit {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { break }
            let state = stat[stat.index(close, offsetBy: 2)]
            if state == "Z" { break }
            if let hwm = highWaterMark(pid) { peak = max(peak, hwm) }
            sleeping = state == "S" ? sleeping + 1 : 0
            usleep(5_000)
        }
        if let hwm = highWaterMark(pid) { peak = max(peak, hwm) }

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            output += buffer[0..<n]
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return MeasuredRun(status: exit, stdout: Array(output.dropFirst(filled)), stderr: dir.readText("stderr"),
                           peakRSS: peak)
    }

    /// `VmHWM` of a live process, in bytes.
    static func highWaterMark(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
    }

    /// Writes `parts` to a file; a part `.filler(n)` is `n` bytes of `a`, written 1 MiB at a time.
    enum Part {
        case text(String)
        case filler(Int)
    }

    static func writeInput(_ parts: [Part], to path: String) throws {
        guard let file = fopen(path, "w") else { throw SetupFailure("cannot create \(path)") }
        defer { fclose(file) }
        let block = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        for part in parts {
            switch part {
            case .text(let text):
                let bytes = Array(text.utf8)
                guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw SetupFailure("write failed") }
            case .filler(var n):
                while n > 0 {
                    let k = min(n, block.count)
                    guard fwrite(block, 1, k, file) == k else { throw SetupFailure("write failed") }
                    n -= k
                }
            }
        }
    }

    static let mib = 1 << 20
    /// What the process may use beyond a small run's peak: the record limit plus this (the 1 MiB read buffer, the
    /// output buffer, allocator slack).
    static let slack = 4 * mib

    @Test("A 48 MiB line without a line feed: one RECORD_TOO_LARGE line, the good lines after it, memory flat")
    func hugeLine() throws {
        let dir = try TemporaryDirectory(prefix: "wxpay-risk-big")
        defer { dir.remove() }
        let goods = Array(repeating: Self.good, count: 3).joined(separator: "\n") + "\n"
        try Self.writeInput([.text(goods)], to: dir.file("small"))
        let baseline = try Self.run(input: dir.file("small"))
        #expect(baseline.status == 0 && baseline.lines.count == 3, "\(baseline.stderr)")

        let huge = 48 * Self.mib
        let cases: [(name: String, parts: [Part], expected: [String?])] = [
            ("first line", [.filler(huge), .text("\n" + goods)], ["RECORD_TOO_LARGE", nil, nil, nil]),
            ("middle line", [.text(Self.good + "\n"), .text(#"{"id":"big","description":""#), .filler(huge),
                             .text("\"}\n" + goods)], [nil, "RECORD_TOO_LARGE", nil, nil, nil]),
            ("last line, no line feed at all", [.text(goods), .filler(huge)], [nil, nil, nil, "RECORD_TOO_LARGE"]),
            ("array element", [.text("[" + Self.good + ",\n" + #"{"id":"big","description":""#), .filler(huge),
                               .text("\"},\n" + Self.good + "]\n")], [nil, "RECORD_TOO_LARGE", nil]),
        ]
        for (name, parts, expected) in cases {
            try Self.writeInput(parts, to: dir.file("input"))
            let run = try Self.run(input: dir.file("input"))
            #expect(run.status == 0, "\(name): \(run.stderr)")
            try #require(run.lines.count == expected.count, "\(name): \(run.lines)")
            for (k, code) in expected.enumerated() {
                let line = try run.json(k)
                #expect(line["error"]?["code"]?.stringValue == code, "\(name) line \(k): \(run.lines[k])")
                if code == nil { #expect(line["id"] == "t1") }
            }
            #expect(run.stderr.contains(#""errors":1"#), "\(name): \(run.stderr)")
            let limit = baseline.peakRSS + Self.mib + Self.slack
            print("risk-batch peak RSS, \(name): \(run.peakRSS / 1024) KiB (baseline \(baseline.peakRSS / 1024) KiB)")
            #expect(run.peakRSS > 0 && run.peakRSS <= limit,
                    "\(name): peak RSS \(run.peakRSS / 1024) KiB > baseline \(baseline.peakRSS / 1024) KiB + 1 MiB + slack")
        }
    }

    @Test("--max-record-bytes and WXPAY_RISK_MAX_RECORD_BYTES set the limit (the flag wins); memory follows it")
    func configuredLimit() throws {
        let dir = try TemporaryDirectory(prefix: "wxpay-risk-limit")
        defer { dir.remove() }
        let padded = #"{"id":"t2","amount":1,"currency":"CNY","user_openid":"o","created_at":"2026-11-23T18:25:00Z","type":"payment","description":""# + String(repeating: "b", count: 3000) + "\"}"
        try Self.writeInput([.text(Self.good + "\n" + padded + "\n" + Self.good + "\n")], to: dir.file("input"))
        let byFlag = try Self.run(["--max-record-bytes", "2048"], input: dir.file("input"))
        #expect(byFlag.status == 0)
        #expect(try byFlag.json(1)["error"]?["code"] == "RECORD_TOO_LARGE")
        #expect(try byFlag.json(1)["error"]?["message"]?.stringValue?.contains("2048") == true)
        let byEnv = try Self.run(input: dir.file("input"), environment: ["WXPAY_RISK_MAX_RECORD_BYTES": "2048"])
        #expect(try byEnv.json(1)["error"]?["code"] == "RECORD_TOO_LARGE")
        let flagWins = try Self.run(["--max-record-bytes", "4096"], input: dir.file("input"),
                                    environment: ["WXPAY_RISK_MAX_RECORD_BYTES": "2048"])
        #expect(try flagWins.json(1)["id"] == "t2")
        let byDefault = try Self.run(input: dir.file("input"))
        #expect(try byDefault.json(1)["id"] == "t2")

        // A 16 MiB limit lets a 12 MiB record in (it is read and answered BAD_TRANSACTION: not a transaction).
        try Self.writeInput([.text(Self.good + "\n"), .filler(12 * Self.mib), .text("\n" + Self.good + "\n")],
                       to: dir.file("input"))
        let roomy = try Self.run(["--max-record-bytes", String(16 * Self.mib)], input: dir.file("input"))
        #expect(roomy.lines.count == 3)
        #expect(try roomy.json(1)["error"]?["code"] == "BAD_TRANSACTION")
        let tight = try Self.run(input: dir.file("input"))
        #expect(try tight.json(1)["error"]?["code"] == "RECORD_TOO_LARGE")
        print("risk-batch peak RSS, 12 MiB record: \(roomy.peakRSS / 1024) KiB read with a 16 MiB limit, "
              + "\(tight.peakRSS / 1024) KiB skipped with the default limit")
        #expect(tight.peakRSS < roomy.peakRSS, "skipping holds less than reading")
    }

    @Test("Command line: --help, --version, --event; bad flags and bad limits are usage errors (64)")
    func commandLine() throws {
        let dir = try TemporaryDirectory(prefix: "wxpay-risk-cli")
        defer { dir.remove() }
        try Self.writeInput([.text(Self.good + "\n")], to: dir.file("input"))
        try Self.writeInput([], to: dir.file("empty"))

        let help = try Self.run(["--help"], input: dir.file("empty"))
        #expect(help.status == 0)
        let text = String(decoding: help.stdout, as: UTF8.self)
        for word in ["USAGE", "risk-batch", "--event", "--lambda", "--version", "--max-record-bytes",
                     "WXPAY_RISK_MAX_RECORD_BYTES", "RECORD_TOO_LARGE", "WXPAY_RISK_RULES"] {
            #expect(text.contains(word), "--help mentions \(word)")
        }
        #expect(try Self.run(["-h"], input: dir.file("empty")).status == 0)

        let version = try Self.run(["--version"], input: dir.file("empty"))
        #expect(version.status == 0)
        #expect(String(decoding: version.stdout, as: UTF8.self).hasPrefix("risk-batch "))

        let fromFile = try Self.run(["--event", dir.file("input")], input: dir.file("empty"))
        #expect(fromFile.status == 0)
        #expect(try fromFile.json(0)["id"] == "t1")

        let usage: [([String], [String: String])] = [
            (["--no-such-flag"], [:]),
            (["--event"], [:]),
            (["--event", dir.file("absent")], [:]),
            (["--max-record-bytes"], [:]),
            (["--max-record-bytes", "12"], [:]),
            (["--max-record-bytes", "1023"], [:]),
            (["--max-record-bytes", "67108865"], [:]),
            (["--max-record-bytes", "-1"], [:]),
            (["--max-record-bytes", "1e6"], [:]),
            (["--max-record-bytes", "99999999999999999999999"], [:]),
            ([], ["WXPAY_RISK_MAX_RECORD_BYTES": "lots"]),
            ([], ["WXPAY_RISK_MAX_RECORD_BYTES": "18446744073709551616"]),
            ([], ["WXPAY_RISK_MAX_RECORD_BYTES": "0"]),
        ]
        for (arguments, environment) in usage {
            let run = try Self.run(arguments, input: dir.file("input"), environment: environment)
            #expect(run.status == 64, "\(arguments) \(environment): \(run.lines)")
            #expect(try run.json(0)["error"]?["code"] == "USAGE", "\(arguments) \(environment)")
        }
    }
}
