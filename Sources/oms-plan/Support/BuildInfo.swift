/// What this binary is: its version and the commit it was built from.
///
/// A development build says "development"; `scripts/release.sh` builds from an export of HEAD
/// in which it rewrites these two lines (the working tree is never changed), so a release binary
/// names its exact source. Keep each on one line: the script matches them by their text.
enum BuildInfo {
    static let version = "0.4.0"
    static let commit = "development"

    /// `oms-plan --version`: "0.4.0 (commit 1a2b3c4)".
    static var versionLine: String { "\(version) (commit \(commit))" }
}
