import Foundation
import OMSModels

public struct LoadOptions: Sendable {
    public var environment: PlanEnvironment
    /// The moment the plan is evaluated at: bandwidth windows with `days` depend on it.
    /// Passed in, never read from the clock, so loading is a pure function.
    public var evaluationDate: Date
    /// true for commands that send secrets (apply, reconcile): an unresolved secret
    /// reference is then an error; otherwise a warning.
    public var secretsRequired: Bool
    /// `--region` / `OMS_REGION`: replaces `Stack.spec.region` (destinations default to it and
    /// must match it).
    public var regionOverride: String?
    /// For the embedded sandbox, which accepts any key: an unset secret reference gets a
    /// generated value instead of a warning or an error (`LoadResult.placeholders` says which).
    public var placeholderForUnsetSecrets: Bool
    /// A region that is not in oms-plan's table of regions OMS supports is a warning, not an
    /// error (for regions newer than the table; same as `Stack.spec.unknownRegions: warning`).
    public var unknownRegionsAsWarnings: Bool
    /// `--unknown-regions`: what a region missing from the table is, whatever the environment
    /// (`OMS_PLAN_UNKNOWN_REGIONS`) and the stack (`spec.unknownRegions`) say; nil leaves it to
    /// them. Precedence: this, then the environment, then `unknownRegionsAsWarnings`, then the stack.
    public var unknownRegions: UnknownRegionSeverity?
    /// The environment variable that does the same for every command: `error` or `warning`
    /// (docs/regions.md); it wins over the stack's setting.
    public static let unknownRegionsVariable = "OMS_PLAN_UNKNOWN_REGIONS"

    public init(environment: PlanEnvironment = .live, evaluationDate: Date, secretsRequired: Bool = false,
                regionOverride: String? = nil, placeholderForUnsetSecrets: Bool = false, unknownRegionsAsWarnings: Bool = false,
                unknownRegions: UnknownRegionSeverity? = nil) {
        self.environment = environment
        self.evaluationDate = evaluationDate
        self.secretsRequired = secretsRequired
        self.regionOverride = regionOverride
        self.placeholderForUnsetSecrets = placeholderForUnsetSecrets
        self.unknownRegionsAsWarnings = unknownRegionsAsWarnings
        self.unknownRegions = unknownRegions
    }

    /// Whether a region missing from the table warns (true), fails (false) or is left to the
    /// stack's `spec.unknownRegions` (nil): the option, else the environment, else
    /// `unknownRegionsAsWarnings`.
    var unknownRegionsOverride: Bool? {
        if let unknownRegions { return unknownRegions == .warning }
        if let value = environment.variables[Self.unknownRegionsVariable], let given = UnknownRegionSeverity(rawValue: value) {
            return given == .warning
        }
        return unknownRegionsAsWarnings ? true : nil
    }
}

/// What a region missing from oms-plan's table of regions OMS supports is (`--unknown-regions`,
/// `OMS_PLAN_UNKNOWN_REGIONS`, `Stack.spec.unknownRegions`).
public enum UnknownRegionSeverity: String, Sendable, CaseIterable {
    case error, warning
}

public struct LoadResult: Sendable {
    /// Errors and warnings, sorted by file and position.
    public var diagnostics: [Diagnostic]
    /// The graph, when there are no errors.
    public var desiredState: DesiredState?
    /// The files read, in order.
    public var files: [String]
    /// Values that came from secrets: outputs must mask them (already masked in `diagnostics`).
    public var sensitiveValues: Set<String> = []
    /// Secret references that got generated stand-in values (`placeholderForUnsetSecrets`).
    public var placeholders: [String] = []

    public var hasErrors: Bool { diagnostics.hasErrors }
}

