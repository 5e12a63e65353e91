import Foundation
import OMSModels
import Testing
@testable import MigrationPlan

/// Issue 10's rules for plans: secrets are masked in diagnostics, `${file:}` stays in the
/// repository, defaults are not secrets, keys are names, and hostile YAML stops fast.
@Suite struct SecurityRulesTests {
    static let secret = "MASKME-7f3a9c-SECRET"

    static func load(_ files: [String: String], env: [String: String] = [:], paths: [String] = ["plan"],
                     allowOutside: Bool = false, placeholders: Bool = false, secretsRequired: Bool = false) -> LoadResult {
        var environment = PlanEnvironment.inMemory(files: files, variables: env)
        environment.allowFilesOutsideRepository = allowOutside
        return PlanLoader.load(paths: paths, options: LoadOptions(
            environment: environment, evaluationDate: TestSupport.tuesday, secretsRequired: secretsRequired,
            placeholderForUnsetSecrets: placeholders))
    }

    static func plan(_ extra: [String: String] = [:], task: String = TestSupport.task("t")) -> [String: String] {
        var files = ["plan/s.yaml": TestSupport.stack + "---\n" + TestSupport.credentials, "plan/t.yaml": task]
        for (k, v) in extra { files[k] = v }
        return files
    }

    // MARK: Masking

    @Test func secretsInterpolatedIntoOtherFieldsAreMaskedInDiagnostics() {
        var env = TestSupport.env
        env["SK"] = Self.secret
        let task = TestSupport.task("t", extra: "  options: {priority: \"${env:SK}\"}\n  description: \"${env:SK}(\"")
        let result = Self.load(Self.plan(task: task), env: env)
        #expect(result.hasErrors)
        let text = result.diagnostics.map(\.rendered).joined(separator: "\n")
        #expect(!text.contains(Self.secret), "\(text)")
        #expect(text.contains(SecretRedactor.mask))
        #expect(result.sensitiveValues.contains(Self.secret))
    }

    @Test func credentialVariablesOfTheCLIAreSecretsEvenWhenNoFieldIsSecret() {
        var env = TestSupport.env
        env["HUAWEICLOUD_SDK_SK"] = "CLI-SK-VALUE-0042"
        let task = TestSupport.task("t", extra: "  options: {priority: \"${env:HUAWEICLOUD_SDK_SK}\"}")
        let result = Self.load(Self.plan(task: task), env: env)
        let text = result.diagnostics.map(\.rendered).joined(separator: "\n")
        #expect(result.hasErrors && !text.contains("CLI-SK-VALUE-0042"), "\(text)")
    }

    /// Issue 21 widened the rule: any name holding KEY (or PASS, PWD, SECRET, TOKEN,
    /// CREDENTIAL, PRIVATE, WEBHOOK) is a secret, `PREFIX_KEY` too; a plain variable is not.
    @Test func variablesNamedLikeSecretsAreSecretsAndOthersAreNot() {
        var env = TestSupport.env
        env["PREFIX_KEY"] = "logs/2024/"
        env["REPORT_TOKEN"] = "token-value-1234"
        env["LOG_PREFIX"] = "logs/2025/"
        let task = TestSupport.task("t").replacingOccurrences(of: "prefixes: [\"x/\"]", with: "prefixes: [\"${env:PREFIX_KEY}\", \"${env:LOG_PREFIX}\"]")
            + "\n  description: \"${env:REPORT_TOKEN}\""
        let result = Self.load(Self.plan(task: task), env: env, secretsRequired: true)
        #expect(result.sensitiveValues.contains("logs/2024/"))
        #expect(!result.sensitiveValues.contains("logs/2025/"))
        #expect(result.sensitiveValues.contains("token-value-1234"))
        let refusals = result.diagnostics.filter { $0.message.contains("holds the value of a secret") }
        #expect(refusals.map(\.message).sorted().map { $0.prefix(22) } == ["`description` of `Migr", "`source.prefixes` of `"], "\(refusals.map(\.rendered))")
    }

    @Test func secretNamesAreReadByTheWidenedRule() {
        for name in ["DB_PASS", "DEPLOY_KEY", "SLACK_WEBHOOK_URL", "MY_PWD", "GH_TOKEN", "X_PRIVATE", "SOME_CREDENTIAL", "FOO_AK", "foo_sk",
                     "AK", "sk", "apiSecret", "Password1"] {
            #expect(SensitiveNames.isSensitive(name), "\(name)")
        }
        for name in ["REGION", "BUCKET", "LOG_PREFIX", "DST", "SAK", "AKS", "OAK", "K\u{0301}EY"] {
            #expect(!SensitiveNames.isSensitive(name), "\(name)")
        }
    }

