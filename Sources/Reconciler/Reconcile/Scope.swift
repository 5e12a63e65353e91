import MigrationPlan

/// `key=value` (`--selector`): the resources whose labels hold that value, as kubectl reads it.
public struct LabelSelector: Sendable, Hashable, CustomStringConvertible {
    public let key: String
    public let value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Split at the first `=` (a Unicode scalar, never a `Character`: an `=` followed by a
    /// combining mark is still the separator); nil when the key or the value is empty.
    public init?(parsing text: String) {
        let scalars = text.unicodeScalars
        guard let equals = scalars.firstIndex(of: "="), equals != scalars.startIndex else { return nil }
        let value = scalars[scalars.index(after: equals)...]
        guard !value.isEmpty else { return nil }
        self.init(key: String(scalars[..<equals]), value: String(value))
    }

    public var description: String { "\(key)=\(value)" }
}

/// Which part of a plan a run acts on (`--target`, `--selector`).
public struct RunScope: Sendable, Hashable {
    /// These addresses and what they depend on (`dependsOn`, closed over); empty: no limit.
    public var targets: [ResourceAddress]
    /// Resources with this label (with what they depend on, unless targets limit them too).
    public var selector: LabelSelector?

    public init(targets: [ResourceAddress] = [], selector: LabelSelector? = nil) {
        self.targets = targets
        self.selector = selector
    }

    /// The addresses of `desired` the run is limited to; nil: everything.
    public func addresses(in desired: DesiredState) -> Set<ResourceAddress>? {
        var scope: Set<ResourceAddress>?
        if !targets.isEmpty { scope = desired.closure(of: targets) }
        if let selector {
            let selected = Set(desired.select(labels: [selector.key: selector.value]))
            scope = scope.map { $0.intersection(selected) } ?? desired.closure(of: Array(selected))
        }
        return scope
    }
}
