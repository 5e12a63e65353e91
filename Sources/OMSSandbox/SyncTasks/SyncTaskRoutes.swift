import Foundation
import Hummingbird

/// `/v2/{project_id}/sync-tasks...`: each route only translates between HTTP and the service.
extension SandboxRoutes {
    func registerSyncTasks(_ v2: RouterGroup<BasicRequestContext>) {
        let s = service
        v2.post("sync-tasks") { request, _ in
            let body = await HTTP.body(request)
            return HTTP.json(try await s.createSyncTask(body))
        }
        v2.get("sync-tasks") { request, _ in
            let q = HTTP.query(request)
            return HTTP.json(try await s.listSyncTasks(limit: q["limit"], offset: q["offset"], status: q["status"]))
        }
        v2.get("sync-tasks/:sync_task_id") { request, context in
            let id = context.parameters.get("sync_task_id") ?? ""
            return HTTP.json(try await s.showSyncTask(id, queryTime: HTTP.query(request)["query_time"]))
        }
        v2.delete("sync-tasks/:sync_task_id") { _, context in
            let id = context.parameters.get("sync_task_id") ?? ""
            try await s.deleteSyncTask(id)
            return HTTP.empty()
        }
        v2.post("sync-tasks/:sync_task_id/stop") { _, context in
            let id = context.parameters.get("sync_task_id") ?? ""
            try await s.stopSyncTask(id)
            return HTTP.empty()
        }
        v2.post("sync-tasks/:sync_task_id/start") { request, context in
            let id = context.parameters.get("sync_task_id") ?? ""
            let body = await HTTP.body(request)
            try await s.startSyncTask(id, body)
            return HTTP.empty()
        }
        v2.post("sync-tasks/:sync_task_id/events") { request, context in
            let id = context.parameters.get("sync_task_id") ?? ""
            let body = await HTTP.body(request)
            try await s.createSyncEvents(id, body)
            return HTTP.empty()
        }
        v2.get("sync-tasks/:sync_task_id/statistics") { request, context in
            let id = context.parameters.get("sync_task_id") ?? ""
            let q = HTTP.query(request)
            return HTTP.json(try await s.syncTaskStatistics(id, dataTypes: q["data_type"], start: q["start_time"], end: q["end_time"]))
        }
    }
}
