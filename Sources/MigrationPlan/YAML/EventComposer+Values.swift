/// How the composer turns scalars into typed values and merge keys into pairs: pure
/// functions of a node, kept apart from the event loop.
extension EventComposer {
    static func scalar(_ text: String, tag: String, plain: Bool, at: Loc, problems: inout [ReadProblem]) -> Scalar {
        // No plan value comes near this (keys are 1 KiB, descriptions 255 characters); a huge
        // one would only make every later check slow.
        if text.utf8.count > YAMLReader.maximumScalarBytes {
            problems.append(ReadProblem(
                loc: at, message: "this value is \(text.utf8.count / 1024) KiB; a plan value may be at most \(YAMLReader.maximumScalarBytes / 1024) KiB"))
            return Scalar(text: "", type: .string)
        }
        if tag.isEmpty {
            return Scalar(text: text, type: plain ? CoreSchema.type(ofPlain: text) : .string)
        }
        switch tag {
        case "!", stringTag: return Scalar(text: text, type: .string)
        case "tag:yaml.org,2002:int": return Scalar(text: text, type: .int)
        case "tag:yaml.org,2002:float": return Scalar(text: text, type: .float)
        case "tag:yaml.org,2002:bool": return Scalar(text: text, type: .bool)
        case "tag:yaml.org,2002:null": return Scalar(text: text, type: .null)
        default:
            problems.append(ReadProblem(loc: at, message: "unsupported YAML tag `\(tag)`",
                                        hint: "plans use plain YAML values; remove the tag"))
            return Scalar(text: text, type: .string)
        }
    }

    /// The pairs a `<<` merge key brings in; what is not a mapping is reported.
    static func mergePairs(_ value: PNode, problems: inout [ReadProblem]) -> [Pair] {
        switch value.value {
        case .mapping(let pairs): return pairs
        case .sequence(let items):
            var result: [Pair] = []
            for item in items {
                if let pairs = item.pairs { result += pairs } else {
                    problems.append(ReadProblem(loc: item.loc, message: "`<<` merges mappings only, found \(item.kindDescription)"))
                }
            }
            return result
        case .scalar:
            problems.append(ReadProblem(loc: value.loc, message: "`<<` merges mappings only, found \(value.kindDescription)"))
            return []
        }
    }
}
