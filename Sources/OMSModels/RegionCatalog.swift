import Foundation

/// The regions OMS supports for each source cloud and for Huawei Cloud, as data.
///
/// The table is `Regions/oms-regions.json`, in exactly the shape of OMS's answer to
/// `GET /v2/{project_id}/objectstorage/data-center` (reference 6.6.1: an array of
/// `ShowRegionInfoResp`), embedded in the binary. `scripts/refresh_regions.py` rewrites it from
/// a real OMS (docs/regions.md). The plan's validation and the sandbox's `data-center` answer
/// both read this one table, so the two cannot disagree.
public struct RegionCatalog: Sendable {
    /// The table as OMS answers it, in its order.
    public let answer: [ShowRegionInfoResp]
    /// Region names by folded cloud type (case and `_` ignored, as `CloudType.sameValue`).
    private let byCloud: [String: [String]]
    private let sets: [String: Set<String>]

    public init(answer: [ShowRegionInfoResp]) {
        self.answer = answer
        var byCloud: [String: [String]] = [:]
        for service in answer {
            for region in service.regionList ?? [] {
                // A region names its cloud in `cloud_type`; `service_name` is the fallback.
                guard let value = region.value, let cloud = region.cloudType ?? service.serviceName else { continue }
                let key = CloudType.foldKey(cloud)
                if !(byCloud[key]?.contains(value) ?? false) { byCloud[key, default: []].append(value) }
            }
        }
        self.byCloud = byCloud
        self.sets = byCloud.mapValues(Set.init)
    }

    /// The table shipped in the binary. A table that does not decode is a build defect that
    /// the catalog tests catch; at run time it reads as empty rather than crashing a command.
    public static let shipped: RegionCatalog = {
        let answer = (try? JSONDecoder().decode([ShowRegionInfoResp].self, from: Data(PackageResources.oms_regions_json))) ?? []
        return RegionCatalog(answer: answer)
    }()

    /// Whether the table lists any region for `cloud` (URLSource has none).
    public func knows(_ cloud: CloudType) -> Bool { byCloud[CloudType.foldKey(cloud.rawValue)] != nil }

    /// The regions of `cloud`, in the table's order.
    public func regions(of cloud: CloudType) -> [String] { byCloud[CloudType.foldKey(cloud.rawValue)] ?? [] }

    /// Whether `region` is one OMS lists for `cloud`. Exact, as OMS compares: `CN-NORTH-4`
    /// is not `cn-north-4`.
    public func contains(_ region: String, in cloud: CloudType) -> Bool {
        sets[CloudType.foldKey(cloud.rawValue)]?.contains(region) ?? false
    }

    /// The entries of `cloud` (value and description) as OMS answers them.
    public func entries(of cloud: CloudType) -> [RegionInfo] {
        answer.flatMap { service in
            (service.regionList ?? []).filter { info in
                (info.cloudType ?? service.serviceName).map { CloudType.foldKey($0) == CloudType.foldKey(cloud.rawValue) } ?? false
            }
        }
    }
}
