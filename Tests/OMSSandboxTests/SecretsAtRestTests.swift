import AsyncHTTPClient
import Foundation
import NIOCore
import OMSClient
import OMSModels
import Testing

@testable import OMSSandbox

@Suite struct SecretsAtRestTests {
    static let sourceAK = "ATREST-SRC-AK-5c1e"
    static let sourceSK = "ATREST-SRC-SK-9d7b2"
    static let destinationSK = "ATREST-DST-SK-44f0a"

    /// Every byte of every file under `directory` (bucket objects excluded).
    static func stateBytes(_ directory: URL) -> [(String, Data)] {
        var files: [(String, Data)] = []
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasPrefix("buckets") { continue }
            let path = directory.appendingPathComponent(relative).path
            if LocalBuckets.isRegularFile(path), let data = FileManager.default.contents(atPath: path) { files.append((relative, data)) }
        }
        return files
    }

    static func permissions(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func keysAreStoredOnlyAsSealsAndFilesArePrivate() async throws {
        try await withSandbox { sandbox in
            // A bucket that accepts one key pair: the seal must still let the engine check it.
            try sandbox.seed(.aliyun, "cn-hangzhou", "locked", objects: 2, keys: ["\(Self.sourceAK):\(Self.sourceSK)"])
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            let request = CreateTaskReq(
                taskType: .prefix,
                srcNode: SrcNodeReq(cloudType: .aliyun, region: "cn-hangzhou", ak: Self.sourceAK, sk: Self.sourceSK, bucket: "locked", objectKey: [""]),
                dstNode: DstNodeReq(region: "cn-north-4", bucket: "dst", ak: "ATREST-DST-AK", sk: Self.destinationSK))
            let created = try await sandbox.client.createTask(request)
            var wrong = request
            wrong.srcNode.sk = "not-the-key"
            let refused = try await sandbox.client.createTask(wrong)
            try await sandbox.run(600)
            #expect(try await sandbox.client.showTask(id: created.id!).status == .succeeded)
            #expect(try await sandbox.client.showTask(id: refused.id!).status == .failed)
            try await sandbox.client.startTask(
                id: refused.id!, StartTaskReq(srcAk: Self.sourceAK, srcSk: Self.sourceSK, dstAk: "ATREST-DST-AK", dstSk: Self.destinationSK))

            let files = Self.stateBytes(sandbox.directory)
            #expect(files.contains { $0.0 == "oms-sandbox.sqlite" }, "the check must read the store: \(files.map(\.0))")
            for (name, data) in files {
                for secret in [Self.sourceAK, Self.sourceSK, Self.destinationSK] {
                    #expect(data.range(of: Data(secret.utf8)) == nil, "\(name) holds \(secret)")
                }
            }
            #expect(Self.permissions(sandbox.directory.path) == 0o700)
            for name in ["oms-sandbox.sqlite", "oms-sandbox.sqlite-wal", "sandbox.key", "iam-password"] {
                let path = sandbox.directory.appendingPathComponent(name).path
                if FileManager.default.fileExists(atPath: path) { #expect(Self.permissions(path) == 0o600, "\(name)") }
            }
        }
    }

    @Test func processesOpeningANewDataDirectoryAtOnceAgreeOnItsKeys() async throws {
        for _ in 0..<20 {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oms-race-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let keys = await withTaskGroup(of: Data?.self) { group in
                for _ in 0..<4 {
                    group.addTask { (try? SandboxSecretFiles.sealingKey(in: directory))?.withUnsafeBytes { Data($0) } }
                }
                return await group.reduce(into: [Data?]()) { $0.append($1) }
            }
            #expect(Set(keys.compactMap { $0 }).count == 1 && !keys.contains(nil))
            let passwords = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<4 { group.addTask { try? SandboxSecretFiles.iamPassword(configured: nil, in: directory) } }
                return await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(Set(passwords.compactMap { $0 }).count == 1 && !passwords.contains(nil))
        }
    }

    @Test func plainKeysOfAnOlderDataDirectoryAreSealedWhenItOpens() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oms-old-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sealer = CredentialSealer(key: try SandboxSecretFiles.sealingKey(in: directory))
        do {
            let store = try SandboxStore(url: directory.appendingPathComponent("oms-sandbox.sqlite"), sealer: sealer)
            // Written as an older version did: the request as it came, keys in plain text.
            let record = TaskRecord(
                id: 1, name: "old", request: SandboxHarness.prefixTask(), status: .waiting, groupId: nil, groupType: .normalTask,
                createdAt: Date(), bandwidth: [], priority: .medium)
            try store.pool.write { db in
                try db.execute(sql: "INSERT INTO tasks (id, group_id, status, record) VALUES (1, NULL, 1, ?)", arguments: [try SandboxStore.encode(record)])
                try store.setMeta("credentials_sealed", "0", db: db)
            }
        }
        _ = try SandboxStore(url: directory.appendingPathComponent("oms-sandbox.sqlite"), sealer: sealer)
        for (name, data) in Self.stateBytes(directory) {
            #expect(data.range(of: Data("src-sk".utf8)) == nil, "\(name) still holds the old key")
        }
    }

    @Test func loginChecksTheConfiguredUserAndTokensBelongToTheirProject() async throws {
        try await withSandbox { sandbox in
            func login(_ user: String, _ password: String) async throws -> HTTPClientResponse {
                var request = HTTPClientRequest(url: sandbox.endpoint + "/v3/auth/tokens")
                request.method = .POST
                let body = IAMTokenRequest(userName: user, password: password, domainName: "any", projectId: nil, projectName: nil)
                request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
                return try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            }
            #expect(try await login("alice", "alice-password").status.code == 201)
            #expect(try await login("mallory", "alice-password").status.code == 401)
            #expect(try await login("alice", "sandbox-password").status.code == 401)
            // Tokens are stored as digests: the token itself is in no file.
            let token = try await login("alice", "alice-password").headers.first(name: "X-Subject-Token") ?? ""
            #expect(!token.isEmpty)
            for (name, data) in Self.stateBytes(sandbox.directory) {
                #expect(data.range(of: Data(token.utf8)) == nil, "\(name) holds the token")
            }
            var other = HTTPClientRequest(url: sandbox.endpoint + "/v2/ffffffffffffffffffffffffffffffff/tasks")
            other.headers.add(name: "X-Auth-Token", value: token)
            #expect(try await HTTPClient.shared.execute(other, timeout: .seconds(10)).status.code == 403)
        }
    }

    @Test func bodiesAreReadOnlyAfterAuthenticationAndWithinTheLimit() async throws {
        try await withSandbox { sandbox in
            let big = ByteBuffer(repeating: UInt8(ascii: "x"), count: SandboxConfiguration.maximumBodyBytes + 1)
            var unsigned = HTTPClientRequest(url: sandbox.endpoint + "/v2/\(sandbox.server.configuration.projectId)/tasks")
            unsigned.method = .POST
            unsigned.body = .bytes(big)
            #expect(try await HTTPClient.shared.execute(unsigned, timeout: .seconds(30)).status.code == 401)
            // The same body with a valid token: now too large.
            var request = HTTPClientRequest(url: sandbox.endpoint + "/v3/auth/tokens")
            request.method = .POST
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(
                IAMTokenRequest(userName: "alice", password: "alice-password", domainName: "any", projectId: nil, projectName: nil))))
            let token = try await HTTPClient.shared.execute(request, timeout: .seconds(10)).headers.first(name: "X-Subject-Token") ?? ""
            var signed = unsigned
            signed.headers.add(name: "X-Auth-Token", value: token)
            #expect(try await HTTPClient.shared.execute(signed, timeout: .seconds(30)).status.code == 413)
            var login = HTTPClientRequest(url: sandbox.endpoint + "/v3/auth/tokens")
            login.method = .POST
            login.body = .bytes(ByteBuffer(repeating: UInt8(ascii: " "), count: SandboxConfiguration.maximumLoginBodyBytes + 1))
            #expect(try await HTTPClient.shared.execute(login, timeout: .seconds(10)).status.code == 413)
        }
    }
}
