import Foundation

/// A failure in a test's own setup (not an assertion about the product).
struct SetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Where the built executables are.
///
/// The functions come from the scratch directory the test bundle was built into (`swift test` builds them next to
/// it), unless `WXPAY_BIN_DIR` says otherwise. The emulator may be built elsewhere while people work on it, so it is
/// looked up in the bundle's directory first, then `<package>/.build/debug`, then `WXPAY_BIN_DIR`.
enum Binaries {
    /// The package root, from this file's path (`<root>/Tests/ClientFunctionTests/Support/Binaries.swift`).
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: "\(#filePath)")
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The directory holding the running test bundle (SwiftPM puts it next to the products of the same scratch path).
    static let bundleDirectory: String? = {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(exe)
        }
        if let first = CommandLine.arguments.first, first.hasPrefix("/") { candidates.append(first) }
        for candidate in candidates {
            // macOS: <scratch>/debug/<name>.xctest/Contents/MacOS/<name>; Linux: <scratch>/debug/<name>.xctest.
            if let range = candidate.range(of: ".xctest") {
                return (String(candidate[..<range.lowerBound]) as NSString).deletingLastPathComponent
            }
            let dir = (candidate as NSString).deletingLastPathComponent
            if FileManager.default.isExecutableFile(atPath: dir + "/create-intent") { return dir }
        }
        return nil
    }()

    static var environmentDirectory: String? {
        guard let dir = ProcessInfo.processInfo.environment["WXPAY_BIN_DIR"], !dir.isEmpty else { return nil }
        return dir
    }

    /// A function executable (`create-intent`, `refund`, ...).
    static func function(_ name: String) throws -> String {
        let dirs = [environmentDirectory, bundleDirectory, packageRoot + "/.build/debug"].compactMap { $0 }
        return try find(name, in: dirs)
    }

    /// The emulator executable.
    static func emulator() throws -> String {
        let dirs = [bundleDirectory, packageRoot + "/.build/debug", environmentDirectory].compactMap { $0 }
        return try find("wxpay-emulator", in: dirs)
    }

    /// The simulator (signed notifications for the webhook samples).
    static func simulator() throws -> String {
        let dirs = [environmentDirectory, bundleDirectory, packageRoot + "/.build/debug"].compactMap { $0 }
        return try find("wxpay-simulate", in: dirs)
    }

    private static func find(_ name: String, in dirs: [String]) throws -> String {
        for dir in dirs where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
            return dir + "/" + name
        }
        throw SetupError("\(name) is not built in any of \(dirs) (build it, or set WXPAY_BIN_DIR)")
    }

    /// `python3` on the PATH (schema validation is test tooling only).
    static func python() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/python3") {
            return "\(dir)/python3"
        }
        throw SetupError("python3 is not on the PATH")
    }
}
