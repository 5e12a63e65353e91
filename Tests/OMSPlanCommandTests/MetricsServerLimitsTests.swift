import Foundation
import OMSSandbox
import Reconciler
import Testing

@testable import oms_plan

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `/metrics` and the status page close a connection whose request never completes, and still
/// answer a whole request (issue 21: a slow client held the page's connections for ever).
@Suite(.serialized) struct MetricsServerLimitsTests {
    /// A loopback port nobody listens on right now.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Connects, sends `text`, and reads until the server answers or closes (or 3 s pass):
    /// true when it closed without answering.
    static func closedWithoutAnswer(port: Int, sending text: String) -> Bool? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        var timeout = timeval()
        timeout.tv_sec = 15
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = read(fd, &buffer, buffer.count)
        if n > 0 { return false }
        return n == 0 || errno == ECONNRESET ? true : nil
    }

    /// Runs blocking socket calls on a thread of their own: on the 2-core machine the
    /// concurrency pool has 2 threads, and blocking one starves the server under test.
    static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in Thread { continuation.resume(returning: work()) }.start() }
    }

    @Test func halfSentRequestsAreClosedAndWholeOnesAnswered() async throws {
        let port = Self.freePort()
        let limits = ConnectionLimits(headerTimeout: .milliseconds(300), idleTimeout: .seconds(30), maximumConnections: 16)
        let server = try await MetricsServer.start(address: "127.0.0.1", port: port, metrics: ReconcileMetrics(), limits: limits)
        defer { server.cancel() }
        let started = ContinuousClock.now
        #expect(await Self.onOwnThread { Self.closedWithoutAnswer(port: port, sending: "GET /metr") } == true)
        // Tells the 300 ms header timeout from the 30 s idle one, with room for a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(await Self.onOwnThread { Self.closedWithoutAnswer(port: port, sending: "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n") } == false)
    }

    @Test func theStatusPageHasItsOwnLimits() {
        #expect(ConnectionLimits.statusPage.maximumConnections <= 1000)
        #expect(ConnectionLimits.statusPage.headerTimeout <= .seconds(15))
        #expect(ConnectionLimits.statusPage.idleTimeout <= .seconds(60))
    }
}
