import Foundation
import OMSModels
import Testing
@testable import MigrationPlan

/// The table of regions OMS supports (`Sources/OMSModels/Regions/oms-regions.json`) and the
/// checks `validate` makes with it and with each cloud's bucket naming rules (issue 23, part 2).
/// One located case per rule is in the corpus (`scripts/gen_corpus.py`, `region-*`, `bucket-*`).
@Suite struct RegionTableTests {
    static let catalog = RegionCatalog.shipped

    /// The reference's example answer to 6.6.1 (its JSON, as the client's model fixtures keep it).
    static func referenceExample() throws -> [ShowRegionInfoResp] {
        let url = URL(fileURLWithPath: TestSupport.root + "/Tests/OMSClientTests/Fixtures/examples/listRegions.response.json")
        return try JSONDecoder().decode([ShowRegionInfoResp].self, from: Data(contentsOf: url))
    }

    @Test func tableHoldsEveryRegionOfTheReferenceExample() throws {
        let example = try Self.referenceExample()
        let regions = example.flatMap { $0.regionList ?? [] }
        #expect(regions.count == 15)
        for region in regions {
            let cloud = CloudType(rawValue: try #require(region.cloudType))
            #expect(Self.catalog.contains(try #require(region.value), in: cloud), "\(cloud) \(region.value ?? "")")
        }
    }

    /// The file is OMS's answer as it is: the reference's field names and nothing else, so a
    /// refresh from a real OMS (`scripts/refresh_regions.py`) writes the same shape.
    @Test func tableHasTheShapeOfTheDataCenterAnswer() throws {
        let url = URL(fileURLWithPath: TestSupport.root + "/Sources/OMSModels/Regions/oms-regions.json")
        let raw = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        #expect(!raw.isEmpty)
        for service in raw {
            #expect(Set(service.keys) == ["service_name", "region_list"])
            for region in try #require(service["region_list"] as? [[String: Any]]) {
                #expect(Set(region.keys) == ["cloud_type", "value", "description"])
                #expect(region["cloud_type"] as? String == service["service_name"] as? String)
            }
        }
        // Every cloud a plan can name has regions, except URLSource, which has none.
        for cloud in CloudType.documented where cloud != .urlSource {
            #expect(Self.catalog.knows(cloud), "\(cloud) has no regions in the table")
        }
        #expect(!Self.catalog.knows(.urlSource))
    }

    /// Validation reads the same table: every Huawei Cloud region of it is a valid stack
    /// region, and every Aliyun region a valid source region; one letter off is refused.
    @Test func validationAcceptsExactlyTheTable() {
        for region in Self.catalog.regions(of: .huaweiCloud) {
            let stack = TestSupport.stack.replacingOccurrences(of: "region: cn-north-4", with: "region: \(region)")
            let result = TestSupport.load(["stack.yaml": stack, "credentials.yaml": TestSupport.credentials, "t.yaml": task(region: "cn-hangzhou")],
                                          env: TestSupport.env)
            #expect(result.diagnostics.errors.isEmpty, "\(region): \(result.diagnostics.errors.map(\.rendered))")
        }
        for region in Self.catalog.regions(of: .aliyun) {
            let result = load(task(region: region))
            #expect(result.diagnostics.errors.isEmpty, "\(region): \(result.diagnostics.errors.map(\.rendered))")
        }
        let refused = load(task(region: "cn-hangzhou-x"))
        #expect(refused.diagnostics.errors.count == 1)
    }

    @Test func stackSettingLowersAnUnknownRegionToAWarning() throws {
        let stack = TestSupport.stack + "  unknownRegions: warning\n"
        let result = TestSupport.load(["stack.yaml": stack, "credentials.yaml": TestSupport.credentials, "t.yaml": task(region: "cn-hangzhou-9")],
                                      env: TestSupport.env)
        #expect(result.diagnostics.errors.isEmpty, "\(result.diagnostics.errors.map(\.rendered))")
        #expect(result.desiredState != nil)
        let warning = try #require(result.diagnostics.warnings.first { $0.message.contains("cn-hangzhou-9") })
        #expect(warning.file == "plan/t.yaml" && warning.line == 6, "\(warning.rendered)")
        #expect(warning.hint?.contains("did you mean `cn-hangzhou`?") == true)
    }

