/// The API reference's task-type rules (OMS.0057 "source fields inconsistent with task
/// type"), checked at validate time with the offending field's position.
extension TaskSpecDecoder {
    func checkTypeRules(_ d: inout TaskDraft, _ spec: Fields, _ rules: some PlanKind) {
        guard let type = d.type?.value else { return }
        let kind = rules.noun
        let source = spec.value("source")
        let sourceOwner = spec.keyLoc("source") ?? spec.owner
        // The key is the offender when a field does not belong; its value when the value is wrong.
        func loc(_ key: String) -> Loc { source?.pair(key)?.keyLoc ?? sourceOwner }
        func has(_ key: String) -> Bool { source?[key] != nil }
        func forbid(_ key: String, _ why: String) {
            if !rules.sourceFields.contains(key) { return }  // refused already (a group's `objects`)
            if has(key) { ctx.error("`source.\(key)` \(why)", at: loc(key)) }
        }
        func require(_ key: String, _ why: String, hint: String? = nil) {
            if source != nil, !has(key) { ctx.error("missing `source.\(key)`: \(why)", at: sourceOwner, hint: hint) }
        }
        let cloud = d.source.cloud?.value
        switch type {
        case "prefix":
            require("prefixes", "a prefix \(kind) migrates the prefixes it lists", hint: "use prefixes: [\"\"] for the whole bucket")
            forbid("objects", "is for `type: object`; a prefix \(kind) uses `prefixes`")
            forbid("listFile", "is for `type: list` and `type: url_list`")
        case "object":
            require("objects", "an object task migrates the keys it lists")
            forbid("prefixes", "is for `type: prefix`; an object task uses `objects`")
            forbid("listFile", "is for `type: list` and `type: url_list`")
        case "list", "url_list":
            require("listFile", "a \(type) \(kind) reads its keys from list files in OBS")
            forbid("prefixes", "is for `type: prefix`, not `\(type)`")
            forbid("objects", "is for `type: object`, not `\(type)`")
        default: break
        }
        if type == "url_list" {
            if let c = d.source.cloud, c.value != "URLSource" {
                ctx.error("a url_list \(kind) must have `cloud: URLSource`, found `\(c.value)`", at: c.loc)
            }
            for key in ["bucket", "appId", "cdn"] {
                forbid(key, "is not used by url_list \(kind)s, which fetch the URLs in the list file")
            }
        } else {
            if let c = d.source.cloud, c.value == "URLSource" {
                ctx.error("`cloud: URLSource` is only for `type: url_list`", at: c.loc)
            }
            require("region", "the source bucket's region")
            require("bucket", "the source bucket")
            require("credentials", "the name of the Credentials that read the source bucket")
            if cloud == "Tencent" {
                require("appId", "Tencent Cloud buckets need the account's APPID", hint: "e.g. appId: \"1250000000\"")
            } else if has("appId") {
                ctx.error("`source.appId` is only for `cloud: Tencent`", at: loc("appId"))
            }
        }
    }
}

/// Secret values (Credentials fields, CDN keys) must come from `${env:}` or `${file:}`.
struct SecretDecoder {
    let ctx: DecodeContext

    /// The secret, resolved if possible; nil (after reporting) when written as a literal or
    /// otherwise invalid. An unset variable or unreadable file is a warning for validate and
    /// diff, an error when secrets are required (apply).
    func decode(_ node: PNode, path: String) -> SecretValue? {
        guard let text = node.stringValue else {
            ctx.error("`\(path)` must be a string reference such as `${env:NAME}`, found \(node.kindDescription)", at: node.loc)
            return nil
        }
        // Never echo the value: it may be a real key pasted by mistake.
        let literalHint = "secrets never go into a plan: write `${env:NAME}` or `${file:PATH}` and provide the value at run time"
        guard Interpolation.mayContainReference(text), case .success(let parts) = Interpolation.parse(text) else {
            if case .failure(let e) = Interpolation.parse(text), text.contains("${") {
                ctx.error(e.message, at: node.loc, hint: e.hint)
            } else {
                ctx.error("`\(path)` is a literal secret", at: node.loc, hint: literalHint)
            }
            return nil
        }
        guard parts.count == 1, case .reference(let ref) = parts[0] else {
            ctx.error("`\(path)` must be exactly one `${env:}` or `${file:}` reference, without literal text around it",
                      at: node.loc, hint: literalHint)
            return nil
        }
        switch ref {
        case .env(let name, let defaultValue?) where !defaultValue.isEmpty:
            // Only an empty default ("no value") is allowed: any other is a secret in the plan.
            ctx.error("`\(path)` gives `${env:\(name)}` a default, which is a secret written into the plan", at: node.loc,
                      hint: "write `${env:\(name)}` and set the variable where the plan runs (`:-` with nothing after it means \"no value\")")
            return nil
        case .env, .file: break
        case .variable:
            ctx.error("`\(path)` takes a secret from a plan variable, which is plain text in the plan", at: node.loc,
                      hint: "use `${env:NAME}` or `${file:PATH}` for secrets")
            return nil
        case .item:
            ctx.error("`\(path)` cannot come from a task set item", at: node.loc, hint: literalHint)
            return nil
        }
        switch ctx.resolve(ref, at: node.loc) {
        case .success(let value):
            ctx.noteSecret(value, reference: ref.text, at: node.loc)
            return SecretValue(reference: ref.text, value: value)
        case .failure(let e) where e.isPolicy:
            ctx.error("secret `\(path)` cannot be read: \(e.message)", at: node.loc, hint: e.hint)
            return nil
        case .failure(let e) where ctx.placeholderForUnsetSecrets:
            // The embedded sandbox accepts any key: stand in for the unset one (said by the CLI).
            let value = "sandbox-placeholder-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            ctx.placeholders.insert(ref.text)
            _ = e
            return SecretValue(reference: ref.text, value: value)
        case .failure(let e):
            let message = "secret `\(path)` is unavailable: \(e.message)"
            if ctx.secretsRequired {
                // Whatever the variable's name, this field refuses a default: never suggest one.
                let hint = if case .env(let name, _) = ref { SensitiveNames.unsetHint(name) } else { e.hint }
                ctx.error(message, at: node.loc, hint: hint)
            } else {
                ctx.warning(message, at: node.loc, hint: "validate and diff go on without it; apply will need it")
            }
            return SecretValue(reference: ref.text, value: nil)
        }
    }
}
