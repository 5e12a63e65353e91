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

    func register(on router: some RouterMethods<BasicRequestContext>) {
        let v2 = router.group("v2/:project_id")
        registerTasks(v2)
        registerGroups(v2)
        registerSyncTasks(v2)
        registerBuckets(v2)
        registerVersionsAndIAM(router)
    }

    private func registerTasks(_ v2: RouterGroup<BasicRequestContext>) {
        let s = service
        let tasks = ResourceRoutes(v2, "tasks", id: "task_id")
        // Tasks are listed and shown from the JSON the store keeps, encoded once.
        tasks.list { q in HTTP.json(encoded: try await s.listTasks(limit: q["limit"], offset: q["offset"], status: q["status"], groupId: q["group_id"])) }
        tasks.post { body in HTTP.json(try await s.createTask(body)) }
        tasks.post("batch-update") { body in
            try await s.batchUpdateTasks(body)
            return HTTP.empty()
        }
        tasks.show { id, _ in HTTP.json(encoded: try await s.showTask(id)) }
        tasks.delete(s.deleteTask)
        tasks.act(.post, "stop", s.stopTask)
        tasks.act(.post, "start", s.startTask)
        tasks.act(.put, "bandwidth-policy", s.updateBandwidthPolicy)
    }

    private func registerGroups(_ v2: RouterGroup<BasicRequestContext>) {
        let s = service
        let groups = ResourceRoutes(v2, "taskgroups", id: "group_id")
        groups.list { q in HTTP.json(try await s.listTaskGroups(limit: q["limit"], offset: q["offset"], status: q["status"])) }
        groups.post { body in HTTP.json(try await s.createTaskGroup(body)) }
        groups.show { id, _ in HTTP.json(try await s.showTaskGroup(id)) }
        groups.delete(s.deleteTaskGroup)
        groups.act(.put, "stop", s.stopTaskGroup)
        groups.act(.put, "start", s.startTaskGroup)
        // A retry may come with no body at all; it means the same as `{}`.
        groups.act(.put, "retry") { id, body in try await s.retryTaskGroup(id, body.isEmpty ? Data("{}".utf8) : body) }
        groups.act(.put, "update", s.updateTaskGroup)
    }

    /// The bucket lookups take their question as a POST body.
    private func registerBuckets(_ v2: RouterGroup<BasicRequestContext>) {
        let s = service
        let buckets = v2.group("objectstorage/buckets")
        buckets.post("", body: { body in HTTP.json(try s.listBuckets(body)) })
        buckets.post("objects", body: { body in HTTP.json(try s.listBucketObjects(body)) })
        buckets.post("cdn-info", body: { body in HTTP.json(try s.showCdnInfo(body)) })
        buckets.post("regions", body: { body in HTTP.json(try s.showBucketRegion(body)) })
        buckets.post("prefix", body: { body in HTTP.json(try s.checkPrefix(body)) })
        v2.get("objectstorage/cloud-type") { request, _ in HTTP.json(try s.listCloudTypes(HTTP.query(request)["type"])) }
        v2.get("objectstorage/data-center") { _, _ in HTTP.json(s.listRegions()) }
    }

    private func registerVersionsAndIAM(_ router: some RouterMethods<BasicRequestContext>) {
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
