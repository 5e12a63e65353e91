import CYaml

/// An error that ends the reading of a file (libyaml's own errors, undefined aliases and
/// duplicate keys), as Yams' errors did.
struct ComposeError: Error {
    var problem: ReadProblem
}

/// Composes `PNode` trees from libyaml's event stream for `YAMLReader` (see there for why).
/// One per file; not shared between threads.
final class EventComposer {
    static let stringTag = "tag:yaml.org,2002:str"

    let file: Int32
    let budget: AliasBudget
    // The mutable state is reached only from this composer's own methods, on one thread,
    // never reentrantly: the runtime's exclusivity checks on every access (a thread-local
    // lookup each time) were a tenth of reading a plan, so they are off for these properties.

    /// Set once the plan's alias budget ran out: from then on the rest of the document is
    /// still read (its errors still count) but nothing more is built.
    @exclusivity(unchecked) private(set) var exhausted = false

    private let text: String
    private let input: UnsafeMutableBufferPointer<UInt8>
    @exclusivity(unchecked) private var parser = yaml_parser_t()
    @exclusivity(unchecked) private var event = yaml_event_t()
    @exclusivity(unchecked) private var holdsEvent = false
    @exclusivity(unchecked) private var streamStarted = false
    /// Anchored values by name; a later anchor of the same name replaces an earlier one.
    @exclusivity(unchecked) private var anchors: [String: Anchored] = [:]
    /// Problems of the document being read (dropped if an error ends the file).
    @exclusivity(unchecked) private var problems: [ReadProblem] = []

    private struct Anchored {
        var node: PNode
        var size: Int
        /// Set when the value is a scalar (an alias of it can be a mapping key).
        var key: KeyText?
    }

    /// A scalar as a mapping key: its text, whether it was plain, and the tag Yams compared
    /// keys by (an untagged or `!` scalar is a string).
    private struct KeyText {
        var text: String
        var plain: Bool
        var tag: String

        /// Keys repeat when text and tag match (how plain or quoted they were is not compared).
        func sameKey(as other: KeyText) -> Bool { text == other.text && tag == other.tag }
    }

