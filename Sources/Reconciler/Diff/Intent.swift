import Foundation
import MigrationPlan
import OMSClient
import Synchronization

/// What has to happen to one resource, before it is turned into ordered OMS calls.
enum Intent: Sendable, Hashable {
    /// Create; `pause` when the plan wants it paused (OMS starts what it creates).
    case create(address: ResourceAddress, pause: Bool)
    /// Pause if running, wait, delete, then create anew.
    case replace(address: ResourceAddress, live: LiveResource, pause: Bool)
    /// Pause if running, wait, delete.
    case delete(live: LiveResource)
    /// New rules (and, for tasks, priority) on a live resource.
    case setBandwidth(live: LiveResource, rules: [BandwidthPolicy], priority: TaskPriority?)
    /// Resume a paused resource (after a pause in progress has finished).
    case start(address: ResourceAddress, live: LiveResource)
    case pause(live: LiveResource)
    case retry(address: ResourceAddress, live: LiveResource, failedObjectsOnly: Bool)
}

/// The differ's verdict on one resource: the reported change and the intents behind it.
struct Decision: Sendable {
    var change: ResourceChange
    var intents: [Intent]
    var address: ResourceAddress?
}
