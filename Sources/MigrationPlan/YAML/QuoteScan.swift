/// Finds quoted values that run over a line end, for `YAMLSyntaxHints`: a quote left open
/// on its line makes libyaml read on to the next quote of the same kind, usually the opening
/// quote of a later value, and stop with an error just after it.
///
/// An approximation of YAML's scanner, good enough for a hint on a file that already failed
/// to parse: a quote opens a value only where a value starts (the line's content, after
/// `key: `, `- `, `[`, `{` or a `,` inside brackets), never inside a plain value
/// (`it's`); comments and the text of `|` and `>` blocks are skipped; `\"` and `''` are
/// escapes, not ends.
struct QuoteScan {
    struct Run {
        var quote: Unicode.Scalar
        var open: (line: Int, column: Int)
        var close: (line: Int, column: Int)
    }

    let lines: [[Unicode.Scalar]]

    /// The last quoted value that opened on one line and closed on a later one, before `stop`
    /// (1-based line and column, where libyaml stopped).
    func lastRunOn(before stop: (line: Int, column: Int)) -> Run? {
        var last: Run?
        var open: (quote: Unicode.Scalar, line: Int, column: Int)?
        var flow = 0
        // Inside a `|` or `>` block: lines deeper than this indentation are its text.
        var blockIndent: Int?
        for n in 1...max(1, min(stop.line, lines.count)) where n <= lines.count {
            let line = lines[n - 1]
            let limit = n == stop.line ? min(line.count, max(0, stop.column - 1)) : line.count
            if open == nil, let b = blockIndent {
                if YAMLSyntaxHints.isBlank(line) || YAMLSyntaxHints.indent(line) > b { continue }
                blockIndent = nil
            }
            var valueStarts = true
            var i = 0
            func spaceOrEnd(_ at: Int) -> Bool { at >= line.count || line[at] == " " || line[at] == "\t" }
            scanning: while i < limit {
                let s = line[i]
                if let q = open {
                    if q.quote == "\"", s == "\\" { i += 2; continue }
                    if s == q.quote {
                        if q.quote == "'", i + 1 < line.count, line[i + 1] == "'" { i += 2; continue }
                        if q.line != n { last = Run(quote: q.quote, open: (q.line, q.column), close: (n, i + 1)) }
                        open = nil
                        valueStarts = false
                    }
                    i += 1
                    continue
                }
                switch s {
                case " ", "\t":
                    break
                case "#" where i == 0 || line[i - 1] == " " || line[i - 1] == "\t":
                    break scanning
                case "\"", "'" where valueStarts:
                    open = (s, n, i + 1)
                case "|", ">" where valueStarts && flow == 0:
                    blockIndent = YAMLSyntaxHints.indent(line)
                    break scanning
                case "-", "?" where valueStarts && flow == 0 && spaceOrEnd(i + 1):
                    break
                case ":" where spaceOrEnd(i + 1) || flow > 0:
                    valueStarts = true
                case "[", "{" where valueStarts || flow > 0:
                    flow += 1
                    valueStarts = true
                case "," where flow > 0:
                    valueStarts = true
                case "]", "}" where flow > 0:
                    flow -= 1
                    valueStarts = false
                default:
                    valueStarts = false
                }
                i += 1
            }
        }
        return last
    }
}
