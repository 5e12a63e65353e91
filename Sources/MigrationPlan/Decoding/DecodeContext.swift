import OMSModels
import Foundation

struct Located<T> {
    var value: T
    var loc: Loc
}

extension Located: Sendable where T: Sendable {}
extension Located: Equatable where T: Equatable {}
extension Located: Hashable where T: Hashable {}

/// Shared state of the decoding stages: the diagnostics sink, the environment, the stack's
/// variables and a cache of `${file:}` reads. One per load, used from one thread.
final class DecodeContext {
    let sink: DiagnosticSink
    let environment: PlanEnvironment
    let secretsRequired: Bool
    /// Unset secret references get generated values (for a sandbox that accepts any key).
    var placeholderForUnsetSecrets = false
    /// `--unknown-regions`, `OMS_PLAN_UNKNOWN_REGIONS` or `LoadOptions.unknownRegionsAsWarnings`
    /// (`LoadOptions.unknownRegionsOverride`): whether regions newer than the table warn (true)
    /// or fail (false), whatever the stack says; nil leaves it to `spec.unknownRegions`.
    var unknownRegionsAsWarnings: Bool?
    var variables: [String: String] = [:]
    /// Variables that exist but could not be resolved (already reported): uses stay quiet.
    var brokenVariables: Set<String> = []
    /// Documents whose envelope was invalid but whose kind and name could be read: references
    /// to them are not reported again as undeclared.
    var brokenDocuments: Set<ResourceAddress> = []
    /// Set when the plan has no Stack: variables cannot be known, so their uses stay quiet.
    var variablesUnknown = false
    private var fileCache: [String: Result<String, InterpolationError>] = [:]
    /// Values that came from secrets (resolved secret references, secret-like variables):
    /// every diagnostic and output masks them.
    var sensitive: Set<String> = []
    /// Secret references whose value is too short or too common to mask safely: where each
    /// was first used and why (`SecretRedactor.weakness`). Reported once each, by reference,
    /// never by value.
    var weakSecrets: [String: WeakSecret] = [:]
    /// Names of unset variables that `placeholderForUnsetSecrets` stood in for.
    var placeholders: Set<String> = []

    init(sink: DiagnosticSink, environment: PlanEnvironment, secretsRequired: Bool) {
        self.sink = sink
        self.environment = environment
        self.secretsRequired = secretsRequired
    }

    func error(_ message: String, at loc: Loc, hint: String? = nil) { sink.error(message, at: loc, hint: hint) }
    func warning(_ message: String, at loc: Loc, hint: String? = nil) { sink.warning(message, at: loc, hint: hint) }

    func path(of loc: Loc) -> String { sink.files.path(loc.file) }

    // MARK: References

    /// Registers a value that came from a secret, and remembers it when it cannot be masked safely.
    func noteSecret(_ value: String, reference: String, at loc: Loc) {
        guard !value.isEmpty else { return }
        sensitive.insert(value)
        if weakSecrets[reference] == nil, let why = SecretRedactor.weakness(of: value) {
            weakSecrets[reference] = WeakSecret(loc: loc, why: why)
        }
    }

