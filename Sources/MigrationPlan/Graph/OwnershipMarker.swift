/// The ownership marker oms-plan appends to the OMS `description` of everything it creates:
/// `oms-plan:<stack>:<Kind>/<name>#<fingerprint>`, separated from the user's description by
/// one space, e.g. `Photos taken in 2024 oms-plan:media:MigrationTask/photos-2024#1a2b3c4d`.
/// It uses only letters, digits and `._:/-#`, which OMS accepts in descriptions.
///
/// Identity is forever: a marker written by any version is read the same way by every later
/// one. Fingerprints of scheme 1 (the only one so far) are written as `#1a2b3c4d`; a later
/// scheme would be written `#<scheme>.<hex>` and compared by the scheme it names, so that an
/// upgrade never turns owned resources into replacements (see CONTRIBUTING.md).
public struct OwnershipMarker: Hashable, Sendable, Codable, CustomStringConvertible {
    public static let prefix = "oms-plan:"
    public static let maximumDescriptionLength = 255
    public static let fingerprintLength = 8

    public var stack: String
    public var address: ResourceAddress
    /// 8 lower-case hex digits, see `Fingerprint`.
    public var fingerprint: String
    /// The fingerprint scheme that computed `fingerprint` (1 for markers without a number).
    public var scheme: Int

    public init(stack: String, address: ResourceAddress, fingerprint: String, scheme: Int = Fingerprint.Scheme.current.rawValue) {
        self.stack = stack
        self.address = address
        self.fingerprint = fingerprint
        self.scheme = scheme
    }