/// Plan directories -> a validated desired-state graph.
public enum PlanLoader {
    /// The same load from async code: the work runs on threads of its own, so the caller's
    /// cooperative thread (which an embedded sandbox may be sharing) is suspended, never
    /// blocked while files are parsed.
    public static func load(paths: [String], options: LoadOptions) async -> LoadResult {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: load(paths: paths, options: options)) }.start()
        }
    }

    /// Largest plan file read: 10,000 tasks fit in a few MiB; anything bigger is not a plan.
    public static let maximumFileBytes = 8 << 20

    public static func load(paths: [String], options: LoadOptions) -> LoadResult {
        var options = options
        // `${file:}` reads stay inside the repositories the plan paths belong to.
        options.environment.fileReferenceRoots = paths.compactMap { options.environment.repositoryRoot(of: $0) }
        let discovery = FileDiscovery(fileSystem: options.environment.fileSystem).discover(paths)
        var table = FileTable()
        var texts: [(file: Int32, text: String?)] = []
        var readProblems: [(Loc, String)] = []
        for path in discovery.files {
            let id = table.add(path)
            do {
                let data = try options.environment.fileSystem.readFile(path)
                guard data.count <= Self.maximumFileBytes else {
                    texts.append((id, nil))
                    readProblems.append((Loc(file: id, line: 1, column: 1),
                                         "this file is \(data.count / 1024) KiB; a plan file may be at most \(Self.maximumFileBytes / (1 << 20)) MiB (split it into several files)"))
                    continue
                }
                switch TextDecoding.decode(data) {
                case .success(let text): texts.append((id, text))
                case .failure(let bad):
                    texts.append((id, nil))
                    readProblems.append((Loc(file: id, line: bad.line, column: 1), "this file is not UTF-8 text"))
                }
            } catch {
                texts.append((id, nil))
                // A FIFO or device swapped in after discovery is refused by the read itself.
                readProblems.append((Loc(file: id, line: 1, column: 1), (error as? NotRegularFile)?.description ?? "cannot read this file"))
            }
        }
        let sink = DiagnosticSink(files: table)
        for p in discovery.problems { sink.add(p) }
        for (loc, message) in readProblems { sink.error(message, at: loc) }
        let ctx = DecodeContext(sink: sink, environment: options.environment, secretsRequired: options.secretsRequired)
        ctx.placeholderForUnsetSecrets = options.placeholderForUnsetSecrets
        // `--unknown-regions` or `OMS_PLAN_UNKNOWN_REGIONS=warning`: the same switch for every
        // command (validate, diff, apply) without editing the plan, e.g. in a CI job while the
        // table catches up; either wins over the stack's setting.
        ctx.unknownRegionsAsWarnings = options.unknownRegionsOverride

        // Parsing and envelopes, a file per step on several threads.
        let files = table
        let environment = options.environment
        let sources = texts
        let aliasBudget = AliasBudget()
        let outcomes = Parallel.map(sources.count) { i -> FileOutcome in
            guard let text = sources[i].text else { return FileOutcome() }
            let parsed = YAMLReader(file: sources[i].file, aliasBudget: aliasBudget).read(text)
            let fileSink = DiagnosticSink(files: files)
            for p in parsed.problems { fileSink.error(p.message, at: p.loc, hint: p.hint) }
            let fileCtx = DecodeContext(sink: fileSink, environment: environment, secretsRequired: false)
            let documents = parsed.documents.compactMap { Envelope.decode($0, ctx: fileCtx) }
            return FileOutcome(documents: documents, diagnostics: fileSink.diagnostics, broken: fileCtx.brokenDocuments)
        }
        var documents: [RawDocument] = []
        for outcome in outcomes {
            for d in outcome.diagnostics { sink.add(d) }
            ctx.brokenDocuments.formUnion(outcome.broken)
            documents += outcome.documents
        }
        let state = Pipeline(ctx: ctx, options: options, firstFile: discovery.files.first.map { _ in Int32(0) }).run(documents)
        // Values of the CLI's credential variables count as secrets even when no plan field
        // names them (a reviewer's pull request could still interpolate them).
        for name in SensitiveNames.credentialVariables {
            if let value = options.environment.variables[name], !value.isEmpty { ctx.sensitive.insert(value) }
        }
        for (reference, weak) in ctx.weakSecrets.sorted(by: { $0.key < $1.key }) { weak.diagnostic(reference: reference, ctx: ctx) }
        if let state {
            for d in SecretsInPlainFields.check(state, sensitive: ctx.sensitive, sending: options.secretsRequired) { sink.add(d) }
        }
        let redactor = SecretRedactor()
        redactor.register(ctx.sensitive)
        let diagnostics = sink.sorted().map { d in
            var masked = d
            masked.message = redactor.redact(d.message)
            masked.hint = d.hint.map(redactor.redact)
            return masked
        }
        var result = LoadResult(diagnostics: Self.capped(diagnostics), desiredState: diagnostics.hasErrors ? nil : state, files: discovery.files)
        result.sensitiveValues = ctx.sensitive
        result.placeholders = ctx.placeholders.sorted()
        return result
    }
}

extension PlanLoader {
    /// Diagnostics reported at most; a plan with more has one problem repeated, and pages of
    /// them help nobody (and slow CI logs down).
    public static let maximumDiagnostics = 1000

    static func capped(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        guard diagnostics.count > maximumDiagnostics else { return diagnostics }
        var kept = Array(diagnostics.prefix(maximumDiagnostics))
        let errorsLeft = diagnostics.dropFirst(maximumDiagnostics).filter { $0.severity == .error }.count
        let last = kept[kept.count - 1]
        kept.append(Diagnostic(
            errorsLeft > 0 ? .error : .warning, at: last.location,
            "\(diagnostics.count - maximumDiagnostics) more problems are not shown (\(errorsLeft) of them errors)",
            hint: "fix the ones above and validate again"))
        return kept
    }
}

/// What one file contributes: its documents (envelopes checked) and its problems.
struct FileOutcome: Sendable {
    var documents: [RawDocument] = []
    var diagnostics: [Diagnostic] = []
    var broken: Set<ResourceAddress> = []
}
