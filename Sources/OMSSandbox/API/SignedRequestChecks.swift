import Foundation

/// What the sandbox's two gateways, OMS's API (`Authenticator`) and OBS's object API
/// (`OBSAuthenticator`), check alike about a signed request, kept in one place so the two
/// cannot come to disagree about a clock or a header.
enum SignedRequestChecks {
    /// How far a request's signed time may be from the sandbox's clock: 15 minutes, as OMS's
    /// gateway and OBS both allow.
    static let allowedSkew: TimeInterval = 15 * 60

    /// Whether a request signed at `date` is still within the skew either way of `now`.
    static func isFresh(_ date: Date, now: Date) -> Bool { abs(date.timeIntervalSince(now)) <= allowedSkew }

    /// The first header called `name`, the names compared as ASCII bytes without case: header
    /// names are HTTP tokens, and no Unicode case mapping may decide which header a signature
    /// check reads.
    static func header(_ name: String, in headers: [(String, String)]) -> String? {
        headers.first { sameASCIIIgnoringCase($0.0, name) }?.1
    }

    static func sameASCIIIgnoringCase(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { lowered($0) == lowered($1) }
    }

    private static func lowered(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
}
