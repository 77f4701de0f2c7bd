#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import KitCore
import Testing
import WxPayCore
import WxPayCrypto
import WxPaySandbox

/// The known-answer vectors in `Vectors/` next to this file: data from the test fixtures of WeChat Pay's official Go
/// and Java SDKs (provenance per file and per vector: `Vectors/README.md`).
enum VectorFile {
    /// `Tests/WxPayCoreTests/Vectors`, found from this source file's own path.
    static let directory: String = {
        let file = "\(#filePath)"
        return String(file[..<(file.lastIndex(of: "/") ?? file.endIndex)]) + "/Vectors"
    }()

    /// Parses one vector file.
    static func load(_ name: String) throws -> JSONValue {
        try JSONCoding.value(from: System.readFile(directory + "/" + name, limit: 1 << 22))
    }

    /// The `vectors` array of a file, each with its `id`; empty when the file is missing (``VectorInventoryTests``
    /// fails then, so a missing file never passes silently).
    static func vectors(_ name: String) -> [Vector] {
        guard let file = try? load(name), let list = file["vectors"]?.arrayValue else { return [] }
        return list.map { Vector(id: $0["id"]?.stringValue ?? "?", value: $0) }
    }

    /// The PEM text of a named entry of `keys.json`.
    static func pem(_ name: String) throws -> String {
        guard let pem = try load("keys.json")["keys"]?[name]?["pem"]?.stringValue else {
            throw TestFailure("keys.json has no key \(name)")
        }
        return pem
    }
}

/// One vector, named by its id in test output.
struct Vector: Sendable, CustomStringConvertible {
    let id: String
    let value: JSONValue
    var description: String { id }
    subscript(_ key: String) -> JSONValue? { value[key] }
    func string(_ key: String) throws -> String {
        guard let s = value[key]?.stringValue else { throw TestFailure("vector \(id) lacks \(key)") }
        return s
    }
}

/// A failure in the test's own setup.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Key sets are slow to generate (two RSA-2048 keys); suites share these.
enum Fixtures {
    static let keys: SandboxKeySet = generate()
    static let otherKeys: SandboxKeySet = generate()

    static func generate() -> SandboxKeySet {
        do { return try SandboxKeySet.generate() } catch { fatalError("key generation failed: \(error)") }
    }

    /// Parses a secrets JSON object into ``Secrets``.
    static func secrets(_ value: JSONValue) throws -> Secrets { try Secrets.parse(JSONCoding.encode(value)) }

    /// Sets or removes keys of a JSON object.
    static func editing(_ value: JSONValue, _ changes: [String: JSONValue?]) -> JSONValue {
        guard case .object(var o) = value else {
            Issue.record("editing a secrets file that is not an object: \(value)")
            return value
        }
        for (k, v) in changes { o[k] = v }  // a nil value removes the key
        return .object(o)
    }
}

/// A case-insensitive header lookup over name/value pairs.
func lookup(_ headers: [(name: String, value: String)]) -> (String) -> String? {
    { name in headers.first { $0.name.lowercased() == name.lowercased() }?.value }
}

/// A fresh private directory under `/tmp`, removed by ``removeTree(_:)``.
func makeTempDirectory() throws -> String {
    var template = Array("/tmp/wxpay-core-tests-XXXXXX".utf8CString)
    guard let p = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
        throw TestFailure("mkdtemp failed")
    }
    return String(cString: p)
}

/// Removes a directory tree created by a test.
func removeTree(_ path: String) {
    guard path.hasPrefix("/tmp/wxpay-core-tests-") else { return }
    _ = runProcess(["/bin/rm", "-rf", path])
}

/// Writes bytes to a file (mode 0600).
func writeFile(_ path: String, _ text: String) throws {
    try SandboxFiles.writeFile(path, Array(text.utf8))
}

/// Runs a command, returning its exit status and standard output (standard error is discarded).
@discardableResult
func runProcess(_ argv: [String]) -> (status: Int32, output: String) {
    var fds: [Int32] = [0, 0]
    guard fds.withUnsafeMutableBufferPointer({ pipe($0.baseAddress!) }) == 0 else { return (-1, "") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    var pid: pid_t = 0
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { cArgs.forEach { free($0) } }
    let rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ)
    close(fds[1])
    guard rc == 0 else {
        close(fds[0])
        return (-1, "")
    }
    let output = (try? System.readAll(fd: fds[0], limit: 1 << 22)) ?? []
    close(fds[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return (exit, String(decoding: output, as: UTF8.self))
}

/// Every 12-character window of each secret, for "never echoed" checks on error text.
func secretFragments(_ secrets: [String], window: Int = 12) -> [String] {
    var out: [String] = []
    for secret in secrets {
        // PEM: only the base64 body lines are secret; the armour lines are public knowledge.
        let body = secret.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let chars = Array(body)
        if chars.count <= window {
            if !chars.isEmpty { out.append(body) }
            continue
        }
        for i in 0...(chars.count - window) { out.append(String(chars[i..<(i + window)])) }
    }
    return out
}

/// The first fragment of `secrets` found in `text`, if any.
func leakedFragment(in text: String, of secrets: [String], window: Int = 12) -> String? {
    secretFragments(secrets, window: window).first { text.contains($0) }
}

/// The BEGIN line of a PEM block with `label` (spelled out at run time so that no key-shaped literal sits in the
/// repository, where secret scanners would flag it).
func pemBegin(_ label: String) -> String { "-----" + "BEGIN " + label + "-----" }
