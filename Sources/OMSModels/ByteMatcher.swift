/// Finds where any of many byte strings occur in a text, in one pass over its bytes whatever
/// their number (Aho-Corasick): masking 3,000 secrets costs what masking one does.
///
/// The automaton works on UTF-8 bytes, so a match never depends on what Swift would call a
/// `Character`: a secret followed by a combining mark is still found.
public struct ByteMatcher: Sendable {
    /// Transitions of the root, one per byte value (the state most bytes of a text start from).
    private var rootNext: [Int32]
    /// Other states' transitions, sorted by byte: `edgeStart[s]..<edgeStart[s+1]`.
    private var edgeStart: [Int32]
    private var edgeBytes: [UInt8]
    private var edgeTargets: [Int32]
    private var failure: [Int32]
    /// Length of the longest pattern that ends in this state (0: none); shorter ones that end
    /// at the same byte lie inside it, so masking the longest covers them.
    private var longest: [Int32]

    public init<S: Sequence>(patterns: S) where S.Element == [UInt8] {
        // A trie first, with one dictionary of children per state while it is built.
        var children: [[UInt8: Int32]] = [[:]]
        var ends: [Int32] = [0]
        for pattern in patterns where !pattern.isEmpty {
            var state = 0
            for byte in pattern {
                if let next = children[state][byte] {
                    state = Int(next)
                } else {
                    children.append([:])
                    ends.append(0)
                    children[state][byte] = Int32(children.count - 1)
                    state = children.count - 1
                }
            }
            ends[state] = max(ends[state], Int32(pattern.count))
        }
        let count = children.count
        edgeStart = [Int32](repeating: 0, count: count + 1)
        edgeBytes = []
        edgeTargets = []
        for state in 0..<count {
            edgeStart[state] = Int32(edgeBytes.count)
            for (byte, target) in children[state].sorted(by: { $0.key < $1.key }) {
                edgeBytes.append(byte)
                edgeTargets.append(target)
            }
        }
        edgeStart[count] = Int32(edgeBytes.count)
        rootNext = [Int32](repeating: 0, count: 256)
        for (byte, target) in children[0] { rootNext[Int(byte)] = target }
        failure = [Int32](repeating: 0, count: count)
        longest = ends
        // Breadth first: a state's failure is known before its children's.
        var queue = children[0].values.map { Int($0) }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for (byte, target) in children[state] {
                let node = Int(target)
                var fallback = Int(failure[state])
                while fallback != 0 && self.child(of: fallback, byte) == nil { fallback = Int(failure[fallback]) }
                let link = state == 0 ? 0 : Int(self.child(of: fallback, byte) ?? 0)
                failure[node] = Int32(link == node ? 0 : link)
                longest[node] = max(longest[node], longest[Int(failure[node])])
                queue.append(node)
            }
        }
    }

    private func child(of state: Int, _ byte: UInt8) -> Int32? {
        if state == 0 {
            let next = rootNext[Int(byte)]
            return next == 0 ? nil : next
        }
        var index = Int(edgeStart[state])
        let end = Int(edgeStart[state + 1])
        while index < end {
            if edgeBytes[index] == byte { return edgeTargets[index] }
            if edgeBytes[index] > byte { return nil }
            index += 1
        }
        return nil
    }

    public var isEmpty: Bool { failure.count <= 1 }

    /// Whether any pattern occurs in `text`.
    public func occurs(in text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var state = 0
            for byte in bytes {
                state = next(from: state, byte)
                if longest[state] > 0 { return true }
            }
            return false
        }
    }

    private func next(from state: Int, _ byte: UInt8) -> Int {
        var state = state
        while true {
            if let next = child(of: state, byte) { return Int(next) }
            if state == 0 { return 0 }
            state = Int(failure[state])
        }
    }

    /// Calls `found(start, end)` for the longest match ending at each byte of `bytes` that has
    /// one (byte offsets, `end` exclusive), in order of `end`.
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ found: (Int, Int) -> Void) {
        var state = 0
        for index in 0..<bytes.count {
            state = next(from: state, bytes[index])
            let length = Int(longest[state])
            if length > 0 { found(index + 1 - length, index + 1) }
        }
    }
}