    @Test func redactorMasksEncodedFormsLongestFirst() {
        let redactor = SecretRedactor()
        redactor.register(["abc/def\"x", "SECRET", "SECRET-LONGER", "ab"])
        #expect(redactor.redact("a SECRET-LONGER b") == "a (secret) b")
        #expect(redactor.redact(#"{"k":"abc/def\"x"}"#) == #"{"k":"(secret)"}"#)
        #expect(redactor.redact("q=abc%2Fdef%22x") == "q=(secret)")
        #expect(redactor.redact("ab stays") == "ab stays")
    }

    // MARK: Secret fields

    @Test func aDefaultInASecretFieldIsRefusedButAnEmptyOneMeansNoValue() {
        let creds = """
            apiVersion: oms-plan/v1
            kind: Credentials
            metadata: {name: extra}
            spec: {accessKey: "${env:X:-AKIALITERAL}", secretKey: "${env:Y}", securityToken: "${env:T:-}"}
            """
        let result = Self.load(Self.plan(["plan/c.yaml": creds]), env: TestSupport.env.merging(["Y": "y-value"]) { a, _ in a })
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("secret written into the plan") == true)
        #expect(errors.first?.line == 4)
        #expect(!errors.map(\.rendered).joined().contains("AKIALITERAL"))
    }

    @Test func theEmbeddedSandboxGetsStandInsForUnsetSecrets() throws {
        let result = Self.load(Self.plan(), placeholders: true, secretsRequired: true)
        #expect(!result.hasErrors, "\(result.diagnostics.map(\.rendered))")
        #expect(result.placeholders == ["${env:AK}", "${env:OBS_AK}", "${env:OBS_SK}", "${env:SK}"])
        let full = try #require(result.desiredState?.tasks.first).requestWithSecrets()
        #expect(full.srcNode.ak?.hasPrefix("sandbox-placeholder-") == true)
        // Without the sandbox, apply still refuses to run without them.
        #expect(Self.load(Self.plan(), secretsRequired: true).hasErrors)
    }

    // MARK: ${file:}

    @Test func fileReferencesStayInsideThePlanFolderWithoutGit() {
        let creds = """
            apiVersion: oms-plan/v1
            kind: Credentials
            metadata: {name: extra}
            spec: {accessKey: "${file:../outside.txt}", secretKey: "${file:keys/sk}"}
            """
        let files = Self.plan(["plan/c.yaml": creds, "outside.txt": "OUTSIDE-CONTENT\n", "plan/keys/sk": "inside\n"])
        let refused = Self.load(files, env: TestSupport.env)
        let errors = refused.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1 && errors[0].message.contains("outside the plan's repository"), "\(errors.map(\.rendered))")
        #expect(!refused.diagnostics.map(\.rendered).joined().contains("OUTSIDE-CONTENT"))
        #expect(!Self.load(files, env: TestSupport.env, allowOutside: true).hasErrors)
    }

    @Test func theRepositoryIsTheNearestFolderWithGit() {
        let creds = """
            apiVersion: oms-plan/v1
            kind: Credentials
            metadata: {name: extra}
            spec: {accessKey: "${file:../../secrets/ak}", secretKey: "${file:/etc/passwd}"}
            """
        var files: [String: String] = ["repo/.git/HEAD": "ref: main\n", "repo/secrets/ak": "ak\n", "/etc/passwd": "root:x:0:0\n"]
        for (k, v) in Self.plan(["plan/c/c.yaml": creds]) { files["repo/" + k] = v }
        let result = Self.load(files, env: TestSupport.env, paths: ["repo/plan"])
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1 && errors[0].message.contains("${file:/etc/passwd}"), "\(errors.map(\.rendered))")
    }

    // MARK: Keys

    @Test func keysPrefixesAndSavePrefixesAreNamesNotPaths() {
        for (field, value) in [("prefixes", "[\"../up/\"]"), ("prefixes", "[\"/abs/\"]"), ("prefixes", "[\"a/./b\"]"),
                               ("prefixes", "[\"a\\\\..\\\\b\"]"), ("prefixes", "[\"x\\u0000\"]")] {
            let task = """
                apiVersion: oms-plan/v1
                kind: MigrationTask
                metadata: {name: t}
                spec:
                  type: prefix
                  source: {cloud: Aliyun, region: cn-hangzhou, bucket: bkt, credentials: src, \(field): \(value)}
                  destination: {bucket: dst, credentials: obs}
                """
            let result = Self.load(Self.plan(task: task), env: TestSupport.env)
            #expect(result.diagnostics.contains { $0.severity == .error && $0.message.contains("not paths") && $0.line == 6 }, "\(value)")
        }
        let save = TestSupport.task("t").replacingOccurrences(of: "{bucket: dst, credentials: obs}", with: "{bucket: dst, credentials: obs, savePrefix: ../../outside/}")
        let result = Self.load(Self.plan(task: save), env: TestSupport.env)
        #expect(result.diagnostics.contains { $0.message.contains("save prefix must not contain a `..` segment") })
        #expect(StorageNames.keyProblem("logs/2024/x..y/z") == nil)
        // The byte shortcut answers as the scalar-by-scalar reading does, on generated keys.
        let pieces = ["a", "logs", "2024", "/", "\\", ".", "..", "x.y", "\u{0}", "\u{1F}", "\u{7F}", "é", "桶", " ", "-", "~", "\n"]
        var generator = SeededGenerator(seed: 0x5EC0_0001)
        for _ in 0..<20_000 {
            let key = (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            for allowEmpty in [false, true] {
                #expect(StorageNames.keyProblem(key, allowEmpty: allowEmpty) == StorageNames.keyProblemByScalars(key, allowEmpty: allowEmpty), "\(generator): \(key.debugDescription)")
            }
        }
        let long = String(repeating: "a", count: StorageNames.maximumKeyBytes + 1)
        #expect(StorageNames.keyProblem(long) != nil && StorageNames.keyProblem(long) == StorageNames.keyProblemByScalars(long))
        #expect(StorageNames.bucketProblem("桶-1") == nil && StorageNames.bucketProblem("..") != nil)
    }

    // MARK: Hostile YAML

    static func mergeBomb(levels: Int = 30) -> String {
        var lines = ["a0: &a0 {k0: x, k1: x, k2: x, k3: x}"]
        for i in 1..<levels {
            lines.append("a\(i): &a\(i) {<<: [" + Array(repeating: "*a\(i - 1)", count: 8).joined(separator: ", ") + "], n\(i): y}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func sixBombsInOnePlanShareOneBudgetAndStopFast() {
        var files = Self.plan()
        for n in 0..<6 { files["plan/bomb\(n).yaml"] = Self.mergeBomb() }
        var laughs = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...12 { laughs += "l\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        files["plan/laughs.yaml"] = laughs
        let start = Date()
        let result = Self.load(files, env: TestSupport.env)
        #expect(Date().timeIntervalSince(start) < 2)
        #expect(result.diagnostics.contains { $0.message.contains("expand to more than") })
    }

    @Test func aModestAnchorReusedByManyTasksIsFine() {
        var text = "x-defaults: &base {type: prefix, destination: {bucket: dst, credentials: obs}}\n"
        text += (0..<200).map { i in
            "---\napiVersion: oms-plan/v1\nkind: MigrationTask\nmetadata: {name: t\(i)}\nspec:\n  <<: *base\n  source: {cloud: Aliyun, region: cn-hangzhou, bucket: bkt, credentials: src, prefixes: [\"p\(i)/\"]}\n"
        }.joined()
        // The anchor document itself is not a plan document; only aliases are under test.
        let result = Self.load(Self.plan(["plan/many.yaml": text]), env: TestSupport.env)
        #expect(!result.diagnostics.contains { $0.message.contains("expand to more than") })
    }

    @Test func hugeValuesAndFilesAreRefusedWithALocation() {
        let big = TestSupport.task("t", extra: "  description: \"" + String(repeating: "x", count: 70_000) + "\"")
        let result = Self.load(Self.plan(task: big), env: TestSupport.env)
        #expect(result.diagnostics.contains { $0.message.contains("at most 64 KiB") && $0.line == 8 })
        let huge = String(repeating: "# padding\n", count: (PlanLoader.maximumFileBytes / 10) + 10)
        let capped = Self.load(Self.plan(["plan/huge.yaml": huge]), env: TestSupport.env)
        #expect(capped.diagnostics.contains { $0.message.contains("at most 8 MiB") && $0.file.hasSuffix("huge.yaml") })
    }

    @Test func aByteOrderMarkIsNotContent() {
        let result = Self.load(Self.plan(["plan/t.yaml": "\u{FEFF}" + TestSupport.task("t")]), env: TestSupport.env)
        #expect(!result.hasErrors, "\(result.diagnostics.map(\.rendered))")
    }
}
