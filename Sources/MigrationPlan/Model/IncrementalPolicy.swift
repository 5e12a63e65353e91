import Foundation

/// `spec.incremental` of a task or group (issue 25): after its full copy succeeded, a pass
/// every `every` seconds copies what changed at the source since the previous copy started
/// (less `overlap`), each pass a new OMS task (or group) with `migrate_since`; the last `keep`
/// succeeded passes stay in OMS once their counts are recorded.
///
/// Never identity and never sent to OMS with the full copy: adding, changing or removing it
/// leaves the full copy's fingerprint, marker and create body as they were (the identity
/// goldens hold it), so it never replaces the full copy.
public struct IncrementalPolicy: Hashable, Sendable {
    /// Seconds between the start of one successful copy and the next pass (at least 60).
    public var every: TimeInterval
    /// Seconds `migrate_since` reaches back before the previous copy's start (0 up to, not
    /// including, `every`): clocks differ and listing takes time; overlapping objects are mostly
    /// skipped by the overwrite mode, so an overlap costs little.
    public var overlap: TimeInterval
    /// Succeeded pass tasks kept in OMS after their counts are recorded (0 to 100).
    public var keep: Int

    public static let minimumEvery: TimeInterval = 60
    /// The longest `every` the plan takes: 30 days (a pass less often is a new full copy).
    public static let maximumEvery: TimeInterval = 30 * 86_400
    public static let defaultOverlap: TimeInterval = 15 * 60
    public static let defaultKeep = 3
    public static let keepRange = 0...100

    public init(every: TimeInterval, overlap: TimeInterval = IncrementalPolicy.defaultOverlap, keep: Int = IncrementalPolicy.defaultKeep) {
        self.every = every
        self.overlap = overlap
        self.keep = keep
    }
}
