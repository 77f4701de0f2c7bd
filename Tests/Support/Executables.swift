import Foundation

/// Where this package's built executables (`webhook`, `wxpay-emulator`, `create-intent`, ...) are.
///
/// Search order: `WXPAY_BIN_DIR` when set (then only there); else the directory of the running test bundle (SwiftPM
/// builds the products of the same scratch path beside it: `<scratch>/debug/`); else `<package>/.build/debug`.
public enum Executables {
    /// The package root, found from this file's path (`<root>/Tests/Support/Executables.swift`).
    public static let packageRoot: String = parent(parent(parent("\(#filePath)")))

    /// `WXPAY_BIN_DIR`, when set and not empty.
    public static let overrideDirectory: String? = {
        guard let dir = ProcessInfo.processInfo.environment["WXPAY_BIN_DIR"], !dir.isEmpty else { return nil }
        return dir
    }()

    /// The directory holding the running test bundle: on Linux `<scratch>/debug/<name>.xctest` is the executable
    /// itself; on macOS it is `<scratch>/debug/<name>.xctest/Contents/MacOS/<name>`.
    public static let bundleDirectory: String? = {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(exe)
        }
        if let first = CommandLine.arguments.first, first.hasPrefix("/") { candidates.append(first) }
        guard let candidate = candidates.first else { return nil }
        if let range = candidate.range(of: ".xctest") { return parent(String(candidate[..<range.lowerBound])) }
        return parent(candidate)
    }()

    /// The directories searched, in order.
    public static var searchDirectories: [String] {
        if let overrideDirectory { return [overrideDirectory] }
        return [bundleDirectory, packageRoot + "/.build/debug"].compactMap { $0 }
    }

    /// The path of the executable `name`: the first search directory that holds it, else where it would be in the
    /// first one (starting it then fails with a clear "cannot start" error).
    public static func path(_ name: String) -> String {
        let dirs = searchDirectories
        let dir = dirs.first { FileManager.default.isExecutableFile(atPath: $0 + "/" + name) } ?? dirs[0]
        return dir + "/" + name
    }

    /// The path of the executable `name`.
    /// - Throws: ``SetupFailure`` when it is not built in any search directory.
    public static func require(_ name: String) throws -> String {
        let path = path(name)
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw SetupFailure("\(name) is not built in any of \(searchDirectories) "
                + "(swift build --product \(name), or set WXPAY_BIN_DIR)")
        }
        return path
    }

    /// `python3` on the `PATH` (test tooling only, e.g. JSON Schema validation).
    public static func python() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/python3") {
            return "\(dir)/python3"
        }
        throw SetupFailure("python3 is not on the PATH")
    }

    /// `path` without its last component (`"."` when it has no slash).
    public static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}
