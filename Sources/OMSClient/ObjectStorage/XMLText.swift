/// XML character data, written and read scalar by scalar: the object API's server in the
/// sandbox escapes keys with it and the OBS client unescapes listings with it, so the two
/// directions share one table of entities and cannot drift apart. Scalars, never `Character`s:
/// an `&` or `<` followed by a combining mark is one `Character` that a `Character` search
/// would walk past.
package enum XMLText {
    /// XML's five predefined entities.
    static let entities: [(scalar: Unicode.Scalar, name: String)] = [
        ("&", "amp"), ("<", "lt"), (">", "gt"), ("\"", "quot"), ("'", "apos"),
    ]

    /// An entity reference longer than this is not one (the longest `&#x10FFFF;` has 8 scalars
    /// between `&` and `;`).
    static let longestReference = 10

    /// Text that can stand inside an element or an attribute: markup characters become
    /// entities, and a scalar XML 1.0 cannot carry at all becomes U+FFFD (listings skip keys with
    /// control characters; this keeps any other text well-formed).
    package static func escape(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if let entity = entities.first(where: { $0.scalar == scalar }) {
                out += "&" + entity.name + ";"
            } else {
                out.unicodeScalars.append(isCarried(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return out
    }

    /// The text that `escape` wrote, or any XML character data: the five entities and numeric
    /// character references are replaced; an `&` that starts no reference is kept as it is.
    package static func unescape(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.contains("&") else { return text }
        var out = String.UnicodeScalarView()
        var index = scalars.startIndex
        while index < scalars.endIndex {
            if scalars[index] == "&", let found = reference(in: scalars, at: index) {
                out.append(found.scalar)
                index = found.end
            } else {
                out.append(scalars[index])
                index = scalars.index(after: index)
            }
        }
        return String(out)
    }

    /// The scalar a reference starting at `amp` stands for and the index after its `;`.
    private static func reference(
        in scalars: String.UnicodeScalarView, at amp: String.UnicodeScalarView.Index
    ) -> (scalar: Unicode.Scalar, end: String.UnicodeScalarView.Index)? {
        let start = scalars.index(after: amp)
        let limit = scalars.index(start, offsetBy: longestReference, limitedBy: scalars.endIndex) ?? scalars.endIndex
        guard let semi = scalars[start..<limit].firstIndex(of: ";") else { return nil }
        let body = scalars[start..<semi]
        let name = String(String.UnicodeScalarView(body))
        if let entity = entities.first(where: { $0.name == name }) { return (entity.scalar, scalars.index(after: semi)) }
        // `&#65;` or `&#x41;`: the digits after `#`, read as scalars.
        guard body.first == "#" else { return nil }
        let hex = body.dropFirst().first == "x"
        let digits = String(String.UnicodeScalarView(body.dropFirst(hex ? 2 : 1)))
        guard let number = UInt32(digits, radix: hex ? 16 : 10), let scalar = Unicode.Scalar(number) else { return nil }
        return (scalar, scalars.index(after: semi))
    }

    /// Whether XML 1.0 can carry the scalar as character data.
    static func isCarried(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: true
        case 0x0...0x1F, 0xFFFE, 0xFFFF: false
        default: true
        }
    }
}
