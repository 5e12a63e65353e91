/// The shapes of region names, bucket names and object keys, shared by the plan language
/// (which refuses bad ones at file:line:col) and the sandbox (which keeps buckets as folders and
/// must never let a name or key step outside them).
///
/// Object storage keys are flat strings, but a key that has a `.` or `..` segment, starts with
/// `/`, or holds a NUL cannot be stored as an object in any bucket folder and is never what a
/// plan author meant: it is refused everywhere.
public enum StorageNames {
    /// Longest key, prefix or save prefix OMS accepts (UTF-8 bytes).
    public static let maximumKeyBytes = 1024
    /// Longest region or bucket name the sandbox accepts (the reference allows up to 100 for
    /// regions; bucket names are at most 63 on OBS but longer elsewhere).
    public static let maximumNameBytes = 255

    /// Why `key` cannot be an object key (or a prefix of one, or a save prefix), or nil.
    ///
    /// `allowEmpty`: a prefix may be "" (the whole bucket), a save prefix may be "" (the root).
    public static func keyProblem(_ key: String, allowEmpty: Bool = false) -> String? {
        // Most keys are plain (`logs/2024/`): one pass over their bytes clears them.
        if hasNothingToCheck(key) { return nil }
        return keyProblemByScalars(key, allowEmpty: allowEmpty)
    }

    /// Whether `key` is non-empty, fits, starts with no separator and holds no control
    /// character and no `.` (so no `.` or `..` segment): then `keyProblemByScalars` finds
    /// nothing (`SecurityRulesTests` compares the two on generated keys).
    static func hasNothingToCheck(_ key: String) -> Bool {
        var key = key
        return key.withUTF8 { bytes in
            guard let first = bytes.first, bytes.count <= maximumKeyBytes, first != 0x2F, first != 0x5C else { return false }
            for byte in bytes where byte < 0x20 || byte == 0x7F || byte == 0x2E { return false }
            return true
        }
    }

    /// `keyProblem` read scalar by scalar and segment by segment, without the shortcut.
    ///
    /// Segments are split on the separator bytes themselves: a `/` followed by a combining
    /// mark is one Swift `Character` (so `"../\u{0301}x"` has no `"/"` Character), yet the file
    /// system splits the path there all the same.
    package static func keyProblemByScalars(_ key: String, allowEmpty: Bool = false) -> String? {
        if key.isEmpty { return allowEmpty ? nil : "must not be empty" }
        if key.utf8.count > maximumKeyBytes { return "is longer than \(maximumKeyBytes) bytes" }
        if let first = key.utf8.first, isSeparator(first) { return "must not start with `/`" }
        if let bad = key.unicodeScalars.first(where: isControl) {
            return bad == "\0" ? "must not contain a NUL character" : "must not contain control characters"
        }
        // Both separators: a `\` is a folder separator on some systems and in some tools.
        let segments = segments(of: key)
        if segments.contains(where: { $0.elementsEqual("..".utf8) }) { return "must not contain a `..` segment" }
        if segments.contains(where: { $0.elementsEqual(".".utf8) }) { return "must not contain a `.` segment" }
        return nil
    }

    /// The key's segments between `/` and `\` bytes (empty ones kept), as UTF-8.
    public static func segments(of key: String) -> [Substring.UTF8View] {
        key[...].utf8.split(separator: 0x2F, omittingEmptySubsequences: false).flatMap {
            $0.split(separator: 0x5C, omittingEmptySubsequences: false)
        }
    }

    /// The key's folder names: what lies before each `/` byte (never the last part). The
    /// sandbox creates these folders one by one when it writes an object.
    public static func folderNames(of key: String) -> [String] {
        key.utf8.split(separator: 0x2F, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
    }

    /// The key's last part, after its last `/` byte: the object's file name in its folder.
    public static func objectName(of key: String) -> String {
        guard let slash = key.utf8.lastIndex(of: 0x2F) else { return key }
        return String(decoding: key.utf8[key.utf8.index(after: slash)...], as: UTF8.self)
    }

    /// Whether the key ends with a `/` byte: it names a folder, not an object.
    public static func namesFolder(_ key: String) -> Bool { key.utf8.last == 0x2F }

    private static func isSeparator(_ byte: UInt8) -> Bool { byte == 0x2F || byte == 0x5C }

    /// Why `name` cannot be a bucket name, or nil. Names are single folder names: letters of
    /// any script, digits, `-`, `_`, `.`, not `.`/`..`, and nothing that separates or escapes.
    public static func bucketProblem(_ name: String) -> String? {
        nameProblem(name, allowed: { $0.properties.isAlphabetic || $0.properties.numericType != nil || "-_.".unicodeScalars.contains($0) })
    }

    /// Why `name` cannot be a region name, or nil: ASCII letters, digits, `-`, `_` and `.`.
    public static func regionProblem(_ name: String) -> String? {
        nameProblem(name, allowed: { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) })
    }

    private static func nameProblem(_ name: String, allowed: (Unicode.Scalar) -> Bool) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name.utf8.count > maximumNameBytes { return "is longer than \(maximumNameBytes) bytes" }
        // Bytes, not `Character`s: `.` followed by a combining mark is still a leading dot.
        if name.utf8.first == 0x2E { return "must not start with `.`" }
        if let bad = name.unicodeScalars.first(where: { !allowed($0) }) {
            if bad == "/" || bad == "\\" { return "must not contain `\(bad)`" }
            if isControl(bad) { return "must not contain control characters" }
            return "must not contain `\(bad)`"
        }
        return nil
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }
}
