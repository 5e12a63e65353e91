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

    public init(environment: PlanEnvironment = .live, evaluationDate: Date, secretsRequired: Bool = false,
                regionOverride: String? = nil) {
        self.environment = environment
        self.evaluationDate = evaluationDate
        self.secretsRequired = secretsRequired
        self.regionOverride = regionOverride
    }
}

public struct LoadResult: Sendable {
    /// Errors and warnings, sorted by file and position.
    public var diagnostics: [Diagnostic]
    /// The graph, when there are no errors.
    public var desiredState: DesiredState?
    /// The files read, in order.
    public var files: [String]

    public var hasErrors: Bool { diagnostics.hasErrors }
}

/// Plan directories -> a validated desired-state graph.
public enum PlanLoader {
    public static func load(paths: [String], options: LoadOptions) -> LoadResult {
        let discovery = FileDiscovery(fileSystem: options.environment.fileSystem).discover(paths)
        var table = FileTable()
        var texts: [(file: Int32, text: String?)] = []
        var readProblems: [(Loc, String)] = []
        for path in discovery.files {
            let id = table.add(path)
            do {
                let data = try options.environment.fileSystem.readFile(path)
                switch TextDecoding.decode(data) {
                case .success(let text): texts.append((id, text))
                case .failure(let bad):
                    texts.append((id, nil))
                    readProblems.append((Loc(file: id, line: bad.line, column: 1), "this file is not UTF-8 text"))
                }
            } catch {
                texts.append((id, nil))
                readProblems.append((Loc(file: id, line: 0, column: 0), "cannot read this file"))
            }
        }
        let sink = DiagnosticSink(files: table)
        for p in discovery.problems { sink.add(p) }
        for (loc, message) in readProblems { sink.error(message, at: loc) }
        let ctx = DecodeContext(sink: sink, environment: options.environment, secretsRequired: options.secretsRequired)

        // Parsing and envelopes, a file per step on several threads.
        let files = table
        let environment = options.environment
        let sources = texts
        let outcomes = Parallel.map(sources.count) { i -> FileOutcome in
            guard let text = sources[i].text else { return FileOutcome() }
            let parsed = YAMLReader(file: sources[i].file).parse(text)
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
        let diagnostics = sink.sorted()
        return LoadResult(diagnostics: diagnostics, desiredState: diagnostics.hasErrors ? nil : state, files: discovery.files)
    }
}

/// What one file contributes: its documents (envelopes checked) and its problems.
struct FileOutcome: Sendable {
    var documents: [RawDocument] = []
    var diagnostics: [Diagnostic] = []
    var broken: Set<ResourceAddress> = []
}
