import ArgumentParser
import Foundation
import Reconciler

/// `status --serve`: reads OMS every `refresh` seconds and serves the page, its JSON and the
/// per-resource metrics from what it read, until SIGINT or SIGTERM. The observation history
/// starts from what reconcile kept in the state folder and grows in memory.
enum StatusPage {
    static func serve(session: Session, at address: ServeAddress, refresh: Double, parallelism: Int = 8) async throws {
        let metrics = ReconcileMetrics()
        let reconciler = session.reconcilerReadingFailedObjects(parallelism: parallelism)
        let board = StatusBoard(history: reconciler.observationHistory(stack: session.desired.stack.name))
        board.setDesired(session.desired)
        let server: Task<Void, any Error>
        do {
            server = try await MetricsServer.start(
                address: address.address.value, port: address.port, metrics: metrics, board: board, refreshSeconds: max(1, Int(refresh.rounded())))
        } catch {
            await session.close()
            throw error
        }
        announce(stack: session.desired.stack.name, at: address)
        let stop = ShutdownSignal()
        while !stop.stopRequested {
            do {
                var history = board.snapshot.history
                let status = try await reconciler.status(of: session.desired, history: &history, syncActivity: true)
                board.record(status, history: history)
                metrics.record(status: status)
            } catch {
                board.recordError("\(error)")
            }
            await stop.sleep(seconds: refresh)
        }
        server.cancel()
        _ = await server.result
        await session.close()
        if stop.signal == SIGINT { throw ExitCode(130) }
    }

    /// Where the page is, on stderr, and a warning when machines other than this one can reach it.
    static func announce(stack: String, at address: ServeAddress) {
        let host = address.address.value.contains(":") ? "[\(address.address.value)]" : address.address.value
        Console.error("oms-plan: serving the status page of stack \(stack) at http://\(host):\(address.port)/ (SIGINT or SIGTERM stops)")
        if !address.address.isLoopback {
            Console.error("oms-plan: warning: \(address.address.value) is not loopback: other machines can read this page (it holds no secrets)")
        }
    }
}
