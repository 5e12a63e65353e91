import Crypto
import Foundation
import OMSModels

/// Canonical forms and fingerprints.
///
/// The fingerprint is the first 8 hex digits of the SHA-256 of the sorted-keys JSON of the
/// secret-free create body, with OMS's documented defaults filled in, and with these left
/// out: the ownership marker (the description keeps only the user's text), `bandwidth_policy`
/// and `task_priority` (both updated in place), credentials and the CDN key (never returned
/// by OMS, rotating them is no change). Management fields (state, onFailure, dependsOn,
/// replaceOnChange, adopt, labels) are not part of the OMS object and are left out too. So
/// the fingerprint changes exactly when a field changes that OMS cannot update in place.
enum Fingerprint {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    static func hex8(_ data: Data) -> String {
        let digest = SHA256.hash(data: data)
        return digest.prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    static func task(_ request: CreateTaskReq, userDescription: String?, encoder: JSONEncoder) -> String {
        var r = request
        r.description = userDescription
        r.bandwidthPolicy = nil
        r.taskPriority = nil
        return hex8((try? encoder.encode(r)) ?? Data())
    }

    static func group(_ request: CreateTaskGroupReq, userDescription: String?, encoder: JSONEncoder) -> String {
        var r = request
        r.description = userDescription
        r.bandwidthPolicy = nil
        return hex8((try? encoder.encode(r)) ?? Data())
    }

    /// The canonical form of a resource: sorted-keys JSON of its secret-free body (user
    /// description, evaluation-day bandwidth rules) and the management fields.
    static func canonical<Body: Encodable>(
        address: ResourceAddress, body: Body, userDescription: String?, state: DesiredRunState,
        onFailure: FailurePolicy, dependsOn: [ResourceAddress], replaceOnChange: Bool, adoptID: String?,
        bandwidth: BandwidthSource, encoder: JSONEncoder
    ) -> String {
        let bw: String? = switch bandwidth {
        case .none: nil
        case .inline: "inline"
        case .schedule(let n): "BandwidthSchedule/\(n)"
        }
        let value = CanonicalForm(address: address, request: body, management: CanonicalManagement(
            state: state, onFailure: onFailure, dependsOn: dependsOn, replaceOnChange: replaceOnChange,
            adoptId: adoptID, bandwidth: bw))
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

private struct CanonicalManagement: Encodable {
    var state: DesiredRunState
    var onFailure: FailurePolicy
    var dependsOn: [ResourceAddress]
    var replaceOnChange: Bool
    var adoptId: String?
    var bandwidth: String?
}

private struct CanonicalForm<B: Encodable>: Encodable {
    var address: ResourceAddress
    var request: B
    var management: CanonicalManagement
}
