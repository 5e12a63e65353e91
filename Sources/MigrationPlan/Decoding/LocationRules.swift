import OMSModels

/// What OMS would refuse about a region or a bucket name, found without keys: regions against
/// the table of regions OMS supports per cloud (`RegionCatalog`, the shape of its 6.6.1
/// answer), bucket names against each cloud's naming rules (`BucketNaming`). A PR job with no
/// bucket keys skips pre-flight, so this is where `cn-nort-4` and `Shop_Assets` are caught.
struct LocationRules {
    let ctx: DecodeContext
    /// `--unknown-regions warning`, `OMS_PLAN_UNKNOWN_REGIONS=warning` or
    /// `Stack.spec.unknownRegions: warning`, in that precedence (`LoadOptions.unknownRegionsOverride`):
    /// a region newer than the table is reported as a warning instead of an error.
    let unknownRegionsAreWarnings: Bool
    var catalog: RegionCatalog = .shipped

    /// The stack's `unknownRegions` values.
    static let severities = ["error", "warning"]

    /// Reports `region` when the table lists regions for `cloud` and this is not one of them.
    /// A cloud the table does not know (URLSource, a value newer than oms-plan) is left to OMS.
    /// Returns whether the region was reported.
    @discardableResult
    func checkRegion(_ region: Located<String>, cloud: CloudType, field: String) -> Bool {
        let cloud = cloud.canonical
        guard catalog.knows(cloud), !catalog.contains(region.value, in: cloud) else { return false }
        let known = catalog.regions(of: cloud)
        var hints: [String] = []
        if let near = Suggestion.closest(to: region.value, in: known) {
            hints.append("did you mean `\(near)`?")
        } else {
            let shown = known.prefix(8).map { "`\($0)`" }.joined(separator: ", ")
            hints.append("\(cloud) regions include \(shown)\(known.count > 8 ? ", …" : "") (docs/regions.md says where the full table is).")
        }
        let message = "`\(field)` is `\(region.value)`, which is not a region OMS supports for \(cloud)"
        if unknownRegionsAreWarnings {
            ctx.warning(message + " (a warning: unknown regions are allowed by --unknown-regions, OMS_PLAN_UNKNOWN_REGIONS or `unknownRegions: warning`)",
                        at: region.loc, hint: hints.joined(separator: " "))
        } else {
            hints.append("If the region is newer than oms-plan's table, set `unknownRegions: warning` in the Stack's spec (or pass --unknown-regions warning, or set OMS_PLAN_UNKNOWN_REGIONS=warning, for one run).")
            ctx.error(message, at: region.loc, hint: hints.joined(separator: " "))
        }
        return true
    }

    /// Reports every naming rule of `rules` that `bucket` breaks, in one error at its position.
    func checkBucket(_ bucket: Located<String>, rules: BucketNaming?, field: String) {
        guard let rules else { return }
        let broken = rules.brokenRules(bucket.value)
        guard !broken.isEmpty else { return }
        ctx.error("`\(field)` `\(bucket.value)` is not a valid \(rules.service) bucket name: \(broken.joined(separator: "; "))",
                  at: bucket.loc, hint: "\(rules.service) bucket names are \(rules.summary)")
    }
}
