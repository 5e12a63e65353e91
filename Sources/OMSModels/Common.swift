// The shared bodies' fields, keys and initialisers are the table `Wire/Common.json`; here is
// only what a table does not say.

extension BandwidthPolicy {
    /// OMS's documented range for `max_bandwidth`, bytes per second.
    public static let allowedBandwidth: ClosedRange<Int64> = 1_048_576...209_715_200
    /// OMS accepts at most this many rules on a task or group.
    public static let maximumRules = 5
}

extension ErrorReason {
    /// The reference says this is "an empty string" when there is no failure; accept that
    /// (and `null`) as well as an object.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), (try? single.decode(String.self)) != nil {
            self.init()
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            errorCode: try c.decodeIfPresent(String.self, forKey: .errorCode),
            errorMsg: try c.decodeIfPresent(String.self, forKey: .errorMsg))
    }
}

/// The body OMS (and IAM) send with every 4xx/5xx answer: the same `{error_code, error_msg}`
/// as a failure cause. (Readers take a body that is not such an object as no code and no
/// message, whether it fails to decode or, being a JSON string, decodes empty.)
public typealias ErrorBody = ErrorReason

/// Milliseconds/seconds for `migrate_since`: requests carry seconds, responses milliseconds.
public enum MigrateSince {
    /// Values below this are taken as seconds even in a response: 10^11 ms is March 1973,
    /// 10^11 s is the year 5138, so nothing real is misread.
    static let secondsThreshold: Int64 = 100_000_000_000

    /// Seconds since 1970 of a response value (milliseconds, or seconds if implausibly small).
    public static func seconds(fromResponseValue value: Int64) -> Int64 {
        value < secondsThreshold ? value : value / 1000
    }
}
