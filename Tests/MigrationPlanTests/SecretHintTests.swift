import Foundation
import Testing

@testable import MigrationPlan

/// Hints never suggest what the tool then refuses (issue 23): an unset secret is set where the
/// plan runs, never given a default in the plan.
@Suite struct SecretHintTests {
    @Test func anUnsetSecretInACredentialsFieldIsNeverHintedADefault() throws {
        // Names that read as secrets and one that does not: the field makes it a secret.
        let credentials = """
            apiVersion: oms-plan/v1
            kind: Credentials
            metadata: {name: src}
            spec: {accessKey: "${env:ALIYUN_AK}", secretKey: "${env:ALIYUN_ACCOUNT}"}
            ---
            apiVersion: oms-plan/v1
            kind: Credentials
            metadata: {name: obs}
            spec: {accessKey: "${env:OBS_AK}", secretKey: "${env:OBS_SK}"}

            """
        let files = ["s.yaml": TestSupport.stack + "---\n" + credentials, "t.yaml": TestSupport.task("a")]
        let keys = ["OBS_AK": "obs-ak-0123456789", "OBS_SK": "obs-sk-0123456789"]
        let apply = TestSupport.load(files, env: keys, secretsRequired: true)
        let unset = apply.diagnostics.filter { $0.severity == .error && $0.message.contains("is unavailable") }
        #expect(unset.count == 2, "\(apply.diagnostics.map(\.rendered))")
        for diagnostic in unset {
            let hint = try #require(diagnostic.hint)
            #expect(!hint.contains(":-"), "\(hint)")
            #expect(hint.contains("set `ALIYUN_") && hint.contains("secret"), "\(hint)")
        }
    }

    @Test func anUnsetSecretVariableOutsideSecretFieldsIsNeverHintedADefault() throws {
        let task = TestSupport.task("a", extra: "  description: \"${env:DEPLOY_TOKEN}\"")
        let result = TestSupport.load(["s.yaml": TestSupport.stack + "---\n" + TestSupport.credentials, "t.yaml": task], env: TestSupport.env)
        let unset = try #require(result.diagnostics.first { $0.message.contains("`DEPLOY_TOKEN` is not set") }, "\(result.diagnostics.map(\.rendered))")
        #expect(unset.hint?.contains(":-") == false, "\(unset.hint ?? "")")
        // A plain variable may still be given a default.
        let plain = TestSupport.load(
            ["s.yaml": TestSupport.stack + "---\n" + TestSupport.credentials, "t.yaml": TestSupport.task("a", extra: "  description: \"${env:TEAM_NAME}\"")],
            env: TestSupport.env)
        let hint = try #require(plain.diagnostics.first { $0.message.contains("`TEAM_NAME` is not set") }?.hint)
        #expect(hint.contains("${env:TEAM_NAME:-value}"))
    }
}
