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

    // Each kind's scheme-1 function and the fields it leaves out live with the kind (Kinds/).

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
