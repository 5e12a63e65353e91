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
///
/// Never change what a scheme computes: every resource oms-plan created carries its
/// fingerprint, and a different value would make all of them replacements after an upgrade.
/// Goldens pin scheme 1 (`Tests/MigrationPlanTests/Identity`); a new field, default or
/// encoding goes into a new scheme, and markers say which scheme they were computed with.
public enum Fingerprint {
    public enum Scheme: Int, Sendable, CaseIterable {
        case v1 = 1
        /// What new markers are written with.
        public static let current = Scheme.v1
    }

    /// Fields of a create body that scheme 1 leaves out: updated in place (bandwidth,
    /// priority) or secrets (never returned, so rotating them is no change). The description
    /// counts with the user's text only. Every other field of the body is identity.
    public static let excludedTaskFields: Set<String> = [
        "bandwidth_policy", "task_priority", "ak", "sk", "security_token", "json_auth_file", "authentication_key",
    ]
    public static let excludedGroupFields: Set<String> = ["bandwidth_policy", "ak", "sk", "json_auth_file", "authentication_key"]
    /// A synchronization task updates nothing in place: only its keys are left out.
    public static let excludedSyncTaskFields: Set<String> = ["src_ak", "src_sk", "dst_ak", "dst_sk", "authentication_key"]

    static func hex8(_ text: String) -> String {
        var text = text
        let digest = text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for b in digest.prefix(4) { out += [hex[Int(b >> 4)], hex[Int(b & 15)]] }
        return String(decoding: out, as: UTF8.self)
    }

    static func json(_ value: CanonicalJSON.Value) -> String {
        var w = CanonicalJSON()
        w.write(value)
        return w.text
    }

    /// Identity of a task: see the type's comment for what is left out.
    static func task(_ request: CreateTaskReq, userDescription: String?) -> String {
        var r = request
        r.description = userDescription
        r.bandwidthPolicy = nil
        r.taskPriority = nil
        return hex8(RequestJSON.task(r))
    }

    static func group(_ request: CreateTaskGroupReq, userDescription: String?) -> String {
        var r = request
        r.description = userDescription
        r.bandwidthPolicy = nil
        return hex8(RequestJSON.group(r))
    }

    /// Identity of a synchronization task: every field but the keys (the request never holds
    /// them: the graph keeps secrets apart), with the user's description.
    static func syncTask(_ request: CreateSyncTaskReq, userDescription: String?) -> String {
        var r = request
        r.description = userDescription
        (r.srcAk, r.srcSk, r.dstAk, r.dstSk) = (nil, nil, nil, nil)
        r.sourceCdn?.authenticationKey = nil
        return hex8(RequestJSON.syncTask(r))
    }

    /// The canonical form of a resource: sorted-keys JSON of its address, its secret-free
    /// body (user description, evaluation-day bandwidth rules) and its management fields.
    static func canonical(
        address: ResourceAddress, body: String, state: DesiredRunState, onFailure: FailurePolicy,
        dependsOn: [ResourceAddress], replaceOnChange: Bool, adoptID: String?, bandwidth: BandwidthSource
    ) -> String {
        let bw: String? = switch bandwidth {
        case .none: nil
        case .inline: "inline"
        case .schedule(let n): "BandwidthSchedule/\(n)"
        }
        return json(.object([
            ("address", .string(address.description)),
            ("request", .raw(body)),
            ("management", .object([
                ("state", .string(state.rawValue)),
                ("onFailure", .object([("action", .string(onFailure.action.rawValue)), ("maxAttempts", .int(Int64(onFailure.maxAttempts)))])),
                ("dependsOn", .array(dependsOn.map { .string($0.description) })),
                ("replaceOnChange", .bool(replaceOnChange)),
                ("adoptId", .str(adoptID)),
                ("bandwidth", .str(bw)),
            ])),
        ]))
    }
}
