/// What OMS refuses in a task or group description (`OMS.0078`), shared by the plan language
/// (which reports it at file:line:col) and the sandbox (which refuses it with OMS's code).
public enum DescriptionRules {
    /// The characters OMS refuses, each one ASCII byte.
    public static let forbidden: [Unicode.Scalar] = ["^", "<", ">", "&", "\"", "'", "(", ")"]

    /// The first forbidden character of `description`, or nil. Read scalar by scalar: a `<`
    /// after a prepended mark (`\u{0600}<`) is inside one Swift `Character`, but it is a `<`.
    public static func firstForbidden(in description: String) -> Unicode.Scalar? {
        // Most descriptions hold none of these bytes: one pass over the bytes clears them.
        guard description.utf8.contains(where: { $0 < 0x80 && forbidden.contains(Unicode.Scalar($0)) }) else { return nil }
        return description.unicodeScalars.first(where: forbidden.contains)
    }
}
