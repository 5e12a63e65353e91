import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// How long an HTTP server of oms-plan waits for a client and how many it serves at once: the
/// sandbox, and the CLI's metrics and status page. Without these, connections that send half a
/// request and then nothing were kept forever, until file descriptors ran out and real clients
/// timed out (issue 21).
public struct ConnectionLimits: Sendable {
    /// From a connection's first byte, or the first byte of a request after the previous
    /// answer, until its request line and headers are complete. Longer than any real client
    /// needs on any network; a slow-loris peer is closed at this point.
    public var headerTimeout: Duration
    /// A kept-alive connection with no request in progress is closed after this long
    /// (Hummingbird's idle time-out, which also bounds a request body that stops arriving).
    public var idleTimeout: Duration
    /// Connections open at once; beyond it the server stops accepting (the kernel's backlog
    /// holds new ones) until one closes, so file descriptors cannot run out.
    public var maximumConnections: Int

    public init(headerTimeout: Duration, idleTimeout: Duration, maximumConnections: Int) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maximumConnections = max(1, maximumConnections)
    }

    /// The sandbox: benchmarks open tens of connections; a few thousand is far above them and
    /// far below a default descriptor limit of 20,000 or more.
    public static let sandbox = ConnectionLimits(headerTimeout: .seconds(10), idleTimeout: .seconds(60), maximumConnections: 2048)
    /// `/metrics` and the status page: a Prometheus scraper and a few browsers.
    public static let statusPage = ConnectionLimits(headerTimeout: .seconds(10), idleTimeout: .seconds(30), maximumConnections: 256)

    /// HTTP/1.1 with the idle time-out, and a header deadline on every connection.
    public var server: HTTPServerBuilder {
        let headerTimeout = TimeAmount(self.headerTimeout)
        return .http1(
            configuration: .init(
                additionalChannelHandlers: [HeaderDeadlineHandler(timeout: headerTimeout)],
                idleTimeout: TimeAmount(idleTimeout)))
    }

    /// The application's configuration with the connection cap.
    public func configuration(address: BindAddress, serverName: String? = nil) -> ApplicationConfiguration {
        ApplicationConfiguration(
            address: address, serverName: serverName, availableConnectionsDelegate: MaximumAvailableConnections(maximumConnections))
    }
}

/// Closes a connection whose request head is not complete `timeout` after it started. It sits
/// after the HTTP decoder, where it sees heads and answers; it puts a partner before the decoder
/// (`RequestBytesWatcher`), which tells it when the bytes of a new request start to arrive.
/// Everything runs on the channel's event loop.
final class HeaderDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    /// Requests whose head arrived and whose answer has not ended.
    private var openRequests = 0
    private var deadline: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        try? context.pipeline.syncOperations.addHandler(RequestBytesWatcher(deadline: self), position: .first)
        // The first request is awaited from the moment the connection is open.
        if context.channel.isActive { arm() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        arm()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            openRequests += 1
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Once the last answer ended, the next request's deadline starts with its first byte
        // (until then the idle time-out applies).
        if case .end = unwrapOutboundIn(data) { openRequests = max(0, openRequests - 1) }
        context.write(data, promise: promise)
    }

    /// Bytes arrived before the decoder read them.
    fileprivate func bytesArrived() {
        if openRequests == 0 { arm() }
    }

    private func arm() {
        guard deadline == nil, let context else { return }
        deadline = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: timeout) { [self] in
            deadline = nil
            self.context?.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}

/// Before the HTTP decoder: reports that request bytes arrived, and passes them on unchanged.
private final class RequestBytesWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadline: HeaderDeadlineHandler

    init(deadline: HeaderDeadlineHandler) { self.deadline = deadline }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadline.bytesArrived()
        context.fireChannelRead(data)
    }
}
