import OMSModels

/// Finds secret values written into fields that OMS stores and shows in plain text (a
/// description, a prefix, a bucket name): the CLI masks them in its own output, but sending
/// them would put the secret into OMS, its console and every list call. For commands that
/// send requests (apply, reconcile) that is an error; for validate and diff a warning.
enum SecretsInPlainFields {
    static func check(_ state: DesiredState, sensitive: Set<String>, sending: Bool) -> [Diagnostic] {
        let secrets = sensitive.filter { $0.count >= SecretRedactor.minimumLength }
        guard !secrets.isEmpty else { return [] }
        func holdsSecret(_ text: String?) -> Bool {
            guard let text, !text.isEmpty else { return false }
            return secrets.contains { text.contains($0) }
        }
        var found: [Diagnostic] = []
        func report(_ resource: any DesiredOMSResource, _ fields: [(String, String?)]) {
            for (path, text) in fields where holdsSecret(text) {
                let message = "`\(path)` of `\(resource.address)` holds the value of a secret, which OMS would store and show in plain text"
                found.append(Diagnostic(
                    sending ? .error : .warning, at: resource.location(of: path), message,
                    hint: "secrets belong in Credentials (or a CDN authKey) only; oms-plan masks them in its output but cannot in OMS"))
            }
        }
        for task in state.tasks {
            let r = task.request
            report(task, [
                ("description", task.userDescription), ("source.region", r.srcNode.region), ("source.bucket", r.srcNode.bucket),
                ("source.prefixes", r.srcNode.objectKey?.joined(separator: "\n")), ("source.appId", r.srcNode.appId),
                ("source.listFile", [r.srcNode.listFile?.listFileKey, r.srcNode.listFile?.obsBucket].compactMap { $0 }.joined(separator: "\n")),
                ("source.cdn", r.sourceCdn?.domain), ("destination.bucket", r.dstNode.bucket), ("destination.savePrefix", r.dstNode.savePrefix),
                ("options", r.smnConfig?.topicUrn),
            ])
        }
        for group in state.taskGroups {
            let r = group.request
            report(group, [
                ("description", group.userDescription), ("source.region", r.srcNode.region), ("source.bucket", r.srcNode.bucket),
                ("source.prefixes", r.srcNode.objectKey?.joined(separator: "\n")), ("source.appId", r.srcNode.appId),
                ("source.listFile", [r.srcNode.listFile?.listFileKey, r.srcNode.listFile?.obsBucket].compactMap { $0 }.joined(separator: "\n")),
                ("source.cdn", r.sourceCdn?.domain), ("destination.bucket", r.dstNode.bucket), ("destination.savePrefix", r.dstNode.savePrefix),
                ("options", r.smnConfig?.topicUrn),
            ])
        }
        return found
    }
}
