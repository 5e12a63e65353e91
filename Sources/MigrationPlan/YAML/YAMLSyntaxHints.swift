/// What usually causes each of libyaml's syntax errors, as a hint beside the error.
///
/// libyaml says what it found where it stopped ("mapping values are not allowed in this
/// context" at a colon, "did not find expected key" at the start of a line, "end of stream"
/// at the end of the file), which is rarely where the mistake is: a tab, a key indented one
/// space off, a quote or bracket left open lines earlier. The error keeps libyaml's location
/// (editors jump there, and it is where reading stopped); the hint names the mistake and,
/// when it is elsewhere, its line and column.
///
/// Read on the text's lines as Unicode scalars: libyaml counts columns in characters (code
/// points), and a hint is only ever built for a file that already failed, so the cost of
/// splitting the text does not matter. Hints quote keys (field names), never values, which
/// may be secrets written where they should not be.
struct YAMLSyntaxHints {
    private let lines: [[Unicode.Scalar]]

    init(text: String) {
        var lines: [[Unicode.Scalar]] = [[]]
        var afterCR = false
        for s in text.unicodeScalars {
            // The line breaks libyaml counts: LF, CR, CR LF, NEL, LS and PS.
            if s == "\n" && afterCR { afterCR = false; continue }
            afterCR = s == "\r"
            if s == "\n" || s == "\r" || s == "\u{85}" || s == "\u{2028}" || s == "\u{2029}" { lines.append([]) } else {
                lines[lines.count - 1].append(s)
            }
        }
        self.lines = lines
    }

