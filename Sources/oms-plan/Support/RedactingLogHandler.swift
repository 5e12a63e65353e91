import Foundation
import Logging
import OMSModels

/// Log lines to stderr, with every registered secret masked (messages, metadata, source).
struct RedactingLogHandler: LogHandler {
    private var inner: StreamLogHandler
    init(label: String) { inner = StreamLogHandler.standardError(label: label) }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        let redactor = SecretRedactor.shared
        let metadata = event.metadata?.mapValues { Logger.Metadata.Value.string(redactor.redact($0.description)) }
        inner.log(
            level: event.level, message: "\(redactor.redact(event.message.description))", metadata: metadata,
            source: event.source, file: event.file, function: event.function, line: event.line)
    }
}
