import Hummingbird
import KitCore
import Logging
import NIOCore
import WxPayCore
import WxPaySandbox

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How the emulator runs.
public struct EmulatorConfiguration: Sendable {
    /// Address to bind; loopback by default (the control API answers loopback peers only, whatever the host).
    public var host: String
    /// Port; 0 picks a free one (the `listening` line tells which).
    public var port: Int
    /// Notification delivery.
    public var notifications: NotificationDispatcher.Options
    /// Seconds after which an accepted refund turns `SUCCESS` by itself; `nil` leaves that to the control API.
    public var refundSuccessDelay: Double?
    /// Largest accepted request body.
    public var maxBodyBytes: Int
    /// Where each merchant API request is recorded as it arrives, before it is handled (`nil`: nowhere).
    public var requestLog: RequestLog?

    public init(host: String = "127.0.0.1", port: Int = 8780,
                notifications: NotificationDispatcher.Options = .init(), refundSuccessDelay: Double? = 1,
                maxBodyBytes: Int = 64 * 1024, requestLog: RequestLog? = nil)
    {
        self.host = host
        self.port = port
        self.notifications = notifications
        self.refundSuccessDelay = refundSuccessDelay
        self.maxBodyBytes = maxBodyBytes
        self.requestLog = requestLog
    }
}

/// The local WeChat Pay v3 emulator: one merchant's books (``Ledger``), request authentication, answer signing,
/// fault injection and notification delivery, served over Hummingbird.
public final class Emulator: Sendable {
    /// WeChat Pay's side as it signs now (after any platform certificate rotation: ``keyring``).
    public var side: WeChatSide { keyring.side }
    /// The platform certificates and which one signs (PlatformKeyring.swift).
    public let keyring: PlatformKeyring
    public let configuration: EmulatorConfiguration
    public let ledger: Ledger
    public let faults: FaultInjector
    public let notifications: NotificationDispatcher
    public let output: LineOutput
    let authenticator: RequestAuthenticator
    let logger: Logger

    /// An emulator playing WeChat Pay's `side` of a sandbox key set.
    public init(side: WeChatSide, configuration: EmulatorConfiguration, output: LineOutput = LineOutput(),
                logger: Logger = Logger(label: "wxpay-emulator"))
    {
        let keyring = PlatformKeyring(side: side)
        self.keyring = keyring
        self.configuration = configuration
        self.output = output
        self.logger = logger
        ledger = Ledger(merchant: MerchantIdentity(mchid: side.mchid, appid: side.appid))
        faults = FaultInjector()
        notifications = NotificationDispatcher(side: side, options: configuration.notifications, output: output,
                                               logger: logger, signer: { keyring.side })
        authenticator = RequestAuthenticator(mchid: side.mchid, certificate: side.merchantCertificate)
    }

    /// The router: WeChat Pay's merchant API under `/v3/` and the control API under `/_emulator/`.
    public func router() -> Router<EmulatorContext> {
        let router = Router(context: EmulatorContext.self)
        BillRoutes(emulator: self).register(on: router)
        MerchantRoutes(emulator: self).register(on: router)
        PartnerRoutes(emulator: self).register(on: router)
        ControlRoutes(emulator: self).register(on: router)
        return router
    }

    /// Serves until the task is cancelled or the process gets SIGTERM/SIGINT.
    /// - Parameter onListening: called once with the base URL (`http://127.0.0.1:PORT`, the real port for port 0).
    public func run(onListening: @escaping @Sendable (String) async -> Void) async throws {
        let host = configuration.host
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let shown = host.contains(":") ? "[\(host)]" : host
                await onListening("http://\(shown):\(port)")
            },
            logger: logger
        )
        try await app.runService()
        await notifications.reset()
    }

    /// Starts the background work a refund needs: its automatic success after ``EmulatorConfiguration/refundSuccessDelay``.
    func scheduleRefundSuccess(outRefundNo: String) {
        guard let delay = configuration.refundSuccessDelay else { return }
        Task {
            try? await Task.sleep(nanoseconds: UInt64(max(0, delay) * 1_000_000_000))
            await self.completeRefund(outRefundNo: outRefundNo)
        }
    }

    /// Moves a processing refund to `SUCCESS` and sends `REFUND.SUCCESS`.
    @discardableResult
    func completeRefund(outRefundNo: String) async -> RefundRecord? {
        guard let done = try? await ledger.completeRefund(outRefundNo: outRefundNo) else { return nil }
        let resource = NotificationBuilder(side: side).refund(
            outTradeNo: done.outTradeNo, transactionID: done.transactionID, outRefundNo: done.request.outRefundNo,
            refundID: done.refundID, status: "SUCCESS", refund: done.request.refund, total: done.total,
            time: done.successTime ?? System.unixTime())
        await notifications.send(eventType: "REFUND.SUCCESS",
                                 resource: done.subMchid.map { PartnerOrder.refundResource(resource, subMchid: $0) } ?? resource,
                                 to: done.notifyURL,
                                 reference: ["out_trade_no": .string(done.outTradeNo),
                                             "out_refund_no": .string(done.request.outRefundNo)])
        return done
    }

    /// Sends `TRANSACTION.SUCCESS` for a freshly paid order.
    func notifyPaid(_ order: OrderRecord) async {
        let resource = NotificationBuilder(side: side).transaction(
            outTradeNo: order.request.outTradeNo, amount: order.request.total, openid: order.payerOpenID ?? "",
            attach: order.request.attach, tradeType: order.request.tradeType.wechatName,
            transactionID: order.transactionID, successTime: order.successTime ?? System.unixTime())
        // A sub-merchant's order is notified in the partner shape (sp_/sub_ fields), like its query answer.
        let sent = order.request.partner.flatMap { p in resource.objectValue.map { p.transaction($0) } } ?? resource
        await notifications.send(eventType: "TRANSACTION.SUCCESS", resource: sent, to: order.request.notifyURL,
                                 reference: ["out_trade_no": .string(order.request.outTradeNo)])
    }
}

/// The request context: Hummingbird's core storage plus the connection, for the peer address (the control API is
/// loopback-only) and for the `reset` fault.
public struct EmulatorContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection the request arrived on.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Whether the peer is on the loopback interface.
    var peerIsLoopback: Bool {
        guard let ip = channel.remoteAddress?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }

    /// Holds the connection without a word for `milliseconds`, or until the client hangs up (the `timeout` fault).
    func holdSilently(milliseconds: Int) async {
        let until = System.unixTimeMillis() + Int64(milliseconds)
        while channel.isActive, System.unixTimeMillis() < until {
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    /// Aborts the connection with a TCP RST (SO_LINGER 0), so the client sees "connection reset by peer".
    func resetConnection() async {
        if let provider = channel as? any SocketOptionProvider {
            _ = try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
    }
}
