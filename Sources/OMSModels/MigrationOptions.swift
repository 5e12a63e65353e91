// The options' fields and initialiser are the table `Wire/MigrationOptions.json`; here are
// OMS's defaults and the views of the options the plan, the differ and the sandbox share.

extension MigrationOptions {
    /// What OMS does with a create body that leaves every option out (the API reference).
    public static let omsDefaults = MigrationOptions(
        enableKms: false, objectOverwriteMode: .sizeLastModifiedComparisonOverwrite, consistencyCheck: .sizeLastModified,
        dstStoragePolicy: .standard, enableMetadataMigration: false, enableRestore: false, enableFailedObjectRecording: true,
        enableRequesterPays: false)

    /// Every option set: what was given, OMS's default for the rest.
    public var withOMSDefaults: MigrationOptions {
        let d = Self.omsDefaults
        return MigrationOptions(
            enableKms: enableKms ?? d.enableKms, objectOverwriteMode: objectOverwriteMode ?? d.objectOverwriteMode,
            consistencyCheck: consistencyCheck ?? d.consistencyCheck, dstStoragePolicy: dstStoragePolicy ?? d.dstStoragePolicy,
            enableMetadataMigration: enableMetadataMigration ?? d.enableMetadataMigration, enableRestore: enableRestore ?? d.enableRestore,
            enableFailedObjectRecording: enableFailedObjectRecording ?? d.enableFailedObjectRecording,
            enableRequesterPays: enableRequesterPays ?? d.enableRequesterPays)
    }

    /// The priority of a task created without one.
    public static let defaultTaskPriority: TaskPriority = .medium

    public enum Value: Hashable, Sendable {
        case flag(Bool?)
        case name(String?)
    }

    /// The options as plan paths (`options.<name>`) with their values, enumerations in the
    /// spelling requests use: the rows the differ compares.
    public var planFields: [(path: String, value: Value)] {
        [
            ("options.enableKms", .flag(enableKms)),
            ("options.objectOverwriteMode", .name(objectOverwriteMode?.canonical.rawValue)),
            ("options.consistencyCheck", .name(consistencyCheck?.canonical.rawValue)),
            ("options.dstStoragePolicy", .name(dstStoragePolicy?.canonical.rawValue)),
            ("options.enableMetadataMigration", .flag(enableMetadataMigration)),
            ("options.enableRestore", .flag(enableRestore)),
            ("options.enableFailedObjectRecording", .flag(enableFailedObjectRecording)),
            ("options.enableRequesterPays", .flag(enableRequesterPays)),
        ]
    }
}

/// A body with the option switches (create requests and answers of tasks and groups).
public protocol MigrationOptionFields {
    var enableKms: Bool? { get set }
    var objectOverwriteMode: ObjectOverwriteMode? { get set }
    var consistencyCheck: ConsistencyCheck? { get set }
    var dstStoragePolicy: StoragePolicy? { get set }
    var enableMetadataMigration: Bool? { get set }
    var enableRestore: Bool? { get set }
    var enableFailedObjectRecording: Bool? { get set }
    var enableRequesterPays: Bool? { get set }
}

extension MigrationOptionFields {
    /// The switches as one value, read or written at once.
    public var options: MigrationOptions {
        get {
            MigrationOptions(
                enableKms: enableKms, objectOverwriteMode: objectOverwriteMode, consistencyCheck: consistencyCheck,
                dstStoragePolicy: dstStoragePolicy, enableMetadataMigration: enableMetadataMigration, enableRestore: enableRestore,
                enableFailedObjectRecording: enableFailedObjectRecording, enableRequesterPays: enableRequesterPays)
        }
        set {
            (enableKms, objectOverwriteMode, consistencyCheck, dstStoragePolicy) =
                (newValue.enableKms, newValue.objectOverwriteMode, newValue.consistencyCheck, newValue.dstStoragePolicy)
            (enableMetadataMigration, enableRestore, enableFailedObjectRecording, enableRequesterPays) =
                (newValue.enableMetadataMigration, newValue.enableRestore, newValue.enableFailedObjectRecording, newValue.enableRequesterPays)
        }
    }
}

extension CreateTaskReq: MigrationOptionFields {}
extension CreateTaskGroupReq: MigrationOptionFields {}
extension TaskResp: MigrationOptionFields {}
extension TaskGroupResp: MigrationOptionFields {}