    /// A hint for a libyaml error (`invalid YAML: ...`), or nil when nothing explains it.
    static func hint(for problem: ReadProblem, in text: String) -> String? {
        guard problem.message.hasPrefix("invalid YAML:"), problem.hint == nil else { return nil }
        let hints = YAMLSyntaxHints(text: text)
        let at = (line: Int(problem.loc.line), column: Int(problem.loc.column))
        let message = problem.message
        if let tab = hints.tab(at: at) { return tab }
        if message.contains("while scanning a quoted scalar"), let open = problem.context, let hint = hints.unclosedQuote(open) {
            return hint
        }
        if message.contains("while parsing a flow"), let open = problem.context, let hint = hints.unclosedFlow(open, stop: at) {
            return hint
        }
        if let hint = hints.quoteRunOn(stop: at) { return hint }
        if message.contains("did not find expected key"), let c = hints.scalar(at), c == "]" || c == "}" {
            return "this `\(c)` closes no \(c == "]" ? "`[` list" : "`{` mapping"): remove it"
        }
        let slipMessages = ["mapping values are not allowed", "did not find expected key", "did not find expected '-' indicator"]
        if slipMessages.contains(where: message.contains), let hint = hints.indentationSlip(at: at) { return hint }
        if message.contains("mapping values are not allowed"), let hint = hints.colonInValue(at: at) { return hint }
        return nil
    }

    // MARK: The mistakes

    /// A tab in the indentation of the line where reading stopped (YAML indents with spaces).
    private func tab(at: (line: Int, column: Int)) -> String? {
        guard let line = line(at.line) else { return nil }
        var column: Int?
        if scalar(at) == "\t" { column = at.column }
        for (i, s) in line.enumerated() {
            if s == "\t" { column = column ?? i + 1; break }
            if s != " " { break }
        }
        guard let column else { return nil }
        return "line \(at.line) is indented with a tab (column \(column)); YAML indents with spaces only: "
            + "replace the tab with spaces"
    }

    /// A quoted value that runs to the end of the file.
    private func unclosedQuote(_ open: Loc) -> String? {
        guard let q = scalar((Int(open.line), Int(open.column))), q == "\"" || q == "'" else { return nil }
        return "the `\(q)` at line \(open.line), column \(open.column) starts a value that is never closed: "
            + "end it with `\(q)`, on the same line unless the value is meant to span lines"
    }

    /// A `[` list or `{` mapping missing its closing bracket, or a comma between its items.
    private func unclosedFlow(_ open: Loc, stop: (line: Int, column: Int)) -> String? {
        guard let b = scalar((Int(open.line), Int(open.column))), b == "[" || b == "{", let openLine = line(Int(open.line)) else {
            return nil
        }
        let close = b == "[" ? "]" : "}"
        let what = b == "[" ? "list" : "mapping"
        let place = "line \(open.line), column \(open.column)"
        // Stopped on a later line at a block key no deeper than the bracket's line, or at the
        // end: the bracket was never closed (a list written across lines ends deeper).
        let stopLine = line(stop.line) ?? []
        let atKey = Self.indent(stopLine) <= Self.indent(openLine) || Self.isBlank(stopLine)
        if stop.line > Int(open.line), atKey {
            let last = lastContentLine(before: stop.line) ?? Int(open.line)
            return "the `\(b)` at \(place) is never closed: end the \(what) with `\(close)` at the end of line \(last)"
        }
        return "the \(what) that starts with `\(b)` at \(place) needs a `,` between its items, or `\(close)` where it ends, "
            + "before line \(stop.line), column \(stop.column)"
    }

    /// A quote left open on its line, so that the value ran on to a quote on the line where
    /// reading stopped (which opened another value) and what followed it made no sense.
    private func quoteRunOn(stop: (line: Int, column: Int)) -> String? {
        guard let run = QuoteScan(lines: lines).lastRunOn(before: stop), run.close.line == stop.line else { return nil }
        return "the `\(run.quote)` at line \(run.open.line), column \(run.open.column) is not closed on its line, "
            + "so YAML reads everything up to the `\(run.quote)` at line \(run.close.line), column \(run.close.column) as one value: "
            + "close the quote on line \(run.open.line)"
    }

    /// A line indented to none of the levels open above it: a one-space slip.
    private func indentationSlip(at: (line: Int, column: Int)) -> String? {
        guard let line = line(at.line), !Self.isBlank(line) else { return nil }
        let own = Self.indent(line)
        var levels: [(indent: Int, line: Int)] = []
        var deepest = Int.max
        var n = at.line - 1
        while n >= 1, deepest > 0 {
            defer { n -= 1 }
            guard let above = self.line(n), !Self.isBlank(above), !Self.isComment(above) else { continue }
            let columns = Self.contentColumns(above).filter { $0 < deepest }
            guard let first = columns.first else { continue }
            levels += columns.map { ($0, n) }
            deepest = first
        }
        guard let previous = levels.first, !levels.contains(where: { $0.indent == own }) else { return nil }
        // Deeper under a line that opens a block (`key:` or `-` with nothing after) is a new
        // level, not a slip.
        if own > previous.indent, let above = self.line(previous.line),
           let last = above.last(where: { $0 != " " && $0 != "\t" }), last == ":" || last == "-" { return nil }
        // The nearest level; between two equally near, the deeper (the line's likely siblings).
        let target = levels.min { a, b in
            abs(a.indent - own) != abs(b.indent - own) ? abs(a.indent - own) < abs(b.indent - own) : a.indent > b.indent
        }!
        let subject = Self.subject(line) ?? "line \(at.line)"
        func name(_ level: (indent: Int, line: Int)) -> String {
            self.line(level.line).flatMap { Self.subject($0, at: level.indent) }.map { "\($0) on line \(level.line)" }
                ?? "line \(level.line)"
        }
        let rule = subject.hasPrefix("`") ? "the keys of one mapping line up exactly"
            : subject.hasPrefix("the `- `") ? "the items of one list line up exactly" : "the lines of one mapping or list line up exactly"
        guard abs(own - target.indent) == 1 else {
            // Not a one-space slip: say what is open above and let the reader choose.
            let open = levels.prefix(3).map { "\(name($0)) at \($0.indent)" }.joined(separator: ", ")
            let next = own > previous.indent ? "a deeper key needs its parent key (`name:` on a line of its own) above it"
                : "indent it like the lines it belongs with"
            return "\(subject) is indented \(Self.spaces(own)), which lines up with nothing above it (\(open)): \(rule); \(next)"
        }
        // One space off. The line that slipped is the one not one indentation step under its
        // parent: usually this line, but a first key one space off lets YAML read it fine and
        // stop at its correctly indented sibling.
        let step = indentationStep(besides: target.line)
        if let parent = parentIndent(of: target), target.indent - parent != step, own - parent == step {
            return "\(name(target)) is indented \(Self.spaces(target.indent)) and \(subject) \(own): \(rule); "
                + "indent line \(target.line) \(Self.spaces(own))"
        }
        let reading = own > previous.indent ? " (deeper, YAML reads the line as part of the value above)" : ""
        return "\(subject) is indented \(Self.spaces(own)) and \(name(target)) is indented \(target.indent)\(reading): \(rule); "
            + "indent \(subject) \(Self.spaces(target.indent))"
    }

    /// The indentation of the nearest line above `level`'s line that is shallower than it.
    private func parentIndent(of level: (indent: Int, line: Int)) -> Int? {
        var n = level.line - 1
        while n >= 1 {
            if let l = line(n), !Self.isBlank(l), !Self.isComment(l), Self.indent(l) < level.indent { return Self.indent(l) }
            n -= 1
        }
        return nil
    }

    /// How far this file indents a block under its `key:`, by majority (2 when it never does),
    /// not counting the block that starts at line `suspect` (the indentation in question).
    private func indentationStep(besides suspect: Int) -> Int {
        var counts: [Int: Int] = [:]
        var above: [Unicode.Scalar]?
        for (i, l) in lines.enumerated() where !Self.isBlank(l) && !Self.isComment(l) {
            if let a = above, i + 1 != suspect, a.last(where: { $0 != " " }) == ":", Self.indent(l) > Self.indent(a) {
                counts[Self.indent(l) - Self.indent(a), default: 0] += 1
            }
            above = l
        }
        return counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? 2
    }

    /// An unquoted value holding `: `, which YAML reads as a second key on the line.
    private func colonInValue(at: (line: Int, column: Int)) -> String? {
        guard let line = line(at.line), scalar(at) == ":" else { return nil }
        let start = Self.indent(line)
        var i = start
        while i + 1 < at.column - 1 {
            if line[i] == ":" && line[i + 1] == " " {
                let key = Self.subject(line).map { " of \($0)" } ?? ""
                return "the value\(key) holds `: `, which YAML reads as another key: put the value in quotes"
            }
            i += 1
        }
        return nil
    }

    // MARK: Reading lines

    private func line(_ number: Int) -> [Unicode.Scalar]? {
        number >= 1 && number <= lines.count ? lines[number - 1] : nil
    }

    private func scalar(_ at: (line: Int, column: Int)) -> Unicode.Scalar? {
        guard let line = line(at.line), at.column >= 1, at.column <= line.count else { return nil }
        return line[at.column - 1]
    }

    private func lastContentLine(before number: Int) -> Int? {
        var n = number - 1
        while n >= 1 {
            if let l = line(n), !Self.isBlank(l), !Self.isComment(l) { return n }
            n -= 1
        }
        return nil
    }

    static func indent(_ line: [Unicode.Scalar]) -> Int {
        line.prefix { $0 == " " }.count
    }

    static func isBlank(_ line: [Unicode.Scalar]) -> Bool {
        line.allSatisfy { $0 == " " || $0 == "\t" }
    }

    static func isComment(_ line: [Unicode.Scalar]) -> Bool {
        line.first { $0 != " " && $0 != "\t" } == "#"
    }

    /// The 0-based columns where a line's nodes start, shallowest first: its indentation and,
    /// for `- ` items, each item's content (`- - a: 1` opens three levels).
    static func contentColumns(_ line: [Unicode.Scalar]) -> [Int] {
        var i = indent(line)
        var columns = [i]
        while i + 1 < line.count, line[i] == "-", line[i + 1] == " " {
            i += 1
            while i < line.count, line[i] == " " { i += 1 }
            if i < line.count { columns.append(i) }
        }
        return columns
    }

    /// "`region:`" for a key line, "the `- ` item" for a list item (at `column`, 0-based),
    /// nil otherwise. Only key-like names are quoted.
    static func subject(_ line: [Unicode.Scalar], at column: Int? = nil) -> String? {
        let start = column ?? indent(line)
        guard start < line.count else { return nil }
        if line[start] == "-", start + 1 == line.count || line[start + 1] == " " { return "the `- ` item" }
        var key = ""
        var i = start
        while i < line.count, line[i] != ":" {
            let s = line[i]
            guard s.isASCII, s.properties.isAlphabetic || ("0"..."9").contains(s) || "_-./".unicodeScalars.contains(s),
                  key.unicodeScalars.count < 64 else { return nil }
            key.unicodeScalars.append(s)
            i += 1
        }
        guard !key.isEmpty, i < line.count, i + 1 == line.count || line[i + 1] == " " else { return nil }
        return "`\(key):`"
    }

    static func spaces(_ n: Int) -> String { n == 1 ? "1 space" : "\(n) spaces" }
}
