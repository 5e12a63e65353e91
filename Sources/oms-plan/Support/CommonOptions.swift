import ArgumentParser
import Foundation
import MigrationPlan
import Reconciler

/// Where OMS is and which project: the flags every OMS-facing command takes.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "OMS base URL (env OMS_ENDPOINT); default https://oms.{region}.myhuaweicloud.com; 'sandbox' for the embedded sandbox.")
    var endpoint: String?

    @Option(help: "Project id in the request path (env OMS_PROJECT_ID, HUAWEICLOUD_SDK_PROJECT_ID; default Stack.spec.projectId).")
    var projectId: String?

    @Option(help: "OMS region (env OMS_REGION); overrides Stack.spec.region.")
    var region: String?

    @Option(help: "Per-request timeout in seconds (0.1 to 3600).")
    var requestTimeout = Seconds(30)

    func validate() throws {
        try require(requestTimeout.value >= 0.1 && requestTimeout.value <= 3600, "--request-timeout must be between 0.1 and 3600 seconds")
    }
}

/// Which plan to read and how: what every command that loads a plan takes (validate, and
/// through `PlanOptions` diff, apply, reconcile and status).
struct PlanSource: ParsableArguments {
    /// None given: the current folder, as `terraform plan` reads the one it runs in.
    @Argument(help: "Plan directories or files.")
    var paths: [String] = ["."]

    @Flag(help: "Let ${file:} read files outside the plan's repository (the folder with .git, or the plan folder).")
    var allowFileOutsideRepo = false

    @Option(help: UnknownRegionSeverity.help)
    var unknownRegions: UnknownRegionSeverity?

    /// The loader's options for these arguments, evaluated at `date`.
    func loadOptions(at date: Date, secretsRequired: Bool = false, placeholderForUnsetSecrets: Bool = false) -> LoadOptions {
        var environment = PlanEnvironment.live
        environment.allowFilesOutsideRepository = allowFileOutsideRepo
        return LoadOptions(
            environment: environment, evaluationDate: date, secretsRequired: secretsRequired,
            placeholderForUnsetSecrets: placeholderForUnsetSecrets, unknownRegions: unknownRegions)
    }
}

/// The plan, which part of it, and how to print.
struct PlanOptions: ParsableArguments {
    @OptionGroup var source: PlanSource

    var paths: [String] { source.paths }

    @Option(name: .customLong("target"), help: "Limit to this address (Kind/name, e.g. MigrationTask/name) and what it depends on (repeatable).")
    var targets: [ResourceAddress] = []

    @Option(help: "Limit to resources with this label (k=v).")
    var selector: LabelSelector?

    @Option(help: "Output format: text, json or markdown.")
    var output: OutputFormat = .text

    @Flag(help: "Print every create: past 50, text and markdown show creates alike but for names and source keys as one line (json always lists every change).")
    var full = false

    @Flag(help: "No color (also when NO_COLOR is set; color is used on terminals only).")
    var noColor = false

    var useColor: Bool {
        !noColor && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) == 1
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}

/// `--unknown-regions error|warning`: what a region missing from oms-plan's table of regions
/// OMS supports is (docs/regions.md). Wins over `OMS_PLAN_UNKNOWN_REGIONS`, which wins over
/// the stack's `spec.unknownRegions`.
extension UnknownRegionSeverity: ExpressibleByArgument {
    static let help = ArgumentHelp(
        "A region missing from oms-plan's table of regions OMS supports is an error or only a warning (for regions newer than the table). Wins over OMS_PLAN_UNKNOWN_REGIONS, which wins over the Stack's spec.unknownRegions (default error).",
        valueName: "error|warning")
}

/// Flags of the commands that change OMS.
struct ApplyFlags: ParsableArguments {
    @Option(name: .customLong("allow-replace"), help: "Let apply replace this address (Kind/name) although it has moved data (repeatable).")
    var allowReplace: [ResourceAddress] = []

    @Option(help: "At most this many OMS requests in flight (1 to 64).")
    var parallelism = Count(8)

    @Option(help: "Seconds to wait for another run of the same stack to finish before giving up (0 to 30 days).")
    var lockTimeout = Seconds(60)

    @Option(help: "Seconds to wait for a task or group to reach Paused before deleting it (1 to 30 days).")
    var settleTimeout = Seconds(600)

    @Flag(help: "Print the messages the plan's Notifications would send after each pass (URLs never shown) instead of sending them.")
    var dryRunNotifications = false

    func validate() throws {
        try require((1...64).contains(parallelism.value), "--parallelism must be between 1 and 64")
        try require(settleTimeout.value >= 1, "--settle-timeout must be at least 1 second")
    }
}
