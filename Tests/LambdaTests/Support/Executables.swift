import Foundation
import WxPayTestSupport

/// Starts and talks to child processes.
enum Child {
    /// Runs `executable` to completion with `stdin` and `environment` (added to a minimal base).
    static func run(_ executable: String, _ arguments: [String] = [], stdin: String = "",
                    environment: [String: String] = [:]) throws -> ProcessResult
    {
        try runProcess(executable, arguments, stdin: Array(stdin.utf8),
                       environment: baseEnvironment.merging(environment) { _, new in new })
    }

    /// Starts `executable` in the background; stdout and stderr are collected to files under `directory`.
    static func start(_ executable: String, _ arguments: [String] = [], environment: [String: String] = [:],
                      logsIn directory: String) throws -> Process
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = baseEnvironment.merging(environment) { _, new in new }
        _ = FileManager.default.createFile(atPath: directory + "/stdout", contents: nil)
        _ = FileManager.default.createFile(atPath: directory + "/stderr", contents: nil)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/stdout"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/stderr"))
        try process.run()
        return process
    }

    /// Waits for `process` to exit, up to `timeout` seconds; returns its status or nil if it is still running.
    static func wait(_ process: Process, timeout: Double) -> Int32? {
        let limit = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < limit { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    static var baseEnvironment: [String: String] {
        var env: [String: String] = ["PATH": "/usr/bin:/bin", "LOG_LEVEL": "debug"]
        if let home = ProcessInfo.processInfo.environment["HOME"] { env["HOME"] = home }
        return env
    }
}

/// A fresh temporary directory, removed by `cleanup()`.
struct Scratch {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "lambda-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)))
    }

    func read(_ name: String) -> String {
        (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? ""
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}
