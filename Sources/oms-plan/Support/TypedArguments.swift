import ArgumentParser
import Foundation
import MigrationPlan
import Reconciler

// Numeric flags as types: a value outside its range (nan, inf, negative, absurdly large) is a
// usage error naming the flag (exit 64) before any work starts, never a crash later when it
// is turned into a Duration or a port.

/// A number of seconds, `30` or `1.5`: finite, 0 up to 30 days.
struct Seconds: ExpressibleByArgument, Sendable, CustomStringConvertible {
    static let maximum: Double = 30 * 86_400
    let value: Double

    init(_ value: Double) { self.value = value }

    init?(argument: String) {
        guard let value = Double(argument), value.isFinite, (0...Self.maximum).contains(value) else { return nil }
        self.value = value
    }

    var duration: Duration { .milliseconds(Int64((value * 1000).rounded())) }
    var description: String { value == value.rounded() ? String(Int(value)) : String(value) }
    var defaultValueDescription: String { description }
    static var defaultCompletionKind: CompletionKind { .default }
}

/// A period like `90`, `30s`, `5m`, `1h` or `1h30m`: more than 0, at most 7 days.
struct Period: ExpressibleByArgument, Sendable {
    static let maximum: Double = 7 * 86_400
    let seconds: Double

    init?(argument: String) {
        guard let seconds = Self.parse(argument), seconds > 0, seconds <= Self.maximum else { return nil }
        self.seconds = seconds
    }

    static func parse(_ text: String) -> Double? {
        if let plain = Double(text) { return plain.isFinite ? plain : nil }
        var total = 0.0
        var number = ""
        for character in text {
            if character.isASCII && (character.isNumber || character == ".") {
                number.append(character)
                continue
            }
            guard number.count <= 12, let value = Double(number) else { return nil }
            switch character {
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            default: return nil
            }
            number = ""
        }
        return number.isEmpty && total.isFinite ? total : nil
    }

    /// `10s`, `5m`, `1h30m`: how --help shows a default.
    var defaultValueDescription: String {
        let whole = Int(seconds.rounded())
        guard Double(whole) == seconds, whole > 0 else { return "\(seconds)s" }
        var parts: [String] = []
        if whole >= 3600 { parts.append("\(whole / 3600)h") }
        if whole % 3600 >= 60 { parts.append("\(whole % 3600 / 60)m") }
        if whole % 60 > 0 { parts.append("\(whole % 60)s") }
        return parts.joined()
    }
}

/// A whole-number flag whose type names its range: a value outside it is a usage error at
/// parse time. `init(_:)` is for defaults in code, which are in range by construction.
protocol WholeNumberArgument: ExpressibleByArgument, Sendable {
    static var range: ClosedRange<Int> { get }
    var value: Int { get }
    init(_ value: Int)
}

extension WholeNumberArgument {
    init?(argument: String) {
        guard let value = Int(argument), Self.range.contains(value) else { return nil }
        self.init(value)
    }
    var defaultValueDescription: String { String(value) }
}

/// A TCP port to listen on, 1...65535.
struct Port: WholeNumberArgument {
    static let range = 1...65_535
    let value: Int
    init(_ value: Int) { self.value = value }
}

/// A TCP port to listen on where 0 means "pick a free one".
struct PortOrZero: WholeNumberArgument {
    static let range = 0...65_535
    let value: Int
    init(_ value: Int) { self.value = value }
}

/// A whole number in a closed range, given by the flag that uses it.
struct Count: WholeNumberArgument {
    /// Largest count any flag takes; flags check their own tighter range in `validate()`.
    static let maximum = 1_000_000
    static let range = 0...maximum
    let value: Int
    init(_ value: Int) { self.value = value }
}

/// An IP address to listen on (IPv4 or IPv6 literal, or `localhost`).
struct ListenAddress: ExpressibleByArgument, Sendable {
    let value: String
    init(_ value: String) { self.value = value }
    init?(argument: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        guard argument == "localhost" || inet_pton(AF_INET, argument, &v4) == 1 || inet_pton(AF_INET6, argument, &v6) == 1 else {
            return nil
        }
        self.value = argument
    }
    var defaultValueDescription: String { value }

    /// Whether only this machine can connect.
    var isLoopback: Bool {
        value == "localhost" || value == "::1" || value.hasPrefix("127.")
    }
}

/// A check of a typed flag's narrower range, as a usage error.
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw ValidationError(message()) }
}

/// A positive, finite factor such as a clock speed-up: more than 0, at most 1,000,000.
struct Factor: ExpressibleByArgument, Sendable {
    let value: Double
    init(_ value: Double) { self.value = value }
    init?(argument: String) {
        guard let value = Double(argument), value.isFinite, value > 0, value <= 1_000_000 else { return nil }
        self.value = value
    }
    var defaultValueDescription: String { value == value.rounded() ? String(Int(value)) : String(value) }
}

/// `Kind/name`, e.g. `MigrationTask/photos-2024`.
extension ResourceAddress: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
    public static var defaultCompletionKind: CompletionKind { .default }
}

/// `key=value` for `--selector`: both sides non-empty, split at the first `=`.
extension LabelSelector: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
    public static var defaultCompletionKind: CompletionKind { .default }
}

/// `[ADDRESS:]PORT` for `--serve`: loopback unless an address is given (`0.0.0.0:8080`,
/// `[::1]:8080`, `8080`).
struct ServeAddress: ExpressibleByArgument, Sendable {
    let address: ListenAddress
    let port: Int

    init?(argument: String) {
        var host = "127.0.0.1"
        var portText = argument
        if let colon = argument.lastIndex(of: ":") {
            host = String(argument[..<colon])
            portText = String(argument[argument.index(after: colon)...])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        }
        guard let address = ListenAddress(argument: host), let port = Port(argument: portText) else { return nil }
        self.address = address
        self.port = port.value
    }

    var defaultValueDescription: String { "\(address.value):\(port)" }
}
