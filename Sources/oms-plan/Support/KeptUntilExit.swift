import Synchronization

/// Large results a one-shot command has finished with, kept until the process exits instead
/// of being freed object by object: a 10,000-task plan and its live state took about 30 ms
/// to free after `diff` had printed everything (clang's `-disable-free` does the same). The
/// operating system takes the memory back at exit in one step.
enum KeptUntilExit {
    private static let kept = Mutex<[any Sendable]>([])

    static func keep(_ value: any Sendable) {
        kept.withLock { $0.append(value) }
    }
}
