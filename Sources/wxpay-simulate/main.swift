import ArgumentParser
import FunctionKit
import KitCore
import WxPayCore
import WxPayCrypto
import WxPaySandbox

/// The notification simulator (docs/functions.md): writes local key sets and prints signed, encrypted notifications.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wxpay-simulate",
        abstract: "Local WeChat Pay v3 key sets and signed, encrypted notifications for tests and demos.",
        discussion: """
            wxpay-simulate keys --out DIR            # DIR/secrets.json (merchant) + DIR/sandbox.json (WeChat side)
            wxpay-simulate notify --sandbox DIR/sandbox.json --out-trade-no T1 --amount 1999 | webhook
            wxpay-simulate notify ... --fault stale  # every rejection case: \(NotificationBuilder.Fault.allCases.map(\.rawValue).joined(separator: ", "))
            """,
        version: wxpayKitVersion,
        subcommands: [Keys.self, Notify.self]
    )
}

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a fresh local key set and write a matching secrets file.")

    @Option(help: "Directory to write secrets.json and sandbox.json into (created if missing).")
    var out: String

    @Option(help: "Merchant id.") var mchid = "1900000109"
    @Option(help: "App id.") var appid = "wxd678efh567hg6787"
    @Option(help: "Verification mode: public-key, certificate or both.") var mode = "public-key"
    @Option(help: "api_base for the secrets file (e.g. the emulator's URL).") var apiBase: String?
    @Option(help: "notify_url for the secrets file.") var notifyURL: String?
    @Option(help: "forward_url for the secrets file.") var forwardURL: String?
    @Flag(help: "Write the merchant key in PKCS#1 form instead of PKCS#8.") var pkcs1 = false
    @Flag(help: "Add an sm4_key (for pii-redact / sealing).") var sm4 = false

    func run() throws {
        guard let verification = SandboxKeySet.VerificationMode(rawValue: mode) else {
            throw ValidationError("--mode must be public-key, certificate or both")
        }
        let keys = try SandboxKeySet.generate(mchid: mchid, appid: appid)
        let forwardSecret = forwardURL.map { _ in "fwd_" + SecureRandomText.alphanumeric(28) }
        let secrets = try keys.secretsFile(mode: verification, apiBase: apiBase, notifyURL: notifyURL,
                                           forwardURL: forwardURL, forwardSecret: forwardSecret,
                                           sm4Key: sm4 ? SecureRandomText.hex(16) : nil, pkcs1: pkcs1)
        try SandboxFiles.write(directory: out, secrets: secrets, sandbox: try keys.sandboxFile(mode: verification))
        let summary: JSONValue = [
            "secrets_file": .string(out + "/secrets.json"), "sandbox_file": .string(out + "/sandbox.json"),
            "mchid": .string(mchid), "mode": .string(verification.rawValue),
            "merchant_serial_no": .string(keys.merchantCertificate.serialNumber),
            "wechatpay_serial": .string(keys.signingSerial(mode: verification)),
        ]
        print(try JSONCoding.string(summary))
    }
}

struct Notify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a signed, encrypted notification as an HTTP envelope (pipe it into webhook).")

    @Option(help: "The sandbox.json written by `keys` (or the emulator's init).") var sandbox: String
    @Option(help: "TRANSACTION.SUCCESS, REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED, ...")
    var eventType = "TRANSACTION.SUCCESS"
    @Option(help: "Merchant order number.") var outTradeNo = "AK0000000000000000000001"
    @Option(help: "Amount in fen (the refund amount for REFUND.*).") var amount: Int64 = 1999
    @Option(help: "Order total in fen for REFUND.* (defaults to --amount).") var total: Int64?
    @Option(help: "Payer openid.") var openid = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
    @Option(help: "Idempotency key carried in attach.") var idempotencyKey: String?
    @Option(help: "Merchant attach data (a JSON object) carried with the idempotency key.") var attach: String?
    @Option(help: "A JSON object merged over the generated resource (any fields).") var resource: String?
    @Option(help: "Deliberate defect: \(NotificationBuilder.Fault.allCases.map(\.rawValue).joined(separator: ", ")).")
    var fault: String?
    @Option(help: "Envelope style: plain, apigw-v1, apigw-v2, scf-apigw (Tencent Cloud SCF's API Gateway), or raw.")
    var style = "plain"

    func run() throws {
        let file = try System.readFile(sandbox)
        let side = try SandboxKeySet.wechatSide(from: try JSONCoding.value(from: file))
        let builder = NotificationBuilder(side: side)
        var faultValue: NotificationBuilder.Fault? = nil
        if let fault {
            guard let f = NotificationBuilder.Fault(rawValue: fault) else { throw ValidationError("unknown --fault \(fault)") }
            faultValue = f
        }
        var attachString: String? = nil
        if idempotencyKey != nil || attach != nil {
            let data = try attach.map { try JSONCoding.value(from: Array($0.utf8)) }
            guard let s = AttachCodec.encode(idempotencyKey: idempotencyKey ?? "", data: data) else {
                throw ValidationError("attach data exceeds WeChat's 128 bytes")
            }
            attachString = s
        }
        var res: JSONValue = eventType.hasPrefix("REFUND.")
            ? builder.refund(outTradeNo: outTradeNo, transactionID: "4200000000000000000000000001",
                             outRefundNo: "RF" + outTradeNo, refundID: "50000000000000000000000000001",
                             status: String(eventType.dropFirst("REFUND.".count)), refund: amount, total: total ?? amount)
            : builder.transaction(outTradeNo: outTradeNo, amount: amount, openid: openid, attach: attachString)
        if let resource {
            guard case .object(let extra) = try JSONCoding.value(from: Array(resource.utf8)), case .object(var base) = res
            else { throw ValidationError("--resource must be a JSON object") }
            for (k, v) in extra { base[k] = v }
            res = .object(base)
        }
        let (headers, body) = try builder.notification(eventType: eventType, resource: res, fault: faultValue)
        let out: JSONValue
        if style == "raw" {
            var h: [String: JSONValue] = [:]
            for (n, v) in headers { h[n] = .string(v) }
            out = ["headers": .object(h), "body": .string(String(decoding: body, as: UTF8.self))]
        } else {
            guard ["plain", "apigw-v1", "apigw-v2", "scf-apigw"].contains(style) else { throw ValidationError("unknown --style") }
            out = NotificationBuilder.envelope(headers: headers, body: body, style: style)
        }
        print(try JSONCoding.string(out))
    }
}

Simulate.main()