    @Test func loadOptionLowersAnUnknownRegionToAWarning() {
        let files = ["stack.yaml": TestSupport.stack.replacingOccurrences(of: "cn-north-4", with: "cn-north-99"),
                     "credentials.yaml": TestSupport.credentials, "t.yaml": task(region: "cn-hangzhou")]
        let strict = TestSupport.load(files, env: TestSupport.env)
        #expect(strict.diagnostics.errors.count == 1)
        let lenient = PlanLoader.load(paths: ["plan"], options: LoadOptions(
            environment: .inMemory(files: Dictionary(uniqueKeysWithValues: files.map { ("plan/" + $0.key, $0.value) }), variables: TestSupport.env),
            evaluationDate: TestSupport.tuesday, unknownRegionsAsWarnings: true))
        #expect(lenient.diagnostics.errors.isEmpty, "\(lenient.diagnostics.errors.map(\.rendered))")
        #expect(lenient.diagnostics.warnings.contains { $0.message.contains("cn-north-99") })
    }

    @Test func environmentVariableLowersAnUnknownRegionToAWarning() {
        let files = ["stack.yaml": TestSupport.stack, "credentials.yaml": TestSupport.credentials, "t.yaml": task(region: "cn-hangzhou-9")]
        var env = TestSupport.env
        env["OMS_PLAN_UNKNOWN_REGIONS"] = "warning"
        let lenient = TestSupport.load(files, env: env)
        #expect(lenient.diagnostics.errors.isEmpty, "\(lenient.diagnostics.errors.map(\.rendered))")
        #expect(lenient.diagnostics.warnings.contains { $0.message.contains("cn-hangzhou-9") })
        env["OMS_PLAN_UNKNOWN_REGIONS"] = "error"
        #expect(TestSupport.load(files, env: env).diagnostics.errors.count == 1)
    }

    // MARK: Bucket names

    @Test func everyCloudAcceptsAnOrdinaryName() {
        for cloud in CloudType.documented where cloud != .urlSource {
            let rules = BucketNaming.of(cloud)
            #expect(rules != nil, "\(cloud)")
            #expect(rules?.brokenRules("photos-2024") == [], "\(cloud): \(rules?.brokenRules("photos-2024") ?? [])")
        }
        #expect(BucketNaming.of(.tencent)?.brokenRules("media-1254563210") == [])
        #expect(BucketNaming.obs.brokenRules("logs.example-2024") == [])
        #expect(BucketNaming.of(.google)?.brokenRules("my_bucket.example.com") == [])
        #expect(BucketNaming.of(.urlSource) == nil)
    }

    /// Rules read scalars and bytes: a combining mark after the last `-` is one `Character`
    /// (`"-\u{301}"`), but the name still ends in a character the cloud refuses, and a
    /// fullwidth `Ｓ` is no ASCII letter.
    @Test func rulesReadScalarsNotCharacters() {
        let combining = BucketNaming.obs.brokenRules("shop-\u{301}")
        #expect(combining.contains { $0.contains("U+0301") }, "\(combining)")
        #expect(combining.contains { $0.hasPrefix("must end with") }, "\(combining)")
        #expect(BucketNaming.obs.brokenRules("ｓhop").contains { $0.contains("U+FF53") })
        // Length counts what OMS counts: 63 ASCII characters pass, 64 do not.
        #expect(BucketNaming.obs.brokenRules(String(repeating: "a", count: 63)) == [])
        #expect(BucketNaming.obs.brokenRules(String(repeating: "a", count: 64)).count == 1)
        #expect(BucketNaming.obs.brokenRules("256.1.1.1") == [], "not an IP address: 256 is out of range")
        #expect(BucketNaming.obs.brokenRules("10.0.0.1") == ["must not be an IP address"])
    }

    // MARK: Helpers

    func task(region: String) -> String {
        TestSupport.task("t").replacingOccurrences(of: "region: cn-hangzhou, bucket: bkt,", with: "region: \(region), bucket: photos,")
            .replacingOccurrences(of: "{bucket: dst,", with: "{bucket: photos-obs,")
    }

    func load(_ task: String) -> LoadResult {
        TestSupport.load(["stack.yaml": TestSupport.stack, "credentials.yaml": TestSupport.credentials, "t.yaml": task], env: TestSupport.env)
    }
}
