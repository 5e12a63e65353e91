import Foundation
import OMSModels
/// The decoded Stack document.
struct StackInfo: Sendable {
    var name: String
    var region: String
    var projectId: String?
    var prune: Bool
    var serviceTimezone: ScheduleTimeZone
    var defaults: PNode?
    var declLoc: Loc
    /// When the whole stack should be done (`spec.deadline`).
    var deadline: Date? = nil
    /// `spec.unknownRegions: warning` (or the loader's option): regions newer than the table warn.
    var unknownRegionsAreWarnings = false
    /// `spec.suspend` and `spec.freezes` (Decoding/HoldDecoder.swift).
    var suspension: Suspension? = nil
    var freezes: [ChangeFreeze] = []
}

struct CredentialsInfo: Sendable {
    var secrets: CredentialSecrets
    var declLoc: Loc
    var hasAccessKey: Bool
}

/// Stack and Credentials specs.
struct ResourceDecoders {
    let ctx: DecodeContext
    static let defaultServiceTimezone = "+08:00"

    /// Decodes the Stack; variables are resolved first (into `ctx.variables`) because
    /// everything else may use them.
    func stack(_ doc: RawDocument) -> StackInfo? {
        guard let spec = doc.spec,
            let f = Fields(spec, path: "spec", owner: doc.specOwner, allowed: SpecFields.stack, ctx: ctx)
        else { return nil }
        if let vars = f.value("variables") {
            if let pairs = vars.pairs {
                for p in pairs {
                    guard Interpolation.isIdentifier(p.key[...]) else {
                        ctx.error("invalid variable name `\(p.key)`", at: p.keyLoc, hint: "variable names are letters, digits and _")
                        continue
                    }
                    guard case .scalar(let s) = p.value.value, s.type != .null else {
                        ctx.error("variable `\(p.key)` must be a string, found \(p.value.kindDescription)", at: p.value.loc)
                        ctx.brokenVariables.insert(p.key)
                        continue
                    }
                    let text = s.type == .string ? ctx.interpolate(s.text, at: p.value.loc, allowVariables: false) : s.text
                    if let text { ctx.variables[p.key] = text } else { ctx.brokenVariables.insert(p.key) }
                }
            } else {
                ctx.error("`spec.variables` must be a mapping, found \(vars.kindDescription)", at: vars.loc)
            }
        }
        let severity = f.choice("unknownRegions", LocationRules.severities)
        let warnOnUnknownRegions = ctx.unknownRegionsAsWarnings ?? (severity?.value == "warning")
        let region = f.string("region", required: true)
        if let r = region, !(1...100).contains(r.value.count) || r.value.contains(" ") {
            ctx.error("`spec.region` must be an OMS region such as `cn-north-4`, found `\(r.value)`", at: r.loc)
        } else if let r = region {
            // The stack's region is where OMS runs and where every destination bucket is.
            LocationRules(ctx: ctx, unknownRegionsAreWarnings: warnOnUnknownRegions).checkRegion(r, cloud: .huaweiCloud, field: "spec.region")
        }
        var projectId: String?
        if let v = f.value("projectId") {
            // Like a secret: CI without the variable still validates; OMS-facing commands also
            // take --project-id and OMS_PROJECT_ID.
            if let text = v.stringValue, text.contains("${"), case .success(let parts) = Interpolation.parse(text),
                parts.count == 1, case .reference(let ref) = parts[0], case .env = ref
            {
                switch ctx.resolve(ref, at: v.loc) {
                case .success(let value): projectId = value
                case .failure(let e):
                    ctx.warning("`spec.projectId` is unavailable: \(e.message)", at: v.loc,
                                hint: "commands that talk to OMS need it, or --project-id / OMS_PROJECT_ID")
                }
            } else {
                projectId = f.string("projectId")?.value
            }
        }
        let prune = f.bool("prune")?.value ?? false
        var zone = ScheduleTimeZone(Self.defaultServiceTimezone)!
        if let tz = f.string("serviceTimezone") {
            if let z = ScheduleTimeZone(tz.value) { zone = z } else {
                ctx.error("unknown time zone `\(tz.value)` in `spec.serviceTimezone`", at: tz.loc,
                          hint: "use an offset such as `+08:00` or an IANA name such as `Asia/Shanghai`")
            }
        }
        var defaults: PNode?
        if let d = f.value("defaults") {
            if d.pairs == nil {
                ctx.error("`spec.defaults` must be a mapping, found \(d.kindDescription)", at: d.loc)
            } else {
                _ = Fields(d, path: "spec.defaults", allowed: SpecFields.defaults, ctx: ctx, explain: { key in
                    key == "deadline" ? "`deadline` cannot be a default: write `spec.deadline` on the Stack for the whole stack, or on a resource"
                        : key == "acceptFailures"
                        ? "`acceptFailures` cannot be a default: accepting failed objects is a decision about one resource, so write it in that resource (or a task set)"
                        : key == "suspend"
                        ? "`suspend` cannot be a default: write `spec.suspend` on the Stack to suspend every resource, or on each resource"
                        : key == "adopt" || key == "dependsOn"
                        ? "`\(key)` cannot be a default: it names one resource, so write it in that resource" : nil
                })
                defaults = d
            }
        }
        guard let region else { return nil }
        let deadline = DeadlineField.decode(f, path: "spec", ctx: ctx)
        let holds = HoldDecoder(ctx: ctx)
        return StackInfo(name: doc.address.name, region: region.value, projectId: projectId, prune: prune,
                         serviceTimezone: zone, defaults: defaults, declLoc: doc.nameLoc, deadline: deadline,
                         unknownRegionsAreWarnings: warnOnUnknownRegions, suspension: holds.suspension(f),
                         freezes: holds.freezes(f, serviceZone: zone))
    }

    func credentials(_ doc: RawDocument) -> CredentialsInfo? {
        guard let spec = doc.spec,
            let f = Fields(spec, path: "spec", owner: doc.specOwner, allowed: SpecFields.credentials, ctx: ctx)
        else { return nil }
        let secrets = SecretDecoder(ctx: ctx)
        func get(_ key: String) -> SecretValue? { f.value(key).flatMap { secrets.decode($0, path: "spec.\(key)") } }
        let c = CredentialSecrets(name: doc.address.name, accessKey: get("accessKey"), secretKey: get("secretKey"),
                                  securityToken: get("securityToken"), jsonAuthFile: get("jsonAuthFile"))
        let ak = f.has("accessKey"), sk = f.has("secretKey")
        if ak != sk {
            f.missing(ak ? "secretKey" : "accessKey", hint: "access keys come in pairs: accessKey and secretKey")
        } else if !ak && !f.has("jsonAuthFile") {
            ctx.error("Credentials need `accessKey` and `secretKey`, or `jsonAuthFile`", at: doc.specOwner)
        }
        if f.has("securityToken") && !ak {
            ctx.error("`securityToken` belongs with `accessKey` and `secretKey`", at: f.keyLoc("securityToken") ?? doc.specOwner)
        }
        return CredentialsInfo(secrets: c, declLoc: doc.nameLoc, hasAccessKey: ak)
    }
}
