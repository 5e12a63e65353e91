import Foundation
import Testing

@testable import OMSClient

@Suite struct ClientBehaviourTests {
    static let sampleCreate = CreateTaskReq(
        taskType: .prefix,
        srcNode: SrcNodeReq(cloudType: .aliyun, region: "cn-hangzhou", ak: "SRC-AK-0001", sk: "SRC-SK-VERY-SECRET", bucket: "b", objectKey: [""]),
        dstNode: DstNodeReq(region: "cn-north-4", bucket: "d", ak: "DST-AK-0001", sk: "DST-SK-VERY-SECRET"))

    @Test func signsWithAccessKeyAndProjectHeader() async throws {
        let transport = ScriptedTransport { _, _ throws(TransportError) in .json(200, #"{"tasks":[],"count":0}"#) }
        let client = try makeClient(transport)
        _ = try await client.listTasks(limit: 10, offset: 0)
        let request = try #require(transport.requests.first)
        #expect(request.url == "https://oms.cn-north-4.myhuaweicloud.com/v2/proj1/tasks?limit=10&offset=0")
        #expect(request.header("X-Project-Id") == "proj1")
        #expect(request.header("Host") == "oms.cn-north-4.myhuaweicloud.com")
        let authorization = try #require(request.header("Authorization"))
        #expect(authorization.hasPrefix("SDK-HMAC-SHA256 Access=AKTEST, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature="))
        // The signature verifies against what is on the wire.
        let date = try #require(request.header("X-Sdk-Date"))
        let parts = RequestSigner.SignedParts(
            method: "GET", path: "/v2/proj1/tasks", query: Array(request.query.map { ($0.key, $0.value) }),
            headers: request.headers.filter { $0.name != "Authorization" }.map { ($0.name, $0.value) }, body: Data())
        let expected = RequestSigner.sign(parts, secretKey: "SECRET-KEY-123", date: date)
        #expect(authorization == expected.authorization(accessKey: "AKTEST"))
    }

    @Test func temporaryKeysSendTheSecurityToken() async throws {
        let transport = ScriptedTransport { _, _ throws(TransportError) in .json(200, #"{"tasks":[],"count":0}"#) }
        let client = try makeClient(transport, authentication: .accessKey(.init(accessKey: "AK", secretKey: "SK", securityToken: "TOKEN-XYZ")))
        _ = try await client.listTasks()
        let request = try #require(transport.requests.first)
        #expect(request.header("X-Security-Token") == "TOKEN-XYZ")
        #expect(request.header("Authorization")?.contains("x-security-token") == true)
    }

    @Test func tokenAuthenticationSendsXAuthToken() async throws {
        let transport = ScriptedTransport { _, _ throws(TransportError) in .json(200, #"{"count":0,"taskgroups":[]}"#) }
        let client = try makeClient(transport, authentication: .token("IAM-TOKEN"))
        _ = try await client.listTaskGroups()
        #expect(transport.requests.first?.header("X-Auth-Token") == "IAM-TOKEN")
        #expect(transport.requests.first?.header("Authorization") == nil)
    }

    @Test func passwordLoginIsCachedAndRenewedAfter401() async throws {
        let transport = ScriptedTransport { request, index throws(TransportError) in
            if request.url.hasSuffix("/v3/auth/tokens") {
                return .json(201, #"{"token":{"expires_at":"2099-01-01T00:00:00.000000Z"}}"#, headers: [("X-Subject-Token", "TOKEN-\(index)")])
            }
            if request.header("X-Auth-Token") == "TOKEN-0" && index == 3 { return .json(401, #"{"error_code":"APIGW.0301","error_msg":"expired"}"#) }
            return .json(200, #"{"tasks":[],"count":0}"#)
        }
        let client = try makeClient(
            transport, authentication: .password(.init(userName: "u", password: "p@ss-word", domainName: "d", iamEndpoint: "https://iam.example")))
        _ = try await client.listTasks()
        _ = try await client.listTasks()
        _ = try await client.listTasks()  // answered 401, logs in again, retries
        let logins = transport.requests.filter { $0.url.hasSuffix("/v3/auth/tokens") }
        #expect(logins.count == 2)
        #expect(transport.requests.last?.header("X-Auth-Token") == "TOKEN-4")
        let loginBody = String(decoding: logins[0].body ?? Data(), as: UTF8.self)
        #expect(loginBody.contains("\"password\""))
    }

    @Test func busyAnswersAreRetriedThenSucceed() async throws {
        let transport = ScriptedTransport { _, index throws(TransportError) in
            index < 2 ? .json(503, #"{"error_code":"OMS.2004","error_msg":"busy"}"#) : .json(200, #"{"id":7,"name":"t"}"#)
        }
        let client = try makeClient(transport)
        let task = try await client.showTask(id: 7)
        #expect(task.id == 7)
        #expect(transport.requests.count == 3)
        #expect(client.statistics.retryCount == 2)
    }

    @Test func retriesStopAtTheLimit() async throws {
        let transport = ScriptedTransport { _, _ throws(TransportError) in .json(500, #"{"error_code":"OMS.1001","error_msg":"boom"}"#) }
        let client = try makeClient(transport, attempts: 3)
        await #expect(throws: OMSClientError.self) { try await client.showTask(id: 1) }
        #expect(transport.requests.count == 3)
    }

    @Test func refusalsAreTypedAndNotRetried() async throws {
        let transport = ScriptedTransport { _, _ throws(TransportError) in
            .json(400, #"{"error_code":"OMS.0063","error_msg":"task is in progress"}"#)
        }
        let client = try makeClient(transport)
        do {
            try await client.deleteTask(id: 42)
            Issue.record("expected a refusal")
        } catch {
            guard case .api(let api) = error else { Issue.record("wrong error \(error)"); return }
            #expect(api.httpStatus == 400)
            #expect(api.errorCode == "OMS.0063")
            #expect(api.requestId == "req-400")
            #expect(api.operation == "DeleteTask")
        }
        #expect(transport.requests.count == 1)
    }

    @Test func unknownTaskIsNotFound() async throws {
        let transport = ScriptedTransport { _, _ throws(TransportError) in .json(400, #"{"error_code":"OMS.1009","error_msg":"no resources"}"#) }
        let client = try makeClient(transport)
        do {
            _ = try await client.showTask(id: 9)
            Issue.record("expected OMS.1009")
        } catch {
            #expect(error.isNotFound)
        }
    }

    @Test func lostAnswerToCreateIsOutcomeUnknownAndNotResent() async throws {
        let transport = ScriptedTransport { _, _ throws(TransportError) in throw .answerLost("connection reset") }
        let client = try makeClient(transport)
        do {
            _ = try await client.createTask(Self.sampleCreate)
            Issue.record("expected outcomeUnknown")
        } catch {
            guard case .outcomeUnknown = error else { Issue.record("wrong error \(error)"); return }
        }
        #expect(transport.requests.count == 1)
    }

    @Test func timeoutOfCreateIsOutcomeUnknown() async throws {
        let transport = ScriptedTransport { _, _ throws(TransportError) in throw .timedOut }
        let client = try makeClient(transport)
        await #expect { try await client.createTask(Self.sampleCreate) } throws: { error in
            if case OMSClientError.outcomeUnknown = error { return true }
            return false
        }
        #expect(transport.requests.count == 1)
    }

    @Test func createIsRetriedWhenOMSSaysBusyOrNothingWasSent() async throws {
        let transport = ScriptedTransport { _, index throws(TransportError) in
            switch index {
            case 0: throw .notSent("connection refused")
            case 1: return .json(503, #"{"error_code":"OMS.2004","error_msg":"busy"}"#)
            default: return .json(200, #"{"id":200429548242937,"task_name":"t"}"#)
            }
        }
        let client = try makeClient(transport)
        let created = try await client.createTask(Self.sampleCreate)
        #expect(created.id == 200429548242937)
        #expect(transport.requests.count == 3)
    }

    @Test func createAnswered502IsOutcomeUnknown() async throws {
        let transport = ScriptedTransport { _, _ throws(TransportError) in .json(502, "bad gateway") }
        let client = try makeClient(transport)
        await #expect { try await client.createTask(Self.sampleCreate) } throws: { error in
            if case OMSClientError.outcomeUnknown = error { return true }
            return false
        }
        #expect(transport.requests.count == 1)
    }

    @Test func idempotentCallsAreRetriedAfterLostAnswers() async throws {
        let transport = ScriptedTransport { _, index throws(TransportError) in
            if index == 0 { throw .answerLost("reset") }
            if index == 1 { throw .timedOut }
            return .json(200, "")
        }
        let client = try makeClient(transport)
        try await client.stopTask(id: 5)
        #expect(transport.requests.count == 3)
    }

    @Test func secretsNeverAppearInErrors() async throws {
        let transport = ScriptedTransport { _, _ throws(TransportError) in
            .json(400, #"{"error_code":"OMS.0057","error_msg":"source sk SRC-SK-VERY-SECRET rejected, client key SECRET-KEY-123"}"#)
        }
        let client = try makeClient(transport)
        do {
            _ = try await client.createTask(Self.sampleCreate)
            Issue.record("expected the create to be refused")
        } catch {
            let text = error.description
            #expect(!text.contains("SRC-SK-VERY-SECRET"))
            #expect(!text.contains("SECRET-KEY-123"))
            #expect(text.contains("OMS.0057"))
        }
        #expect(!"\(AccessKeyCredentials(accessKey: "AK", secretKey: "TOPSECRET"))".contains("TOPSECRET"))
    }

    @Test func listAllTasksReadsPagesConcurrentlyAndDeduplicates() async throws {
        let total = 250
        let transport = ScriptedTransport { request, _ throws(TransportError) in
            let offset = Int(request.query["offset"] ?? "0")!
            let limit = Int(request.query["limit"] ?? "10")!
            // Page 2 repeats the last task of page 1, as happens when a task is created mid-listing.
            let start = offset == 100 ? 99 : offset
            let ids = (start..<min(total, offset + limit)).map { #"{"id":\#($0)}"# }.joined(separator: ",")
            return .json(200, #"{"count":\#(total),"tasks":[\#(ids)]}"#)
        }
        let client = try makeClient(transport)
        let tasks = try await client.listAllTasks()
        #expect(tasks.count == total)
        #expect(tasks.map { $0.id } == (0..<Int64(total)).map { Optional($0) })
        #expect(transport.requests.count == 3)
        #expect(Set(transport.requests.map { $0.query["offset"]! }) == ["0", "100", "200"])
        #expect(transport.requests.allSatisfy { $0.query["limit"] == "100" })
    }

    @Test func groupTasksAreListedByGroupId() async throws {
        let transport = ScriptedTransport { _, _ throws(TransportError) in .json(200, #"{"count":1,"tasks":[{"id":1,"group_id":"g-1","group_type":"GROUP_TASK"}]}"#) }
        let client = try makeClient(transport)
        let tasks = try await client.listAllTasks(groupId: "g-1")
        #expect(tasks.first?.groupType == .groupTask)
        #expect(transport.requests.first?.query["group_id"] == "g-1")
    }

    @Test func backoffGrowsAndIsCapped() {
        let policy = RetryPolicy(maximumAttempts: 10, baseDelay: .milliseconds(100), maximumDelay: .seconds(1))
        #expect(policy.delay(beforeAttempt: 2, random: 1) == .milliseconds(100))
        #expect(policy.delay(beforeAttempt: 3, random: 1) == .milliseconds(200))
        #expect(policy.delay(beforeAttempt: 9, random: 1) == .seconds(1))
        #expect(policy.delay(beforeAttempt: 4, random: 0) == .zero)
    }

    @Test func environmentCredentialsFollowTheContract() {
        let ak = EnvironmentCredentials.authentication(
            from: ["HUAWEICLOUD_SDK_AK": "a", "HUAWEICLOUD_SDK_SK": "s", "HUAWEICLOUD_SDK_SECURITY_TOKEN": "t"], region: nil)
        guard case .accessKey(let keys) = ak else { Issue.record("expected AK/SK"); return }
        #expect(keys.securityToken == "t")
        guard case .token("x") = EnvironmentCredentials.authentication(from: ["OMS_AUTH_TOKEN": "x"], region: nil) else {
            Issue.record("expected token"); return
        }
        #expect(EnvironmentCredentials.authentication(from: [:], region: nil) == nil)
        #expect(EnvironmentCredentials.anyConfigured(in: ["HUAWEICLOUD_SDK_AK": "a"]))
    }
}
