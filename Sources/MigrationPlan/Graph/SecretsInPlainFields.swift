import OMSModels

/// Finds secret values written into fields that OMS stores and shows in plain text (a
/// description, a prefix, a bucket name): the CLI masks them in its own output, but sending
/// them would put the secret into OMS, its console and every list call. For commands that
/// send requests (apply, reconcile) that is an error; for validate and diff a warning.
enum SecretsInPlainFields {
    static func check(_ state: DesiredState, sensitive: Set<String>, sending: Bool) -> [Diagnostic] {
        // One automaton for all secrets: each text is read once however many there are (3,000
        // Credentials made this check a second of diff when each secret was searched alone).
        let secrets = ByteMatcher(patterns: sensitive.filter { $0.utf8.count >= SecretRedactor.minimumLength }.map { Array($0.utf8) })
        guard !secrets.isEmpty else { return [] }
        // Resources are independent: checked on several threads (10,000 tasks took 15 ms on
        // one, while everything after loading waited), findings reported in address order.
        let found = Parallel.map(chunksOf: Array(state.resources.values), minimumChunk: 256) { resources in
            resources.compactMap { findings($0, secrets: secrets, sending: sending) }
        }
        return found.joined().sorted { $0.address < $1.address }.flatMap(\.diagnostics)
    }

    /// The fields of one resource that hold a secret, if any.
    private static func findings(_ resource: DesiredResource, secrets: ByteMatcher, sending: Bool)
        -> (address: ResourceAddress, diagnostics: [Diagnostic])?
    {
        func holdsSecret(_ text: String?) -> Bool {
            guard let text, !text.isEmpty else { return false }
            return secrets.occurs(in: text)
        }
        func report<Resource: DesiredOMSResource>(_ resource: Resource, _ fields: [(String, String?)])
            -> (address: ResourceAddress, diagnostics: [Diagnostic])?
        {
            // One look at all the fields first: almost always there is nothing to find.
            let all = fields.compactMap(\.1).joined(separator: "\n")
            guard holdsSecret(all) else { return nil }
            var diagnostics: [Diagnostic] = []
            for (path, text) in fields where holdsSecret(text) {
                let message = "`\(path)` of `\(resource.address)` holds the value of a secret, which OMS would store and show in plain text"
                diagnostics.append(Diagnostic(
                    sending ? .error : .warning, at: resource.location(of: path), message,
                    hint: "secrets belong in Credentials (or a CDN authKey) only; oms-plan masks them in its output but cannot in OMS"))
            }
            return (resource.address, diagnostics)
        }
        // The fields each kind sends as text, by plan path (tasks and groups have the same ones,
        // read through `CreateBody`).
        func plainFields(
            description: String?, region: String?, bucket: String?, keys: [String]?, appId: String?, listFile: ListFile?,
            cdn: SourceCdnReq?, dstBucket: String?, savePrefix: String?, smn: SmnConfig?
        ) -> [(String, String?)] {
            [
                ("description", description), ("source.region", region), ("source.bucket", bucket),
                ("source.prefixes", keys?.joined(separator: "\n")), ("source.appId", appId),
                ("source.listFile", [listFile?.listFileKey, listFile?.obsBucket].compactMap { $0 }.joined(separator: "\n")),
                ("source.cdn", cdn?.domain), ("destination.bucket", dstBucket), ("destination.savePrefix", savePrefix),
                ("options", smn?.topicUrn),
            ]
        }
        func createBodyFields<Body: CreateBody>(_ description: String?, _ r: Body) -> [(String, String?)] {
            plainFields(
                description: description, region: r.srcNode.region, bucket: r.srcNode.bucket, keys: r.srcNode.objectKey,
                appId: r.srcNode.appId, listFile: r.srcNode.listFile, cdn: r.sourceCdn, dstBucket: r.dstNode.bucket,
                savePrefix: r.dstNode.savePrefix, smn: r.smnConfig)
        }
        switch resource {
        case .task(let task):
            return report(task, createBodyFields(task.userDescription, task.request))
        case .taskGroup(let group):
            return report(group, createBodyFields(group.userDescription, group.request))
        case .syncTask(let sync):
            let r = sync.request
            return report(sync, plainFields(
                description: sync.userDescription, region: r.srcRegion, bucket: r.srcBucket, keys: nil, appId: r.appId,
                listFile: nil, cdn: r.sourceCdn, dstBucket: r.dstBucket, savePrefix: nil, smn: nil))
        default:
            return nil
        }
    }
}
