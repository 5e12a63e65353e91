/// An `error_code` as OMS (and IAM, and the API gateway in front of them) sends it: `OMS.0057`,
/// `TRF.0058`, `APIGW.0301`. Open: a code this version does not name still decodes and
/// compares. The names below are the codes oms-plan's client, reconciler and sandbox act on;
/// the values are the reference's, exactly.
public struct OMSErrorCode: OpenStringEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    // Requests (appendix: error codes).
    public static let invalidHTTPRequest: Self = "OMS.0004"
    public static let invalidTaskId: Self = "OMS.0054"
    public static let invalidSourceParameters: Self = "OMS.0057"
    public static let invalidDestinationParameters: Self = "OMS.0058"
    public static let taskInProgress: Self = "OMS.0063"
    public static let taskAlreadyStarted: Self = "OMS.0065"
    public static let taskNotInProgress: Self = "OMS.0066"
    public static let notJSON: Self = "OMS.0067"
    public static let taskComplete: Self = "OMS.0070"
    public static let taskQuotaExceeded: Self = "OMS.0077"
    public static let descriptionCharacters: Self = "OMS.0078"
    public static let tooManyBandwidthRules: Self = "OMS.0083"
    public static let bandwidthOutOfRange: Self = "OMS.0084"
    public static let bandwidthRulesOverlap: Self = "OMS.0085"
    public static let invalidTimeSegment: Self = "OMS.0087"
    public static let insufficientPermissions: Self = "OMS.0206"
    public static let failedObjectRecordNotSaved: Self = "OMS.0307"
    public static let internalError: Self = "OMS.1001"
    public static let wrongParameterType: Self = "OMS.1002"
    public static let parameterConstraints: Self = "OMS.1003"
    public static let missingParameter: Self = "OMS.1004"
    public static let noSuchResource: Self = "OMS.1009"
    public static let sourceBucketUnreadable: Self = "OMS.1014"
    public static let invalidSourceBucket: Self = "OMS.1018"
    public static let dailyTaskQuotaExceeded: Self = "OMS.1021"
    public static let groupStateRefuses: Self = "OMS.1036"
    public static let groupQuotaExceeded: Self = "OMS.1037"
    public static let onlyExecutingGroupsPause: Self = "OMS.1038"
    public static let onlyPausedGroupsResume: Self = "OMS.1039"
    public static let onlyFailedGroupsRetry: Self = "OMS.1040"
    public static let busy: Self = "OMS.2004"

    // Migration failure causes (a task's error_reason).
    public static let nothingToMigrate: Self = "TRF.0012"
    public static let listFileMissing: Self = "TRF.0013"
    public static let urlListMalformed: Self = "TRF.0016"
    public static let urlListEmpty: Self = "TRF.0017"
    public static let destinationKeysInvalid: Self = "TRF.0057"
    public static let destinationBucketMissing: Self = "TRF.0058"
    public static let destinationKeyTooLong: Self = "TRF.0060"
    public static let someObjectsFailed: Self = "TRF.0062"
    public static let sourceKeysInvalid: Self = "TRF.0151"
    public static let sourceBucketMissing: Self = "TRF.0155"
    public static let sourceObjectsMissing: Self = "TRF.0156"

    // IAM and the gateway.
    public static let iamInternalError: Self = "IAM.0001"
    public static let iamUnsupportedMethod: Self = "IAM.0003"
    public static let iamWrongPassword: Self = "IAM.0004"
    public static let iamNoProjectAccess: Self = "IAM.0005"
    public static let unauthenticated: Self = "APIGW.0301"

    /// Quota refusals: wait for the window to pass, do not retry now.
    public static let quotaExceeded: Set<Self> = [.taskQuotaExceeded, .groupQuotaExceeded, .dailyTaskQuotaExceeded]

    public static let documented: [Self] = [
        .invalidHTTPRequest, .invalidTaskId, .invalidSourceParameters, .invalidDestinationParameters, .taskInProgress,
        .taskAlreadyStarted, .taskNotInProgress, .notJSON, .taskComplete, .taskQuotaExceeded, .descriptionCharacters,
        .tooManyBandwidthRules, .bandwidthOutOfRange, .bandwidthRulesOverlap, .invalidTimeSegment, .insufficientPermissions,
        .failedObjectRecordNotSaved, .internalError, .wrongParameterType, .parameterConstraints, .missingParameter,
        .noSuchResource, .sourceBucketUnreadable, .invalidSourceBucket, .dailyTaskQuotaExceeded, .groupStateRefuses,
        .groupQuotaExceeded, .onlyExecutingGroupsPause, .onlyPausedGroupsResume, .onlyFailedGroupsRetry, .busy,
        .nothingToMigrate, .listFileMissing, .urlListMalformed, .urlListEmpty, .destinationKeysInvalid,
        .destinationBucketMissing, .destinationKeyTooLong, .someObjectsFailed, .sourceKeysInvalid, .sourceBucketMissing,
        .sourceObjectsMissing,
    ]
}
