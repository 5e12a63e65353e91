import Foundation
import OMSClient
import Testing

@testable import Reconciler

/// An OMS (or a stand-in) without the synchronization-task API answers 404 to its list: the
/// live read goes on with none, so stacks without sync tasks work there as before. Any other
/// refusal of the list is still an error.
@Suite struct LiveStateSyncTasksTests {
    final class NoSyncTasksOMS: HTTPTransport {
        let syncAnswer: (Int, String)
        init(syncAnswer: (Int, String)) { self.syncAnswer = syncAnswer }

        func send(_ request: HTTPRequestData, timeout: Duration) async throws(TransportError) -> HTTPResponseData {
            func json(_ status: Int, _ body: String) -> HTTPResponseData {
                HTTPResponseData(status: status, headers: [(name: "Content-Type", value: "application/json")], body: Data(body.utf8))
            }
            if request.url.contains("/sync-tasks") { return json(syncAnswer.0, syncAnswer.1) }
            if request.url.contains("/taskgroups") { return json(200, #"{"taskgroups":[],"count":0}"#) }
            return json(200, #"{"tasks":[],"count":0}"#)
        }
    }

    static func read(_ answer: (Int, String)) async throws -> LiveState {
        let client = try OMSClient(
            configuration: OMSClientConfiguration(
                endpoint: "https://oms.example.test", projectId: "proj1",
                authentication: .accessKey(.init(accessKey: "AKTEST", secretKey: "FAKE-SECRET-KEY")),
                retry: RetryPolicy(maximumAttempts: 1)),
            transport: NoSyncTasksOMS(syncAnswer: answer), sleep: { _ in })
        return try await LiveState.read(from: client)
    }

    @Test func aMissingSyncTaskAPIIsNoSyncTasks() async throws {
        let plain = try await Self.read((404, #"{"error_code":"APIGW.0101","error_msg":"The API does not exist or has not been published"}"#))
        #expect(plain.syncTasks.isEmpty && plain.tasks.isEmpty)
        let bare = try await Self.read((404, "{}"))
        #expect(bare.syncTasks.isEmpty)
    }

    @Test func otherRefusalsOfTheListAreErrors() async throws {
        await #expect(throws: OMSClientError.self) { _ = try await Self.read((403, #"{"error_code":"OMS.0206","error_msg":"no permission"}"#)) }
        await #expect(throws: OMSClientError.self) { _ = try await Self.read((404, #"{"error_code":"OMS.1009","error_msg":"not found"}"#)) }
    }
}
