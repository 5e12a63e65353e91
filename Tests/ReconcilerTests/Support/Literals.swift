import MigrationPlan
import Reconciler

// Tests write addresses as the reports do; production code builds them from types.
extension ResourceAddress: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        guard let parsed = ResourceAddress(parsing: value) else { fatalError("not an address literal: \(value)") }
        self = parsed
    }
}

extension ChangeSubject: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        guard let parsed = ChangeSubject(parsing: value) else { fatalError("not a change subject literal: \(value)") }
        self = parsed
    }
}
