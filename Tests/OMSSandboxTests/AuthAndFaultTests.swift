import Foundation
import Testing

@testable import OMSClient
@testable import OMSSandbox

@Suite(.serialized) struct AuthAndFaultTests {
    @Test func wrongSecretKeyIsRefusedWith401() async throws {
        try await withSandbox { sandbox in
            let bad = try OMSClient(
                configuration: OMSClientConfiguration(
                    endpoint: sandbox.endpoint, projectId: sandbox.server.configuration.projectId,
                    authentication: .accessKey(.init(accessKey: SandboxConfiguration.defaultAccessKey, secretKey: "wrong")),
                    retry: .none))
            do throws(OMSClientError) {
                _ = try await bad.listTasks()
                Issue.record("expected 401")
            } catch {
                #expect(error.httpStatus == 401)
            }
        }
    }

    @Test func tamperedOrStaleRequestsAreRefused() async throws {
        try await withSandbox { sandbox in
            let client = sandbox.client
            let call = OMSClient.Call(operation: "ListTasks", method: "GET", path: client.projectPath("/tasks"), query: [("limit", "5")])
            let transport = AsyncHTTPClientTransport()
            func send(_ request: HTTPRequestData) async throws -> Int {
                try await transport.send(request, timeout: .seconds(10)).status
            }
            let good = try await client.prepare(call)
            #expect(try await send(good) == 200)
            var query = good
            query.url = good.url.replacingOccurrences(of: "limit=5", with: "limit=6")
            #expect(try await send(query) == 401)
            var path = good
            path.url = good.url.replacingOccurrences(of: "/tasks", with: "/taskgroups")
            #expect(try await send(path) == 401)
            let stale = try await client.prepare(call, now: Date().addingTimeInterval(-20 * 60))
            #expect(try await send(stale) == 401)
            let bodyCall = OMSClient.Call(
                operation: "CreateTask", method: "POST", path: client.projectPath("/tasks"), body: Data(#"{"a":1}"#.utf8))
            var body = try await client.prepare(bodyCall)
            body.body = Data(#"{"a":2}"#.utf8)
            #expect(try await send(body) == 401)
        }
    }

    @Test func otherProjectsAreForbidden() async throws {
        try await withSandbox { sandbox in
            let other = try OMSClient(
                configuration: OMSClientConfiguration(
                    endpoint: sandbox.endpoint, projectId: "someoneelse",
                    authentication: .accessKey(.init(accessKey: SandboxConfiguration.defaultAccessKey, secretKey: SandboxConfiguration.defaultSecretKey)),
                    retry: .none))
            do throws(OMSClientError) {
                _ = try await other.listTasks()
                Issue.record("expected 403")
            } catch {
                #expect(error.httpStatus == 403)
            }
        }
    }

    @Test func passwordLoginGivesATokenTheAPIAccepts() async throws {
        try await withSandbox { sandbox in
            let client = try OMSClient(
                configuration: OMSClientConfiguration(
                    endpoint: sandbox.endpoint, projectId: sandbox.server.configuration.projectId,
                    authentication: .password(.init(userName: "alice", password: "alice-password", domainName: "acme", iamEndpoint: sandbox.endpoint))))
            #expect(try await client.listTasks().count == 0)
            let wrong = try OMSClient(
                configuration: OMSClientConfiguration(
                    endpoint: sandbox.endpoint, projectId: sandbox.server.configuration.projectId,
                    authentication: .password(.init(userName: "alice", password: "nope", domainName: "acme", iamEndpoint: sandbox.endpoint))))
            await #expect(throws: OMSClientError.self) { _ = try await wrong.listTasks() }
            let token = try OMSClient(
                configuration: OMSClientConfiguration(
                    endpoint: sandbox.endpoint, projectId: sandbox.server.configuration.projectId, authentication: .token("made-up"), retry: .none))
            do throws(OMSClientError) {
                _ = try await token.listTasks()
                Issue.record("expected 401 for an unknown token")
            } catch {
                #expect(error.httpStatus == 401)
            }
        }
    }

    @Test func busyFaultsAreRetriedByTheClient() async throws {
        try await withSandbox { sandbox in
            sandbox.server.faults.add(.init(kind: .busy, count: 2))
            let page = try await sandbox.client.listTasks()
            #expect(page.count == 0)
            #expect(sandbox.client.statistics.retryCount == 2)
        }
    }

    @Test func droppedAnswerToACreateIsOutcomeUnknownButTheTaskExists() async throws {
        try await withSandbox { sandbox in
            sandbox.server.faults.add(.init(kind: .drop, count: 1, pathPrefix: "/v2/"))
            do throws(OMSClientError) {
                _ = try await sandbox.client.createTask(SandboxHarness.prefixTask())
                Issue.record("expected the answer to be lost")
            } catch {
                guard case .outcomeUnknown = error else { Issue.record("got \(error)"); return }
            }
            let page = try await sandbox.client.listTasks()
            #expect(page.count == 1)
        }
    }

    @Test func urlListTasksFetchFromLoopbackOnly() async throws {
        try await withSandbox { sandbox in
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            // The sandbox's own clock document is a loopback URL that answers 200.
            let lines = "\(sandbox.endpoint)/control/clock\tversions/v2.json\nhttp://example.com/outside.bin\tout.bin\n"
            try sandbox.buckets.write(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: "urls.txt", data: Data(lines.utf8), modified: nil)
            let request = CreateTaskReq(
                taskType: .urlList, srcNode: SrcNodeReq(cloudType: .urlSource, listFile: ListFile(listFileKey: "urls.txt", obsBucket: "dst")),
                dstNode: DstNodeReq(region: "cn-north-4", bucket: "dst", ak: "d", sk: "d"))
            let id = try #require(try await sandbox.client.createTask(request).id)
            try await sandbox.run(30)
            let task = try await sandbox.client.showTask(id: id)
            #expect(task.successfulNum == 1)
            #expect(task.failedNum == 1)
            #expect(sandbox.buckets.object(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: "versions/v2.json") != nil)
        }
    }
}
