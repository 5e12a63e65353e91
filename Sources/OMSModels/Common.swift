/// One traffic-limiting rule: from `start` to `end` (`hh:mm`, the service's time zone),
/// at most `max_bandwidth` bytes per second.
public struct BandwidthPolicy: Codable, Hashable, Sendable {
    public var start: String?
    public var end: String?
    /// Bytes per second, 1,048,576...209,715,200 in requests.
    public var maxBandwidth: Int64?

    public init(start: String, end: String, maxBandwidth: Int64) {
        self.start = start
        self.end = end
        self.maxBandwidth = maxBandwidth
    }

    enum CodingKeys: String, CodingKey {
        case start, end
        case maxBandwidth = "max_bandwidth"
    }

    /// OMS's documented range for `max_bandwidth`, bytes per second.
    public static let allowedBandwidth: ClosedRange<Int64> = 1_048_576...209_715_200
    /// OMS accepts at most this many rules on a task or group.
    public static let maximumRules = 5
}

/// A list file (`list` and `url_list` tasks): one or more `.txt` files in an OBS bucket.
public struct ListFile: Codable, Hashable, Sendable {
    public var listFileKey: String?
    public var obsBucket: String?
    public var listFileNum: String?

    public init(listFileKey: String, obsBucket: String, listFileNum: String? = nil) {
        self.listFileKey = listFileKey
        self.obsBucket = obsBucket
        self.listFileNum = listFileNum
    }

    enum CodingKeys: String, CodingKey {
        case listFileKey = "list_file_key"
        case obsBucket = "obs_bucket"
        case listFileNum = "list_file_num"
    }
}

/// `smn_config` of a create request.
public struct SmnConfig: Codable, Hashable, Sendable {
    public var language: SmnLanguage?
    public var topicUrn: String?
    public var triggerConditions: [SmnTriggerCondition]?
    public var messageTemplateName: String?

    public init(
        topicUrn: String, triggerConditions: [SmnTriggerCondition], language: SmnLanguage? = nil,
        messageTemplateName: String? = nil
    ) {
        self.topicUrn = topicUrn
        self.triggerConditions = triggerConditions
        self.language = language
        self.messageTemplateName = messageTemplateName
    }

    enum CodingKeys: String, CodingKey {
        case language
        case topicUrn = "topic_urn"
        case triggerConditions = "trigger_conditions"
        case messageTemplateName = "message_template_name"
    }
}

/// `smn_info` of a response: what happened to the notification, not its configuration.
public struct SmnInfo: Codable, Hashable, Sendable {
    public var notifyResult: Bool?
    public var notifyErrorMessage: String?
    public var topicName: String?

    public init(notifyResult: Bool? = nil, notifyErrorMessage: String? = nil, topicName: String? = nil) {
        self.notifyResult = notifyResult
        self.notifyErrorMessage = notifyErrorMessage
        self.topicName = topicName
    }

    enum CodingKeys: String, CodingKey {
        case notifyResult = "notify_result"
        case notifyErrorMessage = "notify_error_message"
        case topicName = "topic_name"
    }
}

/// `source_cdn` of a create request. `authentication_key` is a secret OMS never returns.
public struct SourceCdnReq: Codable, Hashable, Sendable {
    public var domain: String?
    public var `protocol`: CdnProtocol?
    public var authenticationType: CdnAuthenticationType?
    public var authenticationKey: String?

    public init(
        domain: String, protocol: CdnProtocol, authenticationType: CdnAuthenticationType = .none,
        authenticationKey: String? = nil
    ) {
        self.domain = domain
        self.protocol = `protocol`
        self.authenticationType = authenticationType
        self.authenticationKey = authenticationKey
    }

    enum CodingKeys: String, CodingKey {
        case domain, `protocol`
        case authenticationType = "authentication_type"
        case authenticationKey = "authentication_key"
    }
}

/// `source_cdn` of a response.
public struct SourceCdnResp: Codable, Hashable, Sendable {
    public var domain: String?
    public var `protocol`: CdnProtocol?
    public var authenticationType: CdnAuthenticationType?

    public init(domain: String? = nil, protocol: CdnProtocol? = nil, authenticationType: CdnAuthenticationType? = nil) {
        self.domain = domain
        self.protocol = `protocol`
        self.authenticationType = authenticationType
    }

    enum CodingKeys: String, CodingKey {
        case domain, `protocol`
        case authenticationType = "authentication_type"
    }
}

/// Why a task or group failed: a migration failure cause (`TRF.xxxx`) and its message.
public struct ErrorReason: Codable, Hashable, Sendable {
    public var errorCode: String?
    public var errorMsg: String?

    public init(errorCode: String? = nil, errorMsg: String? = nil) {
        self.errorCode = errorCode
        self.errorMsg = errorMsg
    }

    enum CodingKeys: String, CodingKey {
        case errorCode = "error_code"
        case errorMsg = "error_msg"
    }

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

/// Where the list of failed objects was written (or why it could not be).
public struct FailedObjectRecord: Codable, Hashable, Sendable {
    public var result: Bool?
    public var listFileKey: String?
    public var errorCode: String?

    public init(result: Bool? = nil, listFileKey: String? = nil, errorCode: String? = nil) {
        self.result = result
        self.listFileKey = listFileKey
        self.errorCode = errorCode
    }

    enum CodingKeys: String, CodingKey {
        case result
        case listFileKey = "list_file_key"
        case errorCode = "error_code"
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
