import Reconciler

/// How the command line words library errors whose remedy is a flag: the library reports
/// what happened, as data; only the CLI knows its flags.
enum ErrorText {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let busy as StackLock.Busy:
            "another oms-plan run holds the lock \(busy.path) (waited \(busy.waited)); wait for it to finish, or raise --lock-timeout"
        default:
            "\(error)"
        }
    }
}
