import Foundation
import Synchronization

/// Sandbox time: real time sped up by `timeScale`, plus whatever the control endpoint
/// advanced it by. Migration progress, bandwidth windows, quotas and timestamps all read it,
/// so tests can cover an hour of migration (or a day of quota) in seconds.
public final class SandboxClock: Sendable {
    private struct State {
        var anchorReal: Date
        var anchorSandbox: Date
        var timeScale: Double
    }
    private let state: Mutex<State>
    private let realNow: @Sendable () -> Date

    public init(timeScale: Double = 1, start: Date? = nil, realNow: @escaping @Sendable () -> Date = { Date() }) {
        let now = realNow()
        self.realNow = realNow
        self.state = Mutex(State(anchorReal: now, anchorSandbox: start ?? now, timeScale: max(0, timeScale)))
    }

    public var now: Date {
        state.withLock { s in
            s.anchorSandbox.addingTimeInterval(realNow().timeIntervalSince(s.anchorReal) * s.timeScale)
        }
    }

    public var timeScale: Double { state.withLock { $0.timeScale } }

    /// Moves sandbox time forward (never backward).
    public func advance(by seconds: TimeInterval) {
        state.withLock { s in s.anchorSandbox = s.anchorSandbox.addingTimeInterval(max(0, seconds)) }
    }
}
