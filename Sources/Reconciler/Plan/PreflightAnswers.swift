import Crypto
import Foundation
import OMSClient
import OMSModels

/// The two questions pre-flight asks OMS, and where their answers come from. `Preflight`
/// decides what an answer means for a change; an answerer only decides how many requests it
/// takes to get it (`DirectPreflightAnswers`: one per question, as every check once did;
/// `SharedPreflightAnswers`: once per distinct subject, prefixes through parent listings).
protocol PreflightAnswers: Sendable {
    /// Where `question.bucket` is (ShowBucketRegion, 6.4.4).
    func region(_ question: RegionQuestion) async -> RegionAnswer
    /// Whether any object key starts with `question.key` (CheckPrefix, 6.4.5, or a listing).
    func prefix(_ question: PrefixQuestion) async -> PrefixAnswer
}

/// A bucket in one region as one set of keys reaches it: what both questions name.
struct BucketAccess: Sendable {
    var cloud: CloudType
    /// The region the plan says (part of the subject: two plans' worth of claims, two answers).
    var region: String
    var bucket: String
    var ak: String?
    var sk: String?
    /// A temporary key's token; never in a region question (ShowBucketRegion takes none).
    var token: String? = nil
    var appId: String? = nil

    var subject: BucketSubject {
        BucketSubject(cloud: cloud.rawValue, region: region, bucket: bucket, appId: appId, credentials: .init(ak, sk, token))
    }
}

/// A bucket's region, asked with one set of keys.
struct RegionQuestion: Sendable {
    var access: BucketAccess

    var request: ShowBucketRegionReq {
        ShowBucketRegionReq(cloudType: access.cloud, bucketName: access.bucket, ak: access.ak, sk: access.sk, appId: access.appId)
    }

    var subject: BucketSubject { access.subject }
}

/// Objects under a key, asked with one set of keys in one region.
struct PrefixQuestion: Sendable {
    var access: BucketAccess
    var key: String

    var request: CheckPrefixReq {
        CheckPrefixReq(cloudType: access.cloud, bucketName: access.bucket, fileName: key, dataCenter: access.region, ak: access.ak,
                       sk: access.sk, appId: access.appId, securityToken: access.token)
    }

    var subject: BucketSubject { access.subject }
}

enum RegionAnswer: Sendable, Equatable {
    /// OMS's `id` for the bucket's region (nil or empty when it did not say).
    case located(String?)
    /// A definite refusal (`Preflight.isDefinite`), described.
    case refused(String)
    /// OMS could not answer now (busy, unreachable), described.
    case inconclusive(String)
}

enum PrefixAnswer: Sendable, Equatable {
    case exists
    case absent
    case refused(String)
    case inconclusive(String)

    init(_ error: OMSClientError) {
        self = Preflight.isDefinite(error) ? .refused(Preflight.describe(error)) : .inconclusive(Preflight.describe(error))
    }
}

/// What makes two questions the same question: cloud, region, bucket, app id and the keys, the
/// keys only as a digest (the subject is kept for the whole run and must not hold them).
struct BucketSubject: Hashable, Sendable {
    var cloud: String
    var region: String
    var bucket: String
    var appId: String?
    var credentials: CredentialsDigest
}

/// SHA-256 of the access key, secret key and security token, each length-prefixed so that
/// moving bytes from one to the next gives another digest. Compared, never shown.
struct CredentialsDigest: Hashable, Sendable {
    private let bytes: [UInt8]

    init(_ ak: String?, _ sk: String?, _ token: String?) {
        var hasher = SHA256()
        for part in [ak, sk, token] {
            guard let part else {
                hasher.update(data: [0xFF])
                continue
            }
            var length = UInt64(part.utf8.count).bigEndian
            withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
            hasher.update(data: Array(part.utf8))
        }
        bytes = Array(hasher.finalize())
    }
}

/// One request per question, in the order asked: the plain way, kept as the reference the
/// shared answers are tested against (`PreflightStrategyTests`).
struct DirectPreflightAnswers: PreflightAnswers {
    let client: OMSClient

    func region(_ question: RegionQuestion) async -> RegionAnswer {
        do {
            return .located(try await client.showBucketRegion(question.request).id)
        } catch {
            return Preflight.isDefinite(error) ? .refused(Preflight.describe(error)) : .inconclusive(Preflight.describe(error))
        }
    }

    func prefix(_ question: PrefixQuestion) async -> PrefixAnswer {
        do {
            return try await client.checkPrefix(question.request).exist == true ? .exists : .absent
        } catch {
            return PrefixAnswer(error)
        }
    }
}
