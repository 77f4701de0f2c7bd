#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
import WxPayCore
import WxPayCrypto

/// A failure in a test's own setup.
struct SetupFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func hex(_ text: String) -> [UInt8] { Hex.decode(text)! }
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Secrets files generated at test time (no key is committed).
enum TestSecrets {
    /// One RSA key for every test: generating one takes a while and its value is irrelevant here.
    static let merchantKey: RSAPrivateKey = try! RSAPrivateKey.generate()
    static let platformKey: RSAPrivateKey = try! RSAPrivateKey.generate()

    /// A secrets file's JSON, with `sm4_key` when given.
    static func json(sm4Key: String?) throws -> [UInt8] {
        var o: [String: JSONValue] = [
            "mchid": "1900000109", "appid": "wxd678efh567hg6787",
            "merchant_serial_no": "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
            "merchant_private_key": .string(try merchantKey.pkcs8PEM()),
            "apiv3_key": "0123456789abcdef0123456789abcdef",
            "wechatpay_public_keys": ["PUB_KEY_ID_0119000001092025": .string(try platformKey.publicKey.pem())],
        ]
        if let sm4Key { o["sm4_key"] = .string(sm4Key) }
        return try JSONCoding.encode(JSONValue.object(o))
    }

    /// Parsed secrets, with `sm4_key` when given.
    static func secrets(sm4Key: String?) throws -> Secrets { try Secrets.parse(json(sm4Key: sm4Key)) }
}

// MARK: Built executables

/// Where the built executables are: `WXPAY_BIN_DIR`, else the directory of the running test bundle (SwiftPM puts
/// it next to the products of the same scratch path), else `<package>/.build/debug`.
enum Executables {
    static let directory: String = {
        if let dir = ProcessInfo.processInfo.environment["WXPAY_BIN_DIR"], !dir.isEmpty { return dir }
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(parent(exe))
        }
        if let first = CommandLine.arguments.first, first.hasPrefix("/") { candidates.append(parent(first)) }
        for c in candidates where c.contains(".xctest/") {  // macOS: <scratch>/debug/<name>.xctest/Contents/MacOS
            candidates.append(parent(String(c[..<c.range(of: ".xctest/")!.lowerBound])))
        }
        if let dir = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/pii-redact") }) {
            return dir
        }
        return parent(parent(parent("\(#filePath)"))) + "/.build/debug"
    }()

    static func path(_ name: String) throws -> String {
        let path = directory + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw SetupFailure("\(path) is not built (swift build --product \(name), or set WXPAY_BIN_DIR)")
        }
        return path
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}

/// The outcome of one process.
struct ProcessOutcome: Sendable {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    /// Standard output as one JSON value.
    func json() throws -> JSONValue {
        do { return try JSONCoding.value(from: stdout) } catch {
            throw SetupFailure("stdout is not JSON: \(stdoutText) stderr: \(stderr)")
        }
    }
}

/// Runs `executable` with exactly `environment` and `stdin`, and waits for it.
func runProcess(_ executable: String, _ arguments: [String] = [], stdin: [UInt8] = [],
                environment: [String: String]) throws -> ProcessOutcome
{
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let inPath = dir.path + "/stdin", outPath = dir.path + "/stdout", errPath = dir.path + "/stderr"
    guard FileManager.default.createFile(atPath: inPath, contents: Data(stdin)) else { throw SetupFailure("stdin") }
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
    let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
    guard rc == 0 else { throw SetupFailure("cannot start \(executable): \(String(cString: strerror(rc)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    let out = FileManager.default.contents(atPath: outPath).map { Array($0) } ?? []
    let err = FileManager.default.contents(atPath: errPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
    return ProcessOutcome(status: exit, stdout: out, stderr: err)
}

/// A private temporary directory.
struct ScratchDirectory: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/wxpay-pii-tests-XXXXXX".utf8CString)
        guard let p = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SetupFailure("mkdtemp failed")
        }
        path = String(cString: p)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
