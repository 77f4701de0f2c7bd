import HTTPTypes
import Hummingbird
import KitCore
import NIOCore
import WxPayCore
import WxPaySandbox

/// The control API for tests and demos, under `/_emulator/`: unauthenticated, loopback peers only, JSON in and
/// out. Errors use WeChat's `{"code","message","detail"}` shape.
struct ControlRoutes: Sendable {
    let emulator: Emulator

    func register(on router: Router<EmulatorContext>) {
        let ledger = emulator.ledger
        route(router, .get, "/_emulator/health") { _ throws(WeChatAPIError) in
            ["status": "ok", "mchid": .string(emulator.side.mchid), "mode": .string(emulator.side.mode.rawValue),
             "wechatpay_serial": .string(emulator.side.signingSerial)]
        }
        route(router, .get, "/_emulator/stats") { _ throws(WeChatAPIError) in
            let c = await ledger.counters
            return ["prepay_requests": .int(Int64(c.prepayRequests)), "orders_created": .int(Int64(c.ordersCreated)),
                    "refund_requests": .int(Int64(c.refundRequests)), "refunds_created": .int(Int64(c.refundsCreated))]
        }
        route(router, .get, "/_emulator/orders") { _ throws(WeChatAPIError) in
            let orders = await ledger.allOrders()
            let c = await ledger.counters
            return ["orders": .array(orders.map(\.controlView)), "orders_created": .int(Int64(c.ordersCreated))]
        }
        route(router, .get, "/_emulator/orders/:no") { call throws(WeChatAPIError) in
            try await ledger.order(outTradeNo: call.parameter("no")).controlView
        }
        route(router, .post, "/_emulator/orders/:no/pay") { call throws(WeChatAPIError) in
            let openid = try call.json()["openid"]?.stringValue
            let no = call.parameter("no")
            guard let paid = try await ledger.pay(outTradeNo: no, openid: openid) else {
                return ["order": try await ledger.order(outTradeNo: no).controlView, "notified": false]
            }
            await emulator.notifyPaid(paid)
            return ["order": paid.controlView, "notified": true]
        }
        route(router, .post, "/_emulator/orders/:no/fail") { call throws(WeChatAPIError) in
            ["order": try await ledger.fail(outTradeNo: call.parameter("no")).controlView]
        }
        route(router, .post, "/_emulator/orders/:no/expire") { call throws(WeChatAPIError) in
            ["order": try await ledger.expire(outTradeNo: call.parameter("no")).controlView]
        }
        route(router, .get, "/_emulator/refunds") { _ throws(WeChatAPIError) in
            ["refunds": .array(await ledger.allRefunds().map(\.controlView))]
        }
        route(router, .get, "/_emulator/refunds/:no") { call throws(WeChatAPIError) in
            try await ledger.refund(outRefundNo: call.parameter("no")).controlView
        }
        route(router, .post, "/_emulator/refunds/:no/succeed") { call throws(WeChatAPIError) in
            let no = call.parameter("no")
            guard let done = await emulator.completeRefund(outRefundNo: no) else {
                return ["refund": try await ledger.refund(outRefundNo: no).controlView, "notified": false]
            }
            return ["refund": done.controlView, "notified": true]
        }
        route(router, .get, "/_emulator/notifications") { _ throws(WeChatAPIError) in
            ["notifications": .array(await emulator.notifications.all().map(\.json))]
        }
        route(router, .get, "/_emulator/faults") { _ throws(WeChatAPIError) in
            await emulator.faults.status()
        }
        route(router, .post, "/_emulator/faults") { call throws(WeChatAPIError) in
            let rule = try FaultRule(json: try call.json())
            await emulator.faults.add(rule)
            return ["queued": rule.json]
        }
        route(router, .post, "/_emulator/soak") { call throws(WeChatAPIError) in
            // The fault campaigns' soak: orders placed, paid and notified 1-3 times each, shuffled (SoakDelivery).
            try await SoakDelivery(emulator: emulator).run(try SoakPlan(json: try call.json()))
        }
        route(router, .delete, "/_emulator/faults") { _ throws(WeChatAPIError) in
            await emulator.faults.clearPending()
            return await emulator.faults.status()
        }
        route(router, .post, "/_emulator/clock") { call throws(WeChatAPIError) in
            guard let seconds = try call.json()["advance_seconds"]?.intValue, seconds >= 0 else {
                throw .paramError("advance_seconds", "must be a non-negative integer")
            }
            let offset = await ledger.advanceClock(by: seconds)
            return ["offset_seconds": .int(offset), "now": .string(ChinaTime.format(unix: await ledger.now()))]
        }
        route(router, .post, "/_emulator/reset") { _ throws(WeChatAPIError) in
            await ledger.reset()
            await emulator.faults.reset()
            await emulator.notifications.reset()
            emulator.keyring.reset()
            return ["reset": true]
        }
        registerPlatformCertificates(on: router)
    }

    func route(
        _ router: Router<EmulatorContext>, _ method: HTTPRequest.Method, _ path: String,
        _ operation: @escaping @Sendable (MerchantCall) async throws(WeChatAPIError) -> JSONValue
    ) {
        router.on(RouterPath(stringLiteral: path), method: method) { request, context in
            var status = 200
            var value: JSONValue
            if !context.peerIsLoopback {
                status = 403
                value = WeChatAPIError(status: 403, code: "NO_AUTH", message: "the control API answers loopback only").body
            } else {
                do throws(WeChatAPIError) {
                    var buffer = try await Self.collect(request, limit: emulator.configuration.maxBodyBytes)
                    let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
                    let call = MerchantCall(request: request, body: bytes.isEmpty ? Array("{}".utf8) : bytes,
                                            context: context)
                    value = try await operation(call)
                } catch {
                    status = error.status
                    value = error.body
                }
            }
            var fields = HTTPFields()
            fields[.contentType] = "application/json; charset=utf-8"
            let bytes = (try? JSONCoding.encode(value)) ?? []
            return Response(status: .init(code: status), headers: fields,
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    private static func collect(_ request: Request, limit: Int) async throws(WeChatAPIError) -> ByteBuffer {
        do { return try await request.body.collect(upTo: limit) } catch {
            throw .paramError("body", "is larger than \(limit) bytes")
        }
    }
}
