#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import WxPayCore

/// The outcome of one finished process.
struct ProcessResult: Sendable, CustomStringConvertible {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String
    /// Wall-clock seconds from spawn to exit.
    var seconds: Double

    /// Standard output parsed as one JSON value.
    func json() throws -> JSONValue {
        do { return try JSONCoding.value(from: stdout) } catch {
            throw SetupError("stdout is not one JSON value: \(self)")
        }
    }

    /// The result object whatever the envelope: the direct answer, the HTTP answer's `body`, or the tool message's
    /// `content`, parsed.
    func result() throws -> JSONValue {
        let answer = try json()
        if let body = answer["body"]?.stringValue, answer["statusCode"] != nil {
            return try JSONCoding.value(from: Array(body.utf8))
        }
        if let content = answer["content"]?.stringValue, answer["role"] == "tool" {
            return try JSONCoding.value(from: Array(content.utf8))
        }
        return answer
    }

    /// The error code of a failure answer, if any.
    var errorCode: String? { (try? result())?["error"]?["code"]?.stringValue }

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    var description: String { "exit \(status), stdout: \(stdoutText), stderr: \(stderr.suffix(2000))" }
}

/// A spawned child process whose stdout and stderr go to files.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    let directory: String
    let started: Double
    private var finished: ProcessResult?

    /// Spawns `executable` with exactly `environment`; `stdin` is fed from a file.
    init(_ executable: String, _ arguments: [String] = [], stdin: [UInt8] = [], environment: [String: String]) throws {
        directory = try TempDirectory.make("wxpay-proc")
        let inPath = directory + "/stdin", outPath = directory + "/stdout", errPath = directory + "/stderr"
        guard FileManager.default.createFile(atPath: inPath, contents: Data(stdin)) else {
            throw SetupError("cannot write \(inPath)")
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
        started = Clock.now()
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard rc == 0 else { throw SetupError("cannot start \(executable): \(String(cString: strerror(rc)))") }
        self.pid = pid
    }

    /// Waits for the process to exit and collects its output.
    func wait() -> ProcessResult {
        if let finished { return finished }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return collect(status)
    }

    private func collect(_ status: Int32) -> ProcessResult {
        let seconds = Clock.now() - started
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let out = FileManager.default.contents(atPath: directory + "/stdout").map { Array($0) } ?? []
        let err = FileManager.default.contents(atPath: directory + "/stderr").map { String(decoding: $0, as: UTF8.self) } ?? ""
        try? FileManager.default.removeItem(atPath: directory)
        let result = ProcessResult(status: exit, stdout: out, stderr: err, seconds: seconds)
        finished = result
        return result
    }

    /// The stdout file so far (for long-running processes).
    var stdoutSoFar: String {
        (try? String(contentsOfFile: directory + "/stdout", encoding: .utf8)) ?? ""
    }

    /// The stderr file so far.
    var stderrSoFar: String {
        (try? String(contentsOfFile: directory + "/stderr", encoding: .utf8)) ?? ""
    }

    /// Whether the process is still running (reaps it when it has exited).
    var isRunning: Bool {
        guard finished == nil else { return false }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return true }
        _ = collect(status)
        return false
    }

    /// Sends SIGTERM to this process (only this one) and waits for it.
    @discardableResult
    func terminate() -> ProcessResult {
        if let finished { return finished }
        kill(pid, SIGTERM)
        return wait()
    }
}

/// Runs `executable` to the end.
func runProcess(_ executable: String, _ arguments: [String] = [], stdin: [UInt8] = [],
                environment: [String: String]) throws -> ProcessResult
{
    try ChildProcess(executable, arguments, stdin: stdin, environment: environment).wait()
}

/// A monotonic clock in seconds.
enum Clock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// Private temporary directories.
enum TempDirectory {
    static func make(_ prefix: String) throws -> String {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let p = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SetupError("mkdtemp failed")
        }
        return String(cString: p)
    }
}
