import ArgumentParser
import FunctionKit
import KitCore
import Logging
import WxPayCore
import WxPayCrypto
import WxPayEmulator
import WxPaySandbox

/// The local WeChat Pay v3 emulator (docs/functions.md#developer-tools): the sandbox that can call back.
///
/// `@main` (not top-level code in main.swift, which would pick ArgumentParser's synchronous entry point).
@main
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wxpay-emulator",
        abstract: "A stateful, signing WeChat Pay v3 emulator for local tests and demos.",
        discussion: """
            wxpay-emulator init --out .demo                     # .demo/secrets.json + .demo/sandbox.json
            wxpay-emulator serve --sandbox .demo/sandbox.json   # prints {"listening": "http://127.0.0.1:8780"}
                                                                # (the port init --port wrote; --port overrides it)
            curl -XPOST 127.0.0.1:8780/_emulator/orders/ORDER_NO/pay   # pay it: TRANSACTION.SUCCESS goes to notify_url
            """,
        version: wxpayKitVersion,
        subcommands: [Init.self, Serve.self]
    )
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a local key set: DIR/secrets.json (merchant, pointing at the emulator) and DIR/sandbox.json.")

    @Option(help: "Directory to write into (created if missing).") var out: String
    @Option(help: "Verification mode: public-key, certificate or both.") var mode = "public-key"
    @Option(help: "The port the emulator will serve on (api_base; `serve` uses it unless given --port).")
    var port = 8780
    @Option(help: "notify_url for the secrets file.") var notifyURL = "http://127.0.0.1:8781/wxpay/notify"
    @Option(help: "Merchant id.") var mchid = "1900000109"
    @Option(help: "App id.") var appid = "wxd678efh567hg6787"

    func run() throws {
        guard let verification = SandboxKeySet.VerificationMode(rawValue: mode) else {
            throw ValidationError("--mode must be public-key, certificate or both")
        }
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1...65535") }
        let keys = try SandboxKeySet.generate(mchid: mchid, appid: appid)
        let apiBase = "http://127.0.0.1:\(port)"
        let secrets = try keys.secretsFile(mode: verification, apiBase: apiBase, notifyURL: notifyURL)
        // The port goes into sandbox.json too, so `serve --sandbox` listens where api_base points.
        var sandbox = try keys.sandboxFile(mode: verification).objectValue ?? [:]
        sandbox["port"] = .int(Int64(port))
        try SandboxFiles.write(directory: out, secrets: secrets, sandbox: .object(sandbox))
        let summary: JSONValue = [
            "secrets_file": .string(out + "/secrets.json"), "sandbox_file": .string(out + "/sandbox.json"),
            "api_base": .string(apiBase), "notify_url": .string(notifyURL), "mchid": .string(mchid),
            "mode": .string(verification.rawValue),
            "merchant_serial_no": .string(keys.merchantCertificate.serialNumber),
            "wechatpay_serial": .string(keys.signingSerial(mode: verification)),
        ]
        print(try JSONCoding.string(summary))
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the merchant API (/v3/...) and the control API (/_emulator/...).")

    @Option(help: "The sandbox.json written by `init` (or `wxpay-simulate keys`).") var sandbox: String
    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: """
        Port (default: the port `init --port` wrote into the sandbox file, else 8780; 0: any free port; the \
        listening line tells which).
        """)
    var port: Int?
    @Option(help: "Notification retry delays in seconds, comma-separated (default: WeChat's 15,15,30,180,...).")
    var notifyBackoff: String?
    @Flag(help: "Print each notification as an HTTP envelope (one JSON line) on stdout.") var printNotifications = false
    @Flag(help: "Do not POST notifications (use with --print-notifications).") var noDeliver = false
    @Option(help: "Seconds after which an accepted refund succeeds by itself.") var refundDelay = 1.0
    @Flag(help: "Refunds stay PROCESSING until POST /_emulator/refunds/{no}/succeed.") var manualRefunds = false
    @Option(help: "Append each merchant API request (/v3/...) as it arrives, before it is handled, to this file as one JSON line: seq, time_ms, method, target, body.")
    var requestLog: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"

    /// The port `serve` uses without `--port`.
    static let defaultPort = 8780

    func validate() throws {
        if let port { guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") } }
        guard refundDelay >= 0 else { throw ValidationError("--refund-delay must be >= 0") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level") }
        _ = try backoff()
    }

    func backoff() throws -> [Double] {
        guard let notifyBackoff else { return NotificationDispatcher.wechatBackoff }
        if notifyBackoff.isEmpty { return [] }
        return try notifyBackoff.split(separator: ",").map {
            guard let v = Double($0.filter { $0 != " " }), v >= 0 else {
                throw ValidationError("--notify-backoff takes non-negative seconds, e.g. 0.2,0.5,1,2")
            }
            return v
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        let side: WeChatSide
        let file: JSONValue
        do {
            file = try JSONCoding.value(from: try System.readFile(sandbox))
            side = try SandboxKeySet.wechatSide(from: file)
        } catch {
            throw ValidationError("cannot read the sandbox file \(sandbox): \(error)")
        }
        let port: Int
        if let given = self.port {
            port = given
        } else if let written = file["port"] {
            guard let value = written.intValue, (1...65535).contains(value) else {
                throw ValidationError("the sandbox file \(sandbox) has a bad port \(written); pass --port")
            }
            port = Int(value)
        } else {
            port = Self.defaultPort
        }
        var log: RequestLog? = nil
        if let requestLog {
            do { log = try RequestLog(path: requestLog) } catch { throw ValidationError(error.description) }
        }
        let output = LineOutput()
        let config = EmulatorConfiguration(
            host: host, port: port,
            notifications: .init(backoff: try backoff(), deliver: !noDeliver, print: printNotifications),
            refundSuccessDelay: manualRefunds ? nil : refundDelay, requestLog: log)
        let emulator = Emulator(side: side, configuration: config, output: output,
                                logger: Logger(label: "wxpay-emulator"))
        try await emulator.run { url in
            if let line = try? JSONCoding.encode(["listening": JSONValue.string(url)] as JSONValue) {
                await output.write(line)
            }
        }
    }
}

