/// ANSI SGR escapes, or the text unchanged when color is off: a disabled style never emits
/// an escape byte, which is what `--no-color` and `NO_COLOR` promise.
public struct ANSIStyle: Sendable {
    public var enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    private func paint(_ text: String, _ code: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    public func bold(_ t: String) -> String { paint(t, "1") }
    public func dim(_ t: String) -> String { paint(t, "2") }
    public func red(_ t: String) -> String { paint(t, "31") }
    public func green(_ t: String) -> String { paint(t, "32") }
    public func yellow(_ t: String) -> String { paint(t, "33") }

    /// Terraform's colors where it has the action (create green, update yellow, delete red,
    /// replace red-green is shown magenta); run-state changes cyan, blocked bold red.
    func action(_ action: ChangeAction, _ text: String) -> String {
        switch action {
        case .create: paint(text, "32")
        case .update: paint(text, "33")
        case .replace: paint(text, "35")
        case .delete: paint(text, "31")
        case .start, .pause, .retry: paint(text, "36")
        case .blocked: paint(text, "1;31")
        case .noop: paint(text, "2")
        case .release: paint(text, "36")
        }
    }
}
