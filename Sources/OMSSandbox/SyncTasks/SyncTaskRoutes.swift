import Foundation
import Hummingbird

/// `/v2/{project_id}/sync-tasks...`: each route only translates between HTTP and the service.
extension SandboxRoutes {
    func registerSyncTasks(_ v2: RouterGroup<BasicRequestContext>) {
        let s = service
        let syncTasks = ResourceRoutes(v2, "sync-tasks", id: "sync_task_id")
        syncTasks.post { body in HTTP.json(try await s.createSyncTask(body)) }
        syncTasks.list { q in HTTP.json(try await s.listSyncTasks(limit: q["limit"], offset: q["offset"], status: q["status"])) }
        syncTasks.show { id, q in HTTP.json(try await s.showSyncTask(id, queryTime: q["query_time"])) }
        syncTasks.delete(s.deleteSyncTask)
        syncTasks.act(.post, "stop", s.stopSyncTask)
        syncTasks.act(.post, "start", s.startSyncTask)
        syncTasks.act(.post, "events", s.createSyncEvents)
        syncTasks.show("statistics") { id, q in
            HTTP.json(try await s.syncTaskStatistics(id, dataTypes: q["data_type"], start: q["start_time"], end: q["end_time"]))
        }
    }
}
