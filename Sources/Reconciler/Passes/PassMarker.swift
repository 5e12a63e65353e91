import MigrationPlan

/// The marker of an incremental pass task (or group) in its OMS description:
/// `oms-plan-pass:<stack>:<Kind>/<name>#<fingerprint>.p<n>` (`.f<n>` for the final pass), e.g.
/// `oms-plan-pass:media:MigrationTask/photos#1a2b3c4d.p3`. It names the resource, the full
/// copy's fingerprint (a pass belongs to that full copy; one of a replaced full copy is not
/// this one's) and the pass's number.
///
/// Why not the ownership marker: an older oms-plan reads the last word of a description as
/// `oms-plan:<stack>:<address>#<fingerprint>`. A pass with the full copy's marker would be
/// read as the full copy's twin (and removed), and one with a marker of another address
/// (`photos-p3`) as an undeclared resource (and pruned). `oms-plan-pass:` does not start
/// with `oms-plan:`, so every older version reads a pass as a resource no stack owns, which it
/// never changes; this version reads it here, never as the full copy's marker (the full copy's
/// marker and fingerprint stay exactly as they were). Read by ASCII bytes, like the marker.
public struct PassMarker: Hashable, Sendable, CustomStringConvertible {
    public static let prefix = "oms-plan-pass:"
    static let prefixBytes = Array(prefix.utf8)

    public var stack: String
    public var address: ResourceAddress
    /// The full copy's fingerprint (8 lower-case hex digits) and its scheme.
    public var fingerprint: String
    public var scheme: Int
    public var n: Int
    public var final: Bool

    public init(of full: OwnershipMarker, n: Int, final: Bool = false) {
        stack = full.stack
        address = full.address
        fingerprint = full.fingerprint
        scheme = full.scheme
        self.n = n
        self.final = final
    }

    /// The full copy's marker this pass belongs to.
    public var fullCopy: OwnershipMarker { OwnershipMarker(stack: stack, address: address, fingerprint: fingerprint, scheme: scheme) }

    public var rendered: String {
        let tag = scheme == Fingerprint.Scheme.v1.rawValue ? fingerprint : "\(scheme).\(fingerprint)"
        return "\(Self.prefix)\(stack):\(address)#\(tag).\(final ? "f" : "p")\(n)"
    }
    public var description: String { rendered }

    /// The pass's OMS description: the user's text and the marker when both fit in OMS's 255
    /// characters (UTF-16 units, as OMS counts), else the marker alone (a pass is found by its
    /// marker; the user's text is already on the full copy).
    public func description(userDescription: String?) -> String {
        guard let user = userDescription, !user.isEmpty,
            user.utf16.count + 1 + rendered.utf16.count <= OwnershipMarker.maximumDescriptionLength
        else { return rendered }
        return user + " " + rendered
    }

    /// The pass marker at the end of `description`; nil when there is none (or it is malformed).
    public static func parse(description: String?) -> PassMarker? {
        guard let description else { return nil }
        // The last word is looked at in place first: in a large stack nearly every description
        // is a full copy's marker, and copying each one's bytes would be work for nothing.
        let utf8 = description.utf8
        let start = utf8.lastIndex(of: UInt8(ascii: " ")).map { utf8.index(after: $0) } ?? utf8.startIndex
        guard utf8[start...].starts(with: prefixBytes) else { return nil }
        let word = Array(utf8[start...])[...]
        guard word.allSatisfy({ $0 < 0x80 }) else { return nil }
        let body = word.dropFirst(prefixBytes.count)
        guard let colon = body.firstIndex(of: UInt8(ascii: ":")), let hash = body.lastIndex(of: UInt8(ascii: "#")), colon < hash,
            let lastDot = body.lastIndex(of: UInt8(ascii: ".")), lastDot > hash
        else { return nil }
        let stack = String(decoding: body[..<colon], as: UTF8.self)
        let addressText = String(decoding: body[(colon + 1)..<hash], as: UTF8.self)
        var tag = body[(hash + 1)..<lastDot]
        let passPart = body[(lastDot + 1)...]
        guard let kind = passPart.first, kind == UInt8(ascii: "p") || kind == UInt8(ascii: "f"),
            passPart.count >= 2, passPart.count <= 7, passPart.dropFirst().allSatisfy({ (48...57).contains($0) }),
            passPart.dropFirst().first != UInt8(ascii: "0"),
            let n = Int(String(decoding: passPart.dropFirst(), as: UTF8.self))
        else { return nil }
        var scheme = Fingerprint.Scheme.v1.rawValue
        if let dot = tag.firstIndex(of: UInt8(ascii: ".")) {
            // Digits only: `Int` would also read `+5` as 5, and a marker has one spelling.
            guard tag[..<dot].allSatisfy({ (48...57).contains($0) }), tag.first != UInt8(ascii: "0"),
                let number = Int(String(decoding: tag[..<dot], as: UTF8.self)), number > 1, number < 1000
            else { return nil }
            scheme = number
            tag = tag[(dot + 1)...]
        }
        let isHex = { (c: UInt8) in (48...57).contains(c) || (97...102).contains(c) }
        guard ResourceName.isValid(stack), let address = ResourceAddress(parsing: addressText), ResourceName.isValid(address.name),
            tag.count == OwnershipMarker.fingerprintLength, tag.allSatisfy(isHex)
        else { return nil }
        let full = OwnershipMarker(stack: stack, address: address, fingerprint: String(decoding: tag, as: UTF8.self), scheme: scheme)
        return PassMarker(of: full, n: n, final: kind == UInt8(ascii: "f"))
    }

    /// Whether `description` ends in a pass marker (of any stack).
    public static func isPass(_ description: String?) -> Bool { parse(description: description) != nil }
}
