import Foundation
import HTTPTypes
import Hummingbird

/// The routes of one kind of OMS resource below `v2/{project_id}`, in the shape OMS gives tasks,
/// task groups and synchronization tasks alike: a collection (`tasks`) that is listed and
/// posted to, and members (`tasks/{task_id}`) that are shown, deleted and acted on. A handler
/// gets only what its route carries (the member's id, the body or the query) and calls the
/// service; refusals are thrown as they are (`SandboxError` is an `HTTPResponseError`).
///
/// Answers are built by the caller (`HTTP.json`: some service calls return JSON they already
/// encoded, which must not be encoded again); an action that returns nothing answers an empty 200.
struct ResourceRoutes<Context: RequestContext> {
    typealias Query = [String: String]
    private let collection: RouterGroup<Context>
    private let member: RouterGroup<Context>
    private let idParameter: String

    /// `path` is the collection below `v2`; members are `path/{idParameter}`.
    init(_ v2: some RouterMethods<Context>, _ path: String, id idParameter: String) {
        collection = v2.group(RouterPath(path))
        member = collection.group(RouterPath(":\(idParameter)"))
        self.idParameter = idParameter
    }

    /// `GET` the collection (a page of it, as the query asks).
    func list(_ answer: @escaping @Sendable (Query) async throws -> Response) {
        collection.get { request, _ in try await answer(HTTP.query(request)) }
    }

    /// `POST` a body to the collection (a create), or to `path` below it.
    func post(_ path: String = "", _ answer: @escaping @Sendable (Data) async throws -> Response) {
        collection.post(RouterPath(path), body: answer)
    }

    /// `GET` a member, or `path` below it.
    func show(_ path: String = "", _ answer: @escaping @Sendable (_ id: String, Query) async throws -> Response) {
        let id = self.id
        member.get(RouterPath(path)) { request, context in try await answer(id(context), HTTP.query(request)) }
    }

    /// `DELETE` a member.
    func delete(_ action: @escaping @Sendable (_ id: String) async throws -> Void) {
        act(.delete, "", action)
    }

    /// An action on a member that takes no body (`stop`).
    func act(_ method: HTTPRequest.Method, _ path: String, _ action: @escaping @Sendable (_ id: String) async throws -> Void) {
        let id = self.id
        member.on(RouterPath(path), method: method) { _, context in
            try await action(id(context))
            return HTTP.empty()
        }
    }

    /// An action on a member that takes the body (`start`, `update`).
    func act(_ method: HTTPRequest.Method, _ path: String, _ action: @escaping @Sendable (_ id: String, Data) async throws -> Void) {
        let id = self.id
        member.on(RouterPath(path), method: method) { request, context in
            try await action(id(context), await HTTP.body(request))
            return HTTP.empty()
        }
    }

    /// Reads the member's id from the path: the router matched the parameter, so it is there.
    private var id: @Sendable (Context) -> String {
        { [idParameter] context in context.parameters.get(idParameter) ?? "" }
    }
}

extension RouterMethods {
    /// `POST path`, answered from the request's body alone.
    func post(_ path: RouterPath, body answer: @escaping @Sendable (Data) async throws -> Response) {
        post(path) { request, _ in try await answer(await HTTP.body(request)) }
    }
}
