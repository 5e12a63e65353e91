import Foundation
import Reconciler
import Testing

@testable import oms_plan

/// The CLI words the library's busy lock as it always has, naming its own flag.
@Suite struct ErrorTextTests {
    @Test func aBusyLockNamesTheLockTimeoutFlag() {
        let busy = StackLock.Busy(path: "/tmp/oms-plan-0/locks/media-1f.lock", holder: 4242, waited: .seconds(1))
        #expect(
            ErrorText.describe(busy)
                == "another oms-plan run holds the lock /tmp/oms-plan-0/locks/media-1f.lock (waited 1.0 seconds); wait for it to finish, or raise --lock-timeout"
        )
        #expect(!busy.description.contains("--lock-timeout"))
    }

    @Test func otherErrorsAreTheirOwnDescription() {
        struct Other: Error, CustomStringConvertible { var description: String { "something else" } }
        #expect(ErrorText.describe(Other()) == "something else")
    }
}
