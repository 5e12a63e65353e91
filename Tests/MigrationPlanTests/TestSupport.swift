import Foundation
@testable import MigrationPlan

enum TestSupport {
    /// The repository root (tests read examples/ and schemas/ from the working tree).
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Saturday 2026-11-28 09:00 in +08:00.
    static let saturday = Date(timeIntervalSince1970: TimeInterval(RFC3339.seconds("2026-11-28T09:00:00+08:00")!))
    /// Tuesday 2026-11-24 09:00 in +08:00.
    static let tuesday = Date(timeIntervalSince1970: TimeInterval(RFC3339.seconds("2026-11-24T09:00:00+08:00")!))

    static func load(_ files: [String: String], env: [String: String] = [:], date: Date = tuesday,
                     secretsRequired: Bool = false) -> LoadResult {
        PlanLoader.load(paths: ["plan"], options: LoadOptions(
            environment: .inMemory(files: Dictionary(uniqueKeysWithValues: files.map { ("plan/" + $0.key, $0.value) }), variables: env),
            evaluationDate: date, secretsRequired: secretsRequired))
    }

    static let stack = """
        apiVersion: oms-plan/v1
        kind: Stack
        metadata: {name: media}
        spec:
          region: cn-north-4
          serviceTimezone: "+08:00"

        """

    static let credentials = """
        apiVersion: oms-plan/v1
        kind: Credentials
        metadata: {name: src}
        spec: {accessKey: "${env:AK}", secretKey: "${env:SK}"}
        ---
        apiVersion: oms-plan/v1
        kind: Credentials
        metadata: {name: obs}
        spec: {accessKey: "${env:OBS_AK}", secretKey: "${env:OBS_SK}"}

        """

    static let env = ["AK": "src-ak", "SK": "src-sk", "OBS_AK": "obs-ak", "OBS_SK": "obs-sk"]

    static func task(_ name: String, extra: String = "") -> String {
        """
        apiVersion: oms-plan/v1
        kind: MigrationTask
        metadata: {name: \(name)}
        spec:
          type: prefix
          source: {cloud: Aliyun, region: cn-hangzhou, bucket: bkt, credentials: src, prefixes: ["x/"]}
          destination: {bucket: dst, credentials: obs}
        \(extra)
        """
    }
}
