import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import WxPayCore
import WxPayCrypto

/// Deadlines and malformed-request answers for one HTTP/1.1 connection, in the channel pipeline right after the
/// HTTP decoder (docs/server.md#hostile-clients):
///
/// - **Header deadline**: a request head must be complete within `headerTimeout` of the connection opening (or of
///   the previous response), however the bytes trickle in: else 408 and the connection closes. A keep-alive
///   connection idle (or trickling) after an answered request is closed at the same deadline, without a 408.
/// - **Request deadline**: head and body must be complete within `requestTimeout`: else 408 (or, when a response
///   is already under way, a plain close).
/// - **Parse errors** answer and close: a head over the size limit 431, an unknown method 405, anything else the
///   parser refuses 400: among them a duplicate or conflicting `Content-Length` and `Transfer-Encoding` with
///   `Content-Length` (no request smuggling: the connection is never read again).
/// - A response carrying `Connection: close` closes the connection once written.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    struct Limits: Sendable {
        var headerTimeout: TimeAmount
        var requestTimeout: TimeAmount
    }

    private let limits: Limits
    private var headerTimer: Scheduled<Void>?
    private var requestTimer: Scheduled<Void>?
    /// A response head was written and its end not yet.
    private var responding = false
    /// The request's head arrived and its end not yet.
    private var readingRequest = false
    /// The current request was answered (its response's end was written).
    private var answered = false
    /// At least one request was answered on this connection (so waiting for a head may just be keep-alive idling).
    private var servedOne = false
    private var closeAfterResponse = false
    private var closed = false

    init(limits: Limits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armForNextRequest(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        armForNextRequest(context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancelTimers() }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        closed = true
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            headerTimer?.cancel()
            headerTimer = nil
            readingRequest = true
            answered = false
        case .body:
            break
        case .end:
            requestTimer?.cancel()
            requestTimer = nil
            readingRequest = false
            // Answered before its body was read (an early refusal that kept the connection): the next one starts.
            if answered { armForNextRequest(context: context) }
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parse = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        let message = "the request is malformed (\(parse))"
        switch parse {
        case .headerOverflow:
            refuse(context: context, status: .requestHeaderFieldsTooLarge, code: "HEADERS_TOO_LARGE", message: message)
        case .invalidMethod:
            refuse(context: context, status: .methodNotAllowed, code: "METHOD_NOT_ALLOWED", message: message)
        default:
            refuse(context: context, status: .badRequest, code: "BAD_REQUEST", message: message)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let response):
            if response.status.code >= 200 {
                responding = true
                if let connection = response.headerFields[.connection], connection.lowercased() == "close" {
                    closeAfterResponse = true
                }
            }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            responding = false
            answered = true
            servedOne = true
            if closeAfterResponse {
                let channel = context.channel
                let done = promise ?? context.eventLoop.makePromise()
                context.writeAndFlush(data, promise: done)
                done.futureResult.whenComplete { _ in channel.close(promise: nil) }
            } else {
                context.write(data, promise: promise)
                // The next request's deadlines run once the whole request was read and answered.
                if !readingRequest { armForNextRequest(context: context) }
            }
        }
    }

    // MARK: -

    private func armForNextRequest(context: ChannelHandlerContext) {
        cancelTimers()
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        headerTimer = context.eventLoop.scheduleTask(in: limits.headerTimeout) {
            let (handler, context) = bound.value
            handler.headerTimer = nil
            if handler.servedOne {
                // An idle keep-alive connection: closed without an unsolicited answer a client could misread.
                handler.cancelTimers()
                handler.closed = true
                context.close(promise: nil)
            } else {
                handler.refuse(context: context, status: .requestTimeout, code: "REQUEST_TIMEOUT",
                               message: "the request head did not arrive in time")
            }
        }
        requestTimer = context.eventLoop.scheduleTask(in: limits.requestTimeout) {
            let (handler, context) = bound.value
            handler.requestTimer = nil
            if handler.responding {
                context.close(promise: nil)
            } else {
                handler.refuse(context: context, status: .requestTimeout, code: "REQUEST_TIMEOUT",
                               message: "the request did not arrive in time")
            }
        }
    }

    private func cancelTimers() {
        headerTimer?.cancel()
        headerTimer = nil
        requestTimer?.cancel()
        requestTimer = nil
    }

    /// Answers `status` with a JSON error body and closes the connection (or only closes it when a response is
    /// already under way).
    private func refuse(context: ChannelHandlerContext, status: HTTPResponse.Status, code: String, message: String) {
        cancelTimers()
        guard !closed else { return }
        closed = true
        let channel = context.channel
        if responding {
            channel.close(promise: nil)
            return
        }
        var body = context.channel.allocator.buffer(capacity: 128)
        body.writeString(ServerErrors.body(code: code, message: message))
        var head = HTTPResponse(status: status)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.connection] = "close"
        if status == .methodNotAllowed { head.headerFields[.allow] = "GET, POST" }
        ServerMetrics.refused(status: Int(status.code))
        AccessLog.line(requestID: Hex.encode(SecureRandom.bytes(12)), method: "-", route: "-", path: "-",
                       status: Int(status.code), ms: 0, code: code)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let done = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
        done.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }
}