    init(text: String, file: Int32, budget: AliasBudget) {
        self.text = text
        self.file = file
        self.budget = budget
        let utf8 = text.utf8
        input = .allocate(capacity: max(1, utf8.count))
        _ = input.initialize(from: utf8)
        yaml_parser_initialize(&parser)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, input.baseAddress, utf8.count)
    }

    deinit {
        if holdsEvent { yaml_event_delete(&event) }
        yaml_parser_delete(&parser)
        input.deallocate()
    }

    // MARK: Documents

    /// Moves to the next document's root node; false at the end of the stream.
    func startDocument() throws(ComposeError) -> Bool {
        if !streamStarted {
            try advance()  // STREAM_START
            streamStarted = true
        }
        guard parser.stream_end_produced == 0 else { return false }
        try advance()
        guard event.type != YAML_STREAM_END_EVENT else { return false }
        try advance()  // past DOCUMENT_START, to the root
        return true
    }

    /// Where the current event starts.
    var eventLoc: Loc {
        Loc(file: file, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
    }

    /// Composes the document whose root `startDocument` moved to.
    func document() throws(ComposeError) -> (root: PNode, problems: [ReadProblem]) {
        problems = []
        var size = 0
        let root = try node(depth: 0, build: true, size: &size)
        try advance()  // DOCUMENT_END
        return (root, problems)
    }

    // MARK: Events

    private func advance() throws(ComposeError) {
        if holdsEvent {
            yaml_event_delete(&event)
            holdsEvent = false
        }
        guard yaml_parser_parse(&parser, &event) == 1 else { throw ComposeError(problem: parserProblem()) }
        holdsEvent = true
    }

    private static func string(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// The anchored value the current alias event names; an alias of an anchor not (yet)
    /// defined ends the file, as it did for Yams.
    private func aliased(at loc: Loc) throws(ComposeError) -> Anchored {
        guard let known = anchors[Self.string(event.data.alias.anchor) ?? ""] else {
            throw ComposeError(problem: ReadProblem(loc: loc, message: "invalid YAML: found undefined alias"))
        }
        return known
    }

    /// The current scalar event, read once.
    private struct ScalarEvent {
        var value: String
        /// As Yams read it: the string tag for quoted scalars, the explicit tag, or "".
        var tag: String
        var plain: Bool
        var anchor: String?
        /// As a mapping key: untagged and `!` scalars compare as strings.
        var key: KeyText { KeyText(text: value, plain: plain, tag: tag.isEmpty || tag == "!" ? EventComposer.stringTag : tag) }
    }

    private func currentScalar() -> ScalarEvent {
        let scalar = event.data.scalar
        return ScalarEvent(
            value: String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self),
            tag: scalar.quoted_implicit == 1 ? Self.stringTag : Self.string(scalar.tag) ?? "",
            plain: scalar.style == YAML_PLAIN_SCALAR_STYLE, anchor: Self.string(scalar.anchor))
    }

    /// Registers the anchor of a scalar that is not built as a value here (a key, or one inside
    /// a walked node): an alias may still use it as a value, so its type is resolved, without
    /// reporting anything.
    private func registerUnbuilt(_ scalar: ScalarEvent, at loc: Loc) {
        guard let anchor = scalar.anchor else { return }
        var unreported: [ReadProblem] = []
        let value = Self.scalar(scalar.value, tag: scalar.tag, plain: scalar.plain, at: loc, problems: &unreported)
        anchors[anchor] = Anchored(node: PNode(.scalar(value), at: loc), size: 1, key: scalar.key)
    }

    // MARK: Nodes

    /// Composes the node whose first event is the current one, leaving its last event
    /// current. `build` false (deeper than `maxDepth`, or the budget ran out) reads the node
    /// for its errors, keys and anchors only and gives null.
    private func node(depth: Int, build: Bool, size: inout Int) throws(ComposeError) -> PNode {
        let at = eventLoc
        var build = build
        if build, depth > YAMLReader.maxDepth {
            if depth == YAMLReader.maxDepth + 1 {
                problems.append(ReadProblem(loc: at, message: "YAML nests deeper than \(YAMLReader.maxDepth) levels here"))
            }
            build = false
        }
        if build, exhausted { build = false }
        guard build else {
            try walk()
            size += 1
            return .null(at: at)
        }
        // Each kind is composed by its own function: the recursion (node -> sequence or
        // mapping -> node) then carries small frames, so the deepest nesting the text check
        // lets through fits a 512 KiB thread stack even in a debug build.
        switch event.type {
        case YAML_ALIAS_EVENT: return try alias(at: at, build: build, size: &size)
        case YAML_SCALAR_EVENT: return scalarNode(at: at, build: build, size: &size)
        case YAML_SEQUENCE_START_EVENT: return try sequence(at: at, depth: depth, build: build, size: &size)
        case YAML_MAPPING_START_EVENT:
            let anchor = Self.string(event.data.mapping_start.anchor)
            var own = 1
            let node = try mapping(at: at, depth: depth, build: build, size: &own)
            if let anchor { anchors[anchor] = Anchored(node: node, size: own) }
            size += own
            return node
        default:
            throw ComposeError(problem: ReadProblem(loc: at, message: "invalid YAML: unexpected event"))
        }
    }

    @inline(never)
    private func alias(at: Loc, build: Bool, size: inout Int) throws(ComposeError) -> PNode {
        let known = try aliased(at: at)
        guard build else { return .null(at: at) }
        // The value is shared, and what it adds to the plan is paid for. (A problem is
        // placed at the anchored value, as the reader composed by Yams placed it.)
        guard spend(known.size, at: known.node.loc) else { return .null(at: at) }
        size += known.size
        return known.node
    }

    @inline(never)
    private func scalarNode(at: Loc, build: Bool, size: inout Int) -> PNode {
        let scalar = currentScalar()
        let node = build
            ? PNode(.scalar(Self.scalar(scalar.value, tag: scalar.tag, plain: scalar.plain, at: at, problems: &problems)), at: at)
            : .null(at: at)
        if let anchor = scalar.anchor { anchors[anchor] = Anchored(node: node, size: 1, key: scalar.key) }
        size += 1
        return node
    }

    private func sequence(at: Loc, depth: Int, build: Bool, size: inout Int) throws(ComposeError) -> PNode {
        let anchor = Self.string(event.data.sequence_start.anchor)
        var own = 1
        var items: [PNode] = []
        while true {
            try advance()
            if event.type == YAML_SEQUENCE_END_EVENT { break }
            let item = try node(depth: depth + 1, build: build, size: &own)
            if build && !exhausted { items.append(item) }
        }
        let node = build && !exhausted ? PNode(.sequence(items), at: at) : .null(at: at)
        if let anchor { anchors[anchor] = Anchored(node: node, size: own) }
        size += own
        return node
    }

    private func mapping(at: Loc, depth: Int, build: Bool, size: inout Int) throws(ComposeError) -> PNode {
        var pairs: [Pair] = []
        var merged: [Pair] = []
        var keys: [(key: KeyText, loc: Loc)] = []
        while true {
            try advance()
            if event.type == YAML_MAPPING_END_EVENT { break }
            let (key, keyLoc) = try readKey(depth: depth)
            if let key { keys.append((key, keyLoc)) }
            try advance()
            guard let key else {
                if build && !exhausted {
                    problems.append(ReadProblem(loc: keyLoc, message: "mapping keys must be plain strings"))
                }
                var ignored = 0
                _ = try node(depth: depth + 1, build: false, size: &ignored)
                continue
            }
            let value = try node(depth: depth + 1, build: build, size: &size)
            guard build && !exhausted else { continue }
            // `<<: *base` merge keys, as Kubernetes manifests use them: merged pairs come first
            // and explicit keys of this mapping win. Copying pairs is work: it is paid for.
            if key.plain, key.text == "<<" {
                let more = Self.mergePairs(value, problems: &problems)
                guard spend(more.count, at: keyLoc) else { continue }
                merged += more
                continue
            }
            pairs.append(Pair(key: key.text, keyLoc: keyLoc, value: value))
        }
        try checkDuplicates(keys)
        guard build && !exhausted else { return .null(at: at) }
        if !merged.isEmpty {
            let explicit = Set(pairs.map(\.key))
            var seen = Set<String>()
            let inherited = merged.filter { !explicit.contains($0.key) && seen.insert($0.key).inserted }
            pairs = inherited + pairs
        }
        return PNode(.mapping(pairs), at: at)
    }

    /// One open collection of `walk`.
    private struct WalkFrame {
        var isMapping: Bool
        var anchor: String?
        var loc: Loc
        var keys: [(key: KeyText, loc: Loc)] = []
        var atKey = true
    }

    /// Reads the node whose first event is current without building it, leaving its last
    /// event current: what nothing is built for (deeper than `maxDepth`, or after the budget
    /// ran out) is still checked for undefined aliases and repeated keys, and its anchors are
    /// known to later aliases. Iterative, so any depth fits the stack.
    @inline(never)
    private func walk() throws(ComposeError) {
        var stack: [WalkFrame] = []
        while true {
            var isKey = false
            if stack.last?.isMapping == true {
                isKey = stack[stack.count - 1].atKey
                stack[stack.count - 1].atKey.toggle()
            }
            let loc = eventLoc
            switch event.type {
            case YAML_ALIAS_EVENT:
                let known = try aliased(at: loc)
                if isKey, let key = known.key { stack[stack.count - 1].keys.append((key, known.node.loc)) }
            case YAML_SCALAR_EVENT:
                let scalar = currentScalar()
                registerUnbuilt(scalar, at: loc)
                if isKey { stack[stack.count - 1].keys.append((scalar.key, loc)) }
            case YAML_SEQUENCE_START_EVENT:
                stack.append(WalkFrame(isMapping: false, anchor: Self.string(event.data.sequence_start.anchor), loc: loc))
            case YAML_MAPPING_START_EVENT:
                stack.append(WalkFrame(isMapping: true, anchor: Self.string(event.data.mapping_start.anchor), loc: loc))
            default:
                throw ComposeError(problem: ReadProblem(loc: loc, message: "invalid YAML: unexpected event"))
            }
            if stack.isEmpty { return }
            while true {
                try advance()
                guard event.type == YAML_SEQUENCE_END_EVENT || event.type == YAML_MAPPING_END_EVENT else { break }
                let frame = stack.removeLast()
                if frame.isMapping { try checkDuplicates(frame.keys) }
                if let anchor = frame.anchor { anchors[anchor] = Anchored(node: .null(at: frame.loc), size: 1) }
                if stack.isEmpty { return }
            }
        }
    }

    /// Reads the key whose event is current: a scalar, an alias of one, or (refused by the
    /// caller, nil here) a mapping or a list.
    @inline(never)
    private func readKey(depth: Int) throws(ComposeError) -> (KeyText?, Loc) {
        let keyLoc = eventLoc
        switch event.type {
        case YAML_SCALAR_EVENT:
            let scalar = currentScalar()
            registerUnbuilt(scalar, at: keyLoc)
            return (scalar.key, keyLoc)
        case YAML_ALIAS_EVENT:
            let known = try aliased(at: keyLoc)
            // An alias key stands where its anchored value was written (as Yams placed it).
            return (known.key, known.node.loc)
        default:
            // A mapping or a list as a key: read it (for its errors and anchors), then refuse it.
            var ignored = 0
            _ = try node(depth: depth + 1, build: false, size: &ignored)
            return (nil, keyLoc)
        }
    }

    /// Yams refused a mapping whose keys repeat (same text and tag), naming the repeated keys
    /// in order and pointing at the first one's first occurrence.
    private func checkDuplicates(_ keys: [(key: KeyText, loc: Loc)]) throws(ComposeError) {
        guard keys.count > 1 else { return }
        var repeated: [(key: KeyText, loc: Loc)] = []
        if keys.count <= 24 {
            for i in 1..<keys.count {
                let k = keys[i].key
                guard let first = keys[..<i].firstIndex(where: { $0.key.sameKey(as: k) }) else { continue }
                if !repeated.contains(where: { $0.key.sameKey(as: k) }) { repeated.append(keys[first]) }
            }
        } else {
            var firstSeen: [String: Int] = [:]
            for (i, entry) in keys.enumerated() {
                let id = entry.key.tag + "\u{0}" + entry.key.text
                if let first = firstSeen[id] {
                    if !repeated.contains(where: { $0.key.sameKey(as: entry.key) }) {
                        repeated.append(keys[first])
                    }
                } else {
                    firstSeen[id] = i
                }
            }
        }
        guard !repeated.isEmpty else { return }
        repeated.sort { $0.key.text < $1.key.text }
        let names = repeated.map { "`\($0.key.text)`" }.joined(separator: ", ")
        throw ComposeError(problem: ReadProblem(
            loc: repeated[0].loc, message: "duplicate key \(names) in this mapping",
            hint: "each key may appear once; the later value would silently win in other tools"))
    }

    /// Takes `cost` values from the plan's alias budget; reports once when it runs out.
    private func spend(_ cost: Int, at: Loc) -> Bool {
        if exhausted { return false }
        if budget.spend(cost) { return true }
        exhausted = true
        problems.append(ReadProblem(
            loc: at, message: "aliases of the value here make the plan expand to more than \(AliasBudget.limit) YAML values",
            hint: "aliases (*name) and merge keys (<<) that repeat large anchors multiply a document; write the values out"))
        return false
    }

    // MARK: libyaml's errors, worded as Yams worded them

    private func parserProblem() -> ReadProblem {
        func clean(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }
        let problemText = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        switch parser.error {
        case YAML_READER_ERROR:
            let offset = text.utf8.index(text.utf8.startIndex, offsetBy: Int(parser.problem_offset), limitedBy: text.utf8.endIndex)?
                .samePosition(in: text).map { text.distance(from: text.startIndex, to: $0) }
            let (line, column) = YAMLReader.lineAndColumn(ofCharacterOffset: offset ?? 0, in: text)
            return ReadProblem(loc: Loc(file: file, line: line, column: column), message: "invalid YAML: \(problemText)")
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR, YAML_COMPOSER_ERROR:
            var message = "invalid YAML: \(clean(problemText))"
            var contextLoc: Loc?
            if let context = parser.context {
                message += " (\(clean(String(cString: context))) at line \(parser.context_mark.line + 1))"
                contextLoc = Loc(file: file, line: Int(parser.context_mark.line) + 1, column: Int(parser.context_mark.column) + 1)
            }
            return ReadProblem(loc: Loc(file: file, line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1),
                               message: message, context: contextLoc)
        default:
            return ReadProblem(loc: Loc(file: file, line: 1, column: 1), message: "invalid YAML: memory")
        }
    }
}