    /// Resolves `${env:}`, `${file:}` and `${var:}` in a string value; reports and returns nil
    /// when one cannot be resolved. `allowVariables` is false inside `Stack.spec.variables`.
    func interpolate(_ text: String, at loc: Loc, allowVariables: Bool = true) -> String? {
        guard Interpolation.mayContainReference(text) else { return text }
        let parts: [TemplatePart]
        switch Interpolation.parse(text) {
        case .success(let p): parts = p
        case .failure(let e):
            error(e.message, at: loc, hint: e.hint)
            return nil
        }
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s): out += s
            case .reference(let r):
                switch resolve(r, at: loc, allowVariables: allowVariables) {
                case .success(let v): out += v
                case .failure(let e):
                    if !e.message.isEmpty { error(e.message, at: loc, hint: e.hint) }
                    return nil
                }
            }
        }
        return out
    }

    func resolve(_ reference: Reference, at loc: Loc, allowVariables: Bool = true) -> Result<String, InterpolationError> {
        switch reference {
        case .env(let name, let defaultValue):
            // As in the shell, `:-default` applies when the variable is unset or empty (CI
            // systems pass a missing secret as an empty string).
            if let v = environment.variables[name], !(v.isEmpty && defaultValue != nil) {
                if SensitiveNames.isSensitive(name) { noteSecret(v, reference: "${env:\(name)}", at: loc) }
                return .success(v)
            }
            if let d = defaultValue { return .success(d) }
            // A hint never suggests what the tool then refuses: a default for a secret would be
            // the secret written into the plan.
            return .failure(InterpolationError(
                message: "environment variable `\(name)` is not set",
                hint: SensitiveNames.isSensitive(name) ? SensitiveNames.unsetHint(name) : "set it, or give a default: `${env:\(name):-value}`"))
        case .file(let path):
            return readFile(path, relativeTo: loc)
        case .variable(let name):
            guard allowVariables else {
                return .failure(InterpolationError(message: "variables cannot refer to other variables (`${var:\(name)}`)"))
            }
            if let v = variables[name] { return .success(v) }
            if brokenVariables.contains(name) || variablesUnknown { return .failure(InterpolationError(message: "")) }
            return .failure(InterpolationError(
                message: "undefined variable `\(name)`",
                hint: Suggestion.hint(for: name, in: variables.keys) ?? "declare it in Stack.spec.variables"))
        case .item:
            return .failure(InterpolationError(
                message: "`\(reference.text)` is only available in a MigrationTaskSet's `name` and `template`"))
        }
    }

    /// `${file:PATH}`: relative to the file holding the reference; one trailing newline removed.
    func readFile(_ path: String, relativeTo loc: Loc) -> Result<String, InterpolationError> {
        let full = path.hasPrefix("/") ? path : PathUtil.join(PathUtil.parent(self.path(of: loc)), path)
        let key = PathUtil.normalize(full)
        if let cached = fileCache[key] { return cached }
        let result: Result<String, InterpolationError>
        // Checked on the resolved path (links followed) before anything is read: a plan from
        // a pull request must not be able to read the runner's files.
        let fileSystem = environment.fileSystem
        // A path that does not resolve is judged by where its text points.
        let resolved = fileSystem.resolvedPath(full)
            ?? fileSystem.resolvedPath(PathUtil.parent(full)).map { PathUtil.join($0, PathUtil.lastComponent(full)) }
            ?? fileSystem.lexicalPath(full)
        if !environment.mayRead(resolved) {
            result = .failure(InterpolationError(
                message: "`${file:\(path)}` is outside the plan's repository",
                hint: "keep referenced files inside the repository (the folder with `.git`, or the plan folder); "
                    + "--allow-file-outside-repo lifts this", isPolicy: true))
        } else if fileSystem.resolvedPath(full) != nil {
            // Read what was checked, not the path as written: `a/../b` must not be
            // shortened by anyone after the check.
            result = readInside(resolved, reference: path)
        } else {
            result = .failure(InterpolationError(message: "`${file:\(path)}`: cannot read \(full)"))
        }
        fileCache[key] = result
        return result
    }

    private func readInside(_ full: String, reference path: String) -> Result<String, InterpolationError> {
        let result: Result<String, InterpolationError>
        do {
            let data = try environment.fileSystem.readFile(full)
            if var text = String(data: data, encoding: .utf8) {
                if text.hasSuffix("\r\n") { text.removeLast(1) } else if text.hasSuffix("\n") { text.removeLast() }
                result = .success(text)
            } else {
                result = .failure(InterpolationError(message: "`${file:\(path)}`: \(full) is not UTF-8 text"))
            }
        } catch let special as NotRegularFile {
            result = .failure(InterpolationError(message: "`${file:\(path)}`: \(full) \(special)"))
        } catch {
            result = .failure(InterpolationError(message: "`${file:\(path)}`: cannot read \(full)"))
        }
        return result
    }
}

/// Environment variable names that hold secrets by their look: the CLI's own credential
/// variables and the usual spellings of access keys, tokens and passwords. Their values are
/// masked wherever a plan uses them, even outside secret fields.
public enum SensitiveNames {
    /// The credential variables of the CLI contract (README, "Commands"): secrets wherever they show up.
    public static let credentialVariables = [
        "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "OMS_AUTH_TOKEN", "OMS_IAM_PASSWORD",
        "OMS_SANDBOX_IAM_PASSWORD",
    ]

    /// Whether a variable's name says it holds a secret: `AK`, `SK`, `*_AK`, `*_SK`, or a
    /// name holding one of `secretWords` (case-insensitive; `DB_PASS`, `DEPLOY_KEY` and
    /// `SLACK_WEBHOOK_URL` count). Read byte by byte on the ASCII upper-casing, so no
    /// look-alike letter or combining mark changes the answer.
    public static func isSensitive(_ name: String) -> Bool {
        let upper = Array(name.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 })
        if upper.elementsEqual("AK".utf8) || upper.elementsEqual("SK".utf8) { return true }
        if upper.count > 3 && (upper.suffix(3).elementsEqual("_AK".utf8) || upper.suffix(3).elementsEqual("_SK".utf8)) { return true }
        return secretWords.contains { word in
            let w = Array(word.utf8)
            return upper.count >= w.count && (0...(upper.count - w.count)).contains { upper[$0..<($0 + w.count)].elementsEqual(w) }
        }
    }

    /// Words that name secrets inside a variable's name. `KEY` matches object-key names too
    /// (`OBJECT_KEY`): masking such a value costs nothing, missing a key leaks it.
    public static let secretWords = ["PASS", "PWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "PRIVATE", "WEBHOOK"]

    /// The hint for an unset secret variable: set it where the plan runs. Never a default,
    /// which would be the secret written into the plan (and is refused in secret fields).
    static func unsetHint(_ name: String) -> String {
        "set `\(name)` where oms-plan runs (in CI, as a secret of the pipeline); a secret never gets a default in the plan"
    }
}

/// A secret whose value cannot be masked safely, and where it was first used.
struct WeakSecret: Sendable {
    var loc: Loc
    var why: String

    /// The warning for `reference`, naming the reference and never the value.
    func diagnostic(reference: String, ctx: DecodeContext) {
        ctx.warning("the value of `\(reference)` \(why)", at: loc,
                    hint: "use a real, long secret; oms-plan masks secrets in its output by looking for their values")
    }
}