    enum CodingKeys: String, CodingKey { case stack, address, fingerprint, scheme }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        stack = try c.decode(String.self, forKey: .stack)
        address = try c.decode(ResourceAddress.self, forKey: .address)
        fingerprint = try c.decode(String.self, forKey: .fingerprint)
        scheme = try c.decodeIfPresent(Int.self, forKey: .scheme) ?? Fingerprint.Scheme.v1.rawValue
    }

    /// `oms-plan:media:MigrationTask/photos-2024#1a2b3c4d`
    public var rendered: String {
        let tag = scheme == Fingerprint.Scheme.v1.rawValue ? fingerprint : "\(scheme).\(fingerprint)"
        return "\(Self.prefix)\(stack):\(address)#\(tag)"
    }
    public var description: String { rendered }

    /// The full OMS description: the user's text, a space, the marker (just the marker when
    /// there is no user text).
    public func description(userDescription: String?) -> String {
        guard let user = userDescription, !user.isEmpty else { return rendered }
        return user + " " + rendered
    }

    /// Length of a rendered marker (it does not depend on the fingerprint's value).
    public static func renderedLength(stack: String, address: ResourceAddress) -> Int {
        prefix.utf16.count + stack.utf16.count + 1 + address.description.utf16.count + 1 + fingerprintLength
    }

    /// Length of the description OMS would receive, in UTF-16 units (as OMS, a Java
    /// service, counts).
    public static func descriptionLength(user: String?, stack: String, address: ResourceAddress) -> Int {
        let marker = renderedLength(stack: stack, address: address)
        guard let user, !user.isEmpty else { return marker }
        return user.utf16.count + 1 + marker
    }

    /// Splits a live description into the marker and the user's text; nil when it carries no
    /// well-formed marker at its end (then the resource is not oms-plan's).
    public static func parse(description: String) -> (marker: OwnershipMarker, userDescription: String)? {
        switch parseASCII(description) {
        case .parsed(let result): return result
        case .notASCII: return parseCharacters(description)
        }
    }

    private enum FastParse {
        case parsed((marker: OwnershipMarker, userDescription: String)?)
        /// The marker's text holds non-ASCII bytes: only the reading by characters decides.
        case notASCII
    }

    /// `parseCharacters` for a marker text of ASCII bytes, where bytes and characters are the
    /// same thing (every valid marker; a diff reads 10,000 of them, several times each). It
    /// decides exactly as `parseCharacters` does (`OwnershipMarkerTests` compares the two).
    private static func parseASCII(_ description: String) -> FastParse {
        var text = description
        return text.withUTF8 { parseASCII(bytes: $0, description) }
    }

    static let prefixBytes = Array(prefix.utf8)

    private static func parseASCII(bytes: UnsafeBufferPointer<UInt8>, _ description: String) -> FastParse {
        func hasPrefix(at start: Int) -> Bool {
            bytes.count - start >= prefixBytes.count && bytes[start..<(start + prefixBytes.count)].elementsEqual(prefixBytes)
        }
        let start: Int
        var userEnd = 0
        if hasPrefix(at: 0) {
            start = 0
        } else if let space = bytes.lastIndex(of: UInt8(ascii: " ")) {
            start = space + 1
            userEnd = space
        } else {
            return .parsed(nil)
        }
        guard bytes[start...].allSatisfy({ $0 < 0x80 }) else { return .notASCII }
        guard hasPrefix(at: start) else { return .parsed(nil) }
        let body = bytes[(start + prefixBytes.count)...]
        guard let colon = body.firstIndex(of: UInt8(ascii: ":")), let hash = body.lastIndex(of: UInt8(ascii: "#")), colon < hash
        else { return .parsed(nil) }
        let stack = String(decoding: body[..<colon], as: UTF8.self)
        let addressText = String(decoding: body[(colon + 1)..<hash], as: UTF8.self)
        var fingerprint = body[(hash + 1)...]
        var scheme = Fingerprint.Scheme.v1.rawValue
        if let dot = fingerprint.firstIndex(of: UInt8(ascii: ".")) {
            guard let number = Int(String(decoding: fingerprint[..<dot], as: UTF8.self)), number > 1, number < 1000 else {
                return .parsed(nil)
            }
            scheme = number
            fingerprint = fingerprint[(dot + 1)...]
        }
        func isLowerHex(_ c: UInt8) -> Bool {
            (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f"))
        }
        guard ResourceName.isValid(stack), let address = ResourceAddress(parsing: addressText),
            ResourceName.isValid(address.name), fingerprint.count == fingerprintLength, fingerprint.allSatisfy(isLowerHex)
        else { return .parsed(nil) }
        let user = userEnd == 0 ? "" : String(description.utf8.prefix(userEnd))!
        let marker = OwnershipMarker(stack: stack, address: address, fingerprint: String(decoding: fingerprint, as: UTF8.self), scheme: scheme)
        return .parsed((marker, user))
    }

    /// The reading by characters (the first one written); `parseASCII` gives the same
    /// answers faster for ASCII marker texts.
    static func parseCharacters(_ description: String) -> (marker: OwnershipMarker, userDescription: String)? {
        let markerText: Substring
        let user: Substring
        if description.hasPrefix(prefix) {
            markerText = description[...]
            user = ""
        } else if let space = description.utf8.lastIndex(of: UInt8(ascii: " ")),
            description[description.index(after: space)...].hasPrefix(prefix)
        {
            // A marker holds no spaces, so it starts after the last one.
            markerText = description[description.index(after: space)...]
            user = description[..<space]
        } else {
            return nil
        }
        let body = markerText.dropFirst(prefix.count)
        guard let colon = body.firstIndex(of: ":"), let hash = body.lastIndex(of: "#") , colon < hash else { return nil }
        let stack = String(body[..<colon])
        let addressText = String(body[body.index(after: colon)..<hash])
        var fingerprint = body[body.index(after: hash)...]
        var scheme = Fingerprint.Scheme.v1.rawValue
        if let dot = fingerprint.firstIndex(of: ".") {
            guard let number = Int(fingerprint[..<dot]), number > 1, number < 1000 else { return nil }
            scheme = number
            fingerprint = fingerprint[fingerprint.index(after: dot)...]
        }
        guard ResourceName.isValid(stack), let address = ResourceAddress(parsing: addressText),
            ResourceName.isValid(address.name), fingerprint.count == fingerprintLength,
            fingerprint.allSatisfy({ $0.isHexDigit && !$0.isUppercase })
        else { return nil }
        return (OwnershipMarker(stack: stack, address: address, fingerprint: String(fingerprint), scheme: scheme), String(user))
    }
}
