import Foundation
import Testing

@testable import OMSSandbox

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sandbox's server closes connections whose request head does not arrive in time, keeps
/// idle kept-alive ones, and stops accepting beyond its connection cap (issue 21).
@Suite(.serialized) struct ConnectionLimitsTests {
    /// A blocking loopback TCP socket with a receive time-out.
    final class RawConnection {
        let fd: Int32

        init(port: Int, receiveTimeout: Double) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
            var timeout = timeval()
            timeout.tv_sec = .init(receiveTimeout.rounded(.down))
            timeout.tv_usec = .init((receiveTimeout - receiveTimeout.rounded(.down)) * 1_000_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(fd) }

        func send(_ text: String) { _ = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } }

        enum Outcome: Equatable { case data, closed, timedOut }

        /// Waits for the blocking read on a thread of its own: on the 2-core machine the
        /// concurrency pool has 2 threads, and a read blocking one of them (while other tests
        /// block the other) starves the very server it waits for.
        func receive() async -> Outcome {
            let fd = self.fd
            return await withCheckedContinuation { continuation in
                Thread {
                    var buffer = [UInt8](repeating: 0, count: 65536)
                    let n = read(fd, &buffer, buffer.count)
                    continuation.resume(returning: n > 0 ? .data : (n == 0 || errno == ECONNRESET ? .closed : .timedOut))
                }.start()
            }
        }
    }

    func withServer(_ limits: ConnectionLimits, _ body: (Int) async throws -> Void) async throws {
        let sandbox = try await SandboxHarness.start(connectionLimits: limits)
        do {
            try await body(URL(string: sandbox.endpoint)!.port!)
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }

    static let request = "GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    @Test func halfSentRequestsAreClosedAtTheHeaderTimeout() async throws {
        try await withServer(ConnectionLimits(headerTimeout: .milliseconds(300), idleTimeout: .seconds(60), maximumConnections: 100)) { port in
            // The bound tells the 300 ms header timeout from the 60 s idle one with room for a
            // loaded machine (CI measured 4 s with every suite running at once), not a speed.
            let silent = try RawConnection(port: port, receiveTimeout: 15)
            let partial = try RawConnection(port: port, receiveTimeout: 15)
            partial.send("GET /v2/some")
            let started = ContinuousClock.now
            #expect(await partial.receive() == .closed)
            #expect(await silent.receive() == .closed)
            #expect(ContinuousClock.now - started < .seconds(15))
        }
    }

    @Test func keptAliveConnectionsOutliveTheHeaderTimeout() async throws {
        try await withServer(ConnectionLimits(headerTimeout: .milliseconds(300), idleTimeout: .seconds(60), maximumConnections: 100)) { port in
            let connection = try RawConnection(port: port, receiveTimeout: 3)
            for _ in 0..<3 {
                connection.send(Self.request)
                #expect(await connection.receive() == .data)
                try await Task.sleep(for: .milliseconds(600))
            }
        }
    }

    @Test func idleConnectionsAreClosedAtTheIdleTimeout() async throws {
        try await withServer(ConnectionLimits(headerTimeout: .seconds(30), idleTimeout: .milliseconds(300), maximumConnections: 100)) { port in
            let connection = try RawConnection(port: port, receiveTimeout: 3)
            connection.send(Self.request)
            #expect(await connection.receive() == .data)
            #expect(await connection.receive() == .closed)
        }
    }

    @Test func connectionsBeyondTheCapWaitUntilOneCloses() async throws {
        try await withServer(ConnectionLimits(headerTimeout: .seconds(30), idleTimeout: .seconds(60), maximumConnections: 2)) { port in
            var held: [RawConnection] = [try RawConnection(port: port, receiveTimeout: 3), try RawConnection(port: port, receiveTimeout: 3)]
            for connection in held {
                connection.send(Self.request)
                #expect(await connection.receive() == .data)
            }
            let third = try RawConnection(port: port, receiveTimeout: 1)
            third.send(Self.request)
            #expect(await third.receive() == .timedOut, "a third connection is not served while two are open")
            held.removeFirst()  // closes it
            var outcome = await third.receive()
            for _ in 0..<4 where outcome == .timedOut { outcome = await third.receive() }
            #expect(outcome == .data, "it is served once one of them closed")
            #expect(held.count == 1)
        }
    }
}
