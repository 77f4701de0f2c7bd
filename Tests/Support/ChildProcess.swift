#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KitCore
import WxPayCore

/// The outcome of one finished process.
public struct ProcessResult: Sendable, CustomStringConvertible {
    /// The exit status, or 128 + the signal number when a signal ended it.
    public var status: Int32
    public var stdout: [UInt8]
    public var stderr: String
    /// Wall-clock seconds from spawn to exit (0 when not measured).
    public var seconds: Double

    public init(status: Int32, stdout: [UInt8], stderr: String, seconds: Double = 0) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
    }

    /// Standard output as text.
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    /// Standard error split into lines (the log contract: each one a JSON object).
    public var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

    /// Standard output parsed as one JSON value.
    /// - Throws: ``SetupFailure`` naming stdout and stderr when it is not JSON.
    public func json() throws -> JSONValue {
        do { return try JSONCoding.value(from: stdout) } catch {
            throw SetupFailure("stdout is not one JSON value: \(self)")
        }
    }

    public var description: String { "exit \(status), stdout: \(stdoutText), stderr: \(stderr.suffix(2000))" }
}

/// A child process started with `posix_spawn`: exactly the given environment, standard input fed from a file, and
/// standard output and error written to files (readable while it runs).
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    /// The private directory holding `stdin`, `stdout` and `stderr`; removed once the process is reaped.
    public let directory: String
    private let started: Double
    private let lock = NSLock()
    private var finished: ProcessResult?

    /// Spawns `executable` with `arguments`, exactly `environment`, and `stdin` as its standard input.
    /// - Throws: ``SetupFailure`` when it cannot be started.
    public init(_ executable: String, _ arguments: [String] = [], stdin: [UInt8] = [],
                environment: [String: String]) throws
    {
        directory = try TemporaryDirectory(prefix: "wxpay-proc").path
        let inPath = directory + "/stdin", outPath = directory + "/stdout", errPath = directory + "/stderr"
        guard FileManager.default.createFile(atPath: inPath, contents: Data(stdin)) else {
            try? FileManager.default.removeItem(atPath: directory)
            throw SetupFailure("cannot write \(inPath)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        started = MonotonicClock.now()
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard rc == 0 else {
            try? FileManager.default.removeItem(atPath: directory)
            throw SetupFailure("cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
    }

    /// Waits for the process to exit and collects its output.
    public func wait() -> ProcessResult {
        if let result = lock.withLock({ finished }) { return result }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return collect(status)
    }

    /// Waits up to `timeout` seconds; `nil` when it is still running then.
    public func wait(timeout: Double) -> ProcessResult? {
        let limit = MonotonicClock.now() + timeout
        while isRunning {
            if MonotonicClock.now() >= limit { return nil }
            usleep(20_000)
        }
        return wait()
    }

    /// Whether the process is still running (reaps it when it has exited).
    public var isRunning: Bool {
        if lock.withLock({ finished }) != nil { return false }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return true }
        _ = collect(status)
        return false
    }

    /// Sends SIGTERM to this process (only this one) and waits for it.
    @discardableResult
    public func terminate() -> ProcessResult {
        if let result = lock.withLock({ finished }) { return result }
        kill(pid, SIGTERM)
        return wait()
    }

    /// Standard output so far (for long-running processes); empty once reaped.
    public var stdoutSoFar: String { (try? String(contentsOfFile: directory + "/stdout", encoding: .utf8)) ?? "" }

    /// Standard error so far; empty once reaped.
    public var stderrSoFar: String { (try? String(contentsOfFile: directory + "/stderr", encoding: .utf8)) ?? "" }

    private func collect(_ status: Int32) -> ProcessResult {
        let seconds = MonotonicClock.now() - started
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let out = FileManager.default.contents(atPath: directory + "/stdout").map { Array($0) } ?? []
        let err = FileManager.default.contents(atPath: directory + "/stderr")
            .map { String(decoding: $0, as: UTF8.self) } ?? ""
        try? FileManager.default.removeItem(atPath: directory)
        let result = ProcessResult(status: exit, stdout: out, stderr: err, seconds: seconds)
        lock.withLock { finished = result }
        return result
    }
}

/// Runs `executable` with `arguments`, exactly `environment` and `stdin`, and waits for it to exit.
/// - Throws: ``SetupFailure`` when it cannot be started.
public func runProcess(_ executable: String, _ arguments: [String] = [], stdin: [UInt8] = [],
                       environment: [String: String]) throws -> ProcessResult
{
    try ChildProcess(executable, arguments, stdin: stdin, environment: environment).wait()
}

/// A monotonic clock in seconds (for timeouts and measured durations).
public enum MonotonicClock {
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
