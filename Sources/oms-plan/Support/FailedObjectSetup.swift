import Foundation
import OMSClient
import Reconciler

extension Session {
    /// How this session reads OMS's failed-object lists over OBS (see docs/failed-objects.md):
    ///
    /// - `OMS_OBS_ENDPOINT` (e.g. `http://127.0.0.1:9000`, what `sandbox serve --obs-port 9000`
    ///   serves), path-style, signed with each resource's destination Credentials;
    /// - the embedded sandbox: its OBS port, signed with the keys it made up for the run;
    /// - otherwise the destination region's public endpoint, `https://<bucket>.obs.<region>.myhuaweicloud.com`,
    ///   with the destination Credentials, unless OMS itself is on this machine (a served
    ///   sandbox): its OBS API is not the public one, so without `OMS_OBS_ENDPOINT` nothing is read.
    ///
    /// Throws when `OMS_OBS_ENDPOINT` is not a usable URL.
    func failedObjectAccess(parallelism: Int = 8) throws -> FailedObjectAccess? {
        let keys = sandbox.map { (accessKey: $0.configuration.accessKey, secretKey: $0.configuration.secretKey) }
        var access = try FailedObjectAccess.resolve(
            environment: ProcessInfo.processInfo.environment, sandboxOBSEndpoint: sandbox?.obsEndpoint, sandboxKeys: keys)
        if access.endpoint == .huaweiCloud, Self.isLocal(client.configuration.endpoint) { return nil }
        access.parallelism = max(1, parallelism)
        access.requestTimeout = client.configuration.requestTimeout
        // The plan's acceptFailures: status counts the objects they match as accepted.
        let desired = self.desired
        access.acceptances = { desired.acceptances(of: $0) }
        return access
    }

    /// The reconciler, reading failed lists too; a bad `OMS_OBS_ENDPOINT` is said once and
    /// then no list is read (it never stops a command).
    func reconcilerReadingFailedObjects(parallelism: Int = 8) -> StackReconciler {
        var reconciler = self.reconciler
        do {
            reconciler.failedObjects = try failedObjectAccess(parallelism: parallelism)
        } catch {
            Console.note("\(error); failed objects are not read")
        }
        return reconciler
    }

    static func isLocal(_ endpoint: String) -> Bool {
        guard let host = URLComponents(string: endpoint)?.host?.lowercased() else { return false }
        return host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
