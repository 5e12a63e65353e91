import Foundation
import HTTPTypes
import Hummingbird

/// The OMS v2 and IAM paths, exactly as the reference has them; each route only translates
/// between HTTP and `SandboxService`. Refusals are thrown as they are: `SandboxError` is an
/// `HTTPResponseError`, answered with OMS's status and body (and the request id, by
/// `SandboxMiddleware`).
struct SandboxRoutes {
    let service: SandboxService
    let baseURL: @Sendable () -> String

    func register(on router: Router<BasicRequestContext>) {
        let s = service
        let v2 = router.group("v2/:project_id")

        v2.get("tasks") { request, _ in
            let q = HTTP.query(request)
            return HTTP.json(encoded: try await s.listTasks(limit: q["limit"], offset: q["offset"], status: q["status"], groupId: q["group_id"]))
        }
        v2.post("tasks") { request, _ in
            let body = await HTTP.body(request)
            return HTTP.json(try await s.createTask(body))
        }
        v2.post("tasks/batch-update") { request, _ in
            let body = await HTTP.body(request)
            try await s.batchUpdateTasks(body)
            return HTTP.empty()
        }
        v2.get("tasks/:task_id") { _, context in
            let id = context.parameters.get("task_id") ?? ""
            return HTTP.json(encoded: try await s.showTask(id))
        }
        v2.delete("tasks/:task_id") { _, context in
            let id = context.parameters.get("task_id") ?? ""
            try await s.deleteTask(id)
            return HTTP.empty()
        }
        v2.post("tasks/:task_id/stop") { _, context in
            let id = context.parameters.get("task_id") ?? ""
            try await s.stopTask(id)
            return HTTP.empty()
        }
        v2.post("tasks/:task_id/start") { request, context in
            let id = context.parameters.get("task_id") ?? ""
            let body = await HTTP.body(request)
            try await s.startTask(id, body)
            return HTTP.empty()
        }
        v2.put("tasks/:task_id/bandwidth-policy") { request, context in
            let id = context.parameters.get("task_id") ?? ""
            let body = await HTTP.body(request)
            try await s.updateBandwidthPolicy(id, body)
            return HTTP.empty()
        }
        registerGroups(v2)
        registerSyncTasks(v2)
        registerBuckets(v2)
        registerVersionsAndIAM(router)
    }

    private func registerGroups(_ v2: RouterGroup<BasicRequestContext>) {
        let s = service
        v2.get("taskgroups") { request, _ in
            let q = HTTP.query(request)
            return HTTP.json(try await s.listTaskGroups(limit: q["limit"], offset: q["offset"], status: q["status"]))
        }
        v2.post("taskgroups") { request, _ in
            let body = await HTTP.body(request)
            return HTTP.json(try await s.createTaskGroup(body))
        }
        v2.get("taskgroups/:group_id") { _, context in
            let id = context.parameters.get("group_id") ?? ""
            return HTTP.json(try await s.showTaskGroup(id))
        }
        v2.delete("taskgroups/:group_id") { _, context in
            let id = context.parameters.get("group_id") ?? ""
            try await s.deleteTaskGroup(id)
            return HTTP.empty()
        }
        v2.put("taskgroups/:group_id/stop") { _, context in
            let id = context.parameters.get("group_id") ?? ""
            try await s.stopTaskGroup(id)
            return HTTP.empty()
        }
        v2.put("taskgroups/:group_id/start") { request, context in
            let id = context.parameters.get("group_id") ?? ""
            let body = await HTTP.body(request)
            try await s.startTaskGroup(id, body)
            return HTTP.empty()
        }
        v2.put("taskgroups/:group_id/retry") { request, context in
            let id = context.parameters.get("group_id") ?? ""
            let body = await HTTP.body(request)
            try await s.retryTaskGroup(id, body.isEmpty ? Data("{}".utf8) : body)
            return HTTP.empty()
        }
        v2.put("taskgroups/:group_id/update") { request, context in
            let id = context.parameters.get("group_id") ?? ""
            let body = await HTTP.body(request)
            try await s.updateTaskGroup(id, body)
            return HTTP.empty()
        }
    }

    private func registerBuckets(_ v2: RouterGroup<BasicRequestContext>) {
        let s = service
        v2.post("objectstorage/buckets/objects") { request, _ in
            let body = await HTTP.body(request)
            return HTTP.json(try s.listBucketObjects(body))
        }
        v2.post("objectstorage/buckets/cdn-info") { request, _ in
            let body = await HTTP.body(request)
            return HTTP.json(try s.showCdnInfo(body))
        }
        v2.post("objectstorage/buckets") { request, _ in
            let body = await HTTP.body(request)
            return HTTP.json(try s.listBuckets(body))
        }
        v2.post("objectstorage/buckets/regions") { request, _ in
            let body = await HTTP.body(request)
            return HTTP.json(try s.showBucketRegion(body))
        }
        v2.post("objectstorage/buckets/prefix") { request, _ in
            let body = await HTTP.body(request)
            return HTTP.json(try s.checkPrefix(body))
        }
        v2.get("objectstorage/cloud-type") { request, _ in HTTP.json(try s.listCloudTypes(HTTP.query(request)["type"])) }
        v2.get("objectstorage/data-center") { _, _ in HTTP.json(s.listRegions()) }
    }

    private func registerVersionsAndIAM(_ router: Router<BasicRequestContext>) {
        let s = service
        let base = baseURL
        router.get("/") { _, _ in HTTP.json(s.apiVersions(baseURL: base())) }
        // Literal routes: `/v2/...` routes would otherwise shadow `GET /v2` itself.
        for id in ["v1", "v2"] {
            router.get(RouterPath(id)) { _, _ in HTTP.json(s.apiVersion(id, baseURL: base())!) }
        }
        router.get(":version") { _, context in
            guard let version = s.apiVersion(context.parameters.get("version") ?? "", baseURL: base()) else {
                throw SandboxError(404, .noSuchResource, "No such API version.")
            }
            return HTTP.json(version)
        }
        router.post("v3/auth/tokens") { request, _ in
            let body = await HTTP.body(request)
            let (token, response) = try await s.login(body)
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Subject-Token")!] = token
            return HTTP.json(response, status: .created, headers: headers)
        }
        router.get("v3/projects") { request, _ in HTTP.json(s.projects(name: HTTP.query(request)["name"])) }
    }
}
