import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import NIOCore
import OMSModels
import Testing

@testable import OMSSandbox

/// ListObjects' paging, and the object API end to end on a loopback port: signed PUT, list,
/// ranged GET, DELETE, and traversal keys that must not leave the bucket folder.
@Suite("OBS listing and objects")
struct OBSListingTests {
    static func entries(_ keys: [String]) -> [OBSListing.Entry] {
        keys.map { OBSListing.Entry(key: $0, size: 1, modified: Date(timeIntervalSince1970: 0)) }
    }

    @Test func delimiterRollsKeysIntoCommonPrefixesCountedOnce() {
        let objects = Self.entries(["a/1", "a/2", "b", "c/x/y", "c/z", "d"])
        let page = OBSListing.page(objects, .init(delimiter: "/", maxKeys: 3))
        #expect(page.commonPrefixes == ["a/", "c/"])
        #expect(page.contents.map(\.key) == ["b"])
        #expect(page.isTruncated && page.next == "c/")
        let rest = OBSListing.page(objects, .init(delimiter: "/", after: "c/", maxKeys: 3))
        #expect(rest.contents.map(\.key) == ["d"] && rest.commonPrefixes.isEmpty && !rest.isTruncated && rest.next == nil)
        let inside = OBSListing.page(Self.entries(["c/x/y", "c/z"]), .init(prefix: "c/", delimiter: "/"))
        #expect(inside.commonPrefixes == ["c/x/"] && inside.contents.map(\.key) == ["c/z"])
    }

    /// Keys are ordered and compared by their UTF-8 bytes: `é` and `e` + U+0301 are one
    /// `String` to Swift but two keys, and paging one key at a time must see both, once each.
    @Test func pagingFollowsUTF8ByteOrder() {
        let keys = ["\u{E9}", "e\u{301}", "e", "f"]
        var seen: [String] = []
        var after = ""
        for _ in 0..<10 {
            let page = OBSListing.page(Self.entries(keys), .init(after: after, maxKeys: 1))
            seen += page.contents.map(\.key)
            guard page.isTruncated, let next = page.next else { break }
            after = next
        }
        #expect(seen.map { Array($0.utf8) } == [Array("e".utf8), Array("e\u{301}".utf8), Array("f".utf8), Array("\u{E9}".utf8)])
        #expect(OBSListing.marker(fromToken: OBSListing.token(for: "e\u{301}/?+")) == "e\u{301}/?+")
    }

    @Test func rangesFollowRFC7233() throws {
        #expect(try OBSService.range("bytes=2-5", size: 10) == 2...5)
        #expect(try OBSService.range("bytes=7-", size: 10) == 7...9)
        #expect(try OBSService.range("bytes=-3", size: 10) == 7...9)
        #expect(try OBSService.range("bytes=5-100", size: 10) == 5...9)
        #expect(try OBSService.range("bytes=1-2,4-5", size: 10) == nil)
        #expect(throws: OBSError.invalidRange) { try OBSService.range("bytes=10-", size: 10) }
    }

    // MARK: End to end

    struct Live {
        let server: SandboxServer
        let task: Task<Void, any Error>
        let port: Int
        let data: URL
        var bucketFolder: URL { data.appendingPathComponent("buckets/HuaweiCloud/cn-north-4/dst") }

        static func start() async throws -> Live {
            let data = FileManager.default.temporaryDirectory.appendingPathComponent("obs-live-\(UUID().uuidString)/data")
            let server = try SandboxServer(configuration: SandboxConfiguration(dataDirectory: data, backgroundEngine: false))
            try server.buckets.seed(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", prefix: "", objects: 0, objectSize: 0, keys: nil)
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let app = server.obsApplication(host: "127.0.0.1", port: 0) { port in
                continuation.yield(port)
                continuation.finish()
            }
            let task = Task { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            return Live(server: server, task: task, port: await iterator.next()!, data: data)
        }

        func stop() async {
            task.cancel()
            _ = await task.result
            try? FileManager.default.removeItem(at: data.deletingLastPathComponent())
        }

        /// Sends a request signed with SigV4 by the sandbox's API keys; `path` and `query` as sent.
        func send(_ method: String, _ path: String, query: String = "", body: Data = Data(), headers extra: [(String, String)] = [])
            async throws -> (status: Int, body: String, headers: [(String, String)])
        {
            try await Self.send(
                method, path, host: "127.0.0.1:\(port)", keys: (SandboxConfiguration.defaultAccessKey, SandboxConfiguration.defaultSecretKey),
                query: query, body: body, headers: extra)
        }

        static func send(
            _ method: String, _ path: String, host: String, keys: (ak: String, sk: String), query: String = "", body: Data = Data(),
            headers extra: [(String, String)] = []
        ) async throws -> (status: Int, body: String, headers: [(String, String)]) {
            let amzDate = OBSXML.amzDate(Date())
            let hash = OBSSignatureV4.hex(SHA256.hash(data: body))
            let headers = [("host", host), ("x-amz-content-sha256", hash), ("x-amz-date", amzDate)] + extra
            let scope = OBSSignatureV4.Authorization(
                accessKey: keys.ak, date: String(amzDate.prefix(8)), region: "cn-north-4", service: "s3",
                signedHeaders: headers.map { $0.0.lowercased() }.sorted(), signature: "")
            let canonical = OBSSignatureV4.canonicalRequest(
                method: method, rawPath: path, query: try OBSAddress.query(query), headers: headers,
                signedHeaders: scope.signedHeaders, payloadHash: hash)
            let signature = OBSSignatureV4.signature(
                secretKey: keys.sk, authorization: scope,
                stringToSign: OBSSignatureV4.stringToSign(amzDate: amzDate, scope: scope.scope, canonicalRequest: canonical))
            var request = HTTPClientRequest(url: "http://\(host)\(path)\(query.isEmpty ? "" : "?" + query)")
            request.method = .init(rawValue: method)
            for (name, value) in headers where name != "host" { request.headers.add(name: name, value: value) }
            request.headers.add(
                name: "Authorization",
                value: "AWS4-HMAC-SHA256 Credential=\(scope.accessKey)/\(scope.scope), SignedHeaders=\(scope.signedHeaders.joined(separator: ";")), Signature=\(signature)")
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let collected = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), String(buffer: collected), response.headers.map { ($0.name, $0.value) })
        }
    }

    @Test func putListGetRangeAndDeleteOverHTTP() async throws {
        let live = try await Live.start()
        do {
            #expect(try await live.send("PUT", "/dst/logs/a%20b.txt", body: Data("0123456789".utf8)).status == 200)
            #expect(try await live.send("PUT", "/dst/logs/deep/c.bin", body: Data("x".utf8)).status == 200)
            #expect(FileManager.default.contents(atPath: live.bucketFolder.appendingPathComponent("logs/a b.txt").path) == Data("0123456789".utf8))
            let list = try await live.send("GET", "/dst", query: "list-type=2&prefix=logs%2F&delimiter=%2F")
            #expect(list.status == 200)
            #expect(list.body.contains("<Key>logs/a b.txt</Key>") && list.body.contains("<Prefix>logs/deep/</Prefix>"))
            #expect(list.body.contains("<KeyCount>2</KeyCount>"))
            let range = try await live.send("GET", "/dst/logs/a%20b.txt", headers: [("range", "bytes=2-4")])
            #expect(range.status == 206 && range.body == "234")
            #expect(range.headers.first { $0.0.lowercased() == "content-range" }?.1 == "bytes 2-4/10")
            #expect(try await live.send("DELETE", "/dst/logs/a%20b.txt").status == 204)
            let gone = try await live.send("GET", "/dst/logs/a%20b.txt")
            #expect(gone.status == 404 && gone.body.contains("<Code>NoSuchKey</Code>"))
            let missing = try await live.send("GET", "/nobucket", query: "list-type=2")
            #expect(missing.status == 404 && missing.body.contains("<Code>NoSuchBucket</Code>"))
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }

    /// Keys that climb out of the bucket, however spelled, are refused and touch nothing
    /// outside the bucket folder (a sentinel tree beside the data directory is unchanged).
    @Test func traversalKeysNeverLeaveTheBucket() async throws {
        let live = try await Live.start()
        let sentinel = try SentinelTree(beside: live.data)
        let before = sentinel.snapshot()
        let escape = "sentinel-" + sentinel.root.lastPathComponent.dropFirst("sentinel-".count)
        do {
            for path in [
                "/dst/../../../\(escape)/secret.txt", "/dst/%2e%2e/%2e%2e/%2e%2e/\(escape)/secret.txt", "/dst/a/../../../../\(escape)/x",
                "/dst/..%2f..%2f..%2f\(escape)%2fsecret.txt", "/dst/..%5c..%5c\(escape)%5csecret.txt", "/dst/%2e%2e/%CC%81x/secret.txt",
                "/dst/a/%2e%2e/%2e%2e/b", "/dst/bad%ZZescape", "/dst/nul%00byte",
            ] {
                for method in ["PUT", "GET", "DELETE"] {
                    let answer = try await live.send(method, path, body: method == "PUT" ? Data("ESCAPED".utf8) : Data())
                    // 403: the HTTP client re-encodes a malformed escape, so the signature no longer matches.
                    #expect([400, 403, 404].contains(answer.status), "\(method) \(path) -> \(answer.status)")
                    #expect(!answer.body.contains("SENTINEL"), "\(method) \(path) read the sentinel")
                }
            }
            #expect(sentinel.snapshot() == before)
            let files = FileManager.default.enumerator(atPath: live.data.path)?.allObjects as? [String] ?? []
            #expect(!files.contains { $0.hasSuffix("secret.txt") || $0.hasSuffix("/x") || $0.hasSuffix("/b") })
        } catch {
            sentinel.remove()
            await live.stop()
            throw error
        }
        sentinel.remove()
        await live.stop()
    }

    /// The embedded sandbox serves its buckets too, on a port of its own, with the keys it made
    /// up for the run (the published defaults are no keys there).
    @Test func theEmbeddedSandboxServesItsBucketsWithItsOwnKeys() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("obs-embedded-\(UUID().uuidString)")
        let bucket = data.appendingPathComponent("buckets/HuaweiCloud/cn-north-4/dst")
        try FileManager.default.createDirectory(at: bucket, withIntermediateDirectories: true)
        let sandbox = try await EmbeddedSandbox.start(dataDirectory: data, seedDirectory: nil, watchSync: false)
        defer { try? FileManager.default.removeItem(at: data) }
        do {
            let host = String(sandbox.obsEndpoint.dropFirst("http://".count))
            #expect(host != String(sandbox.endpoint.dropFirst("http://".count)))
            let keys = (sandbox.configuration.accessKey, sandbox.configuration.secretKey)
            let put = try await Live.send("PUT", "/dst/oms/task/t1/list.txt", host: host, keys: keys, body: Data("a\n".utf8))
            #expect(put.status == 200)
            #expect(FileManager.default.contents(atPath: bucket.appendingPathComponent("oms/task/t1/list.txt").path) == Data("a\n".utf8))
            let listed = try await Live.send("GET", "/dst", host: host, keys: keys, query: "prefix=oms%2F")
            #expect(listed.status == 200 && listed.body.contains("<Key>oms/task/t1/list.txt</Key>"))
            let published = (SandboxConfiguration.defaultAccessKey, SandboxConfiguration.defaultSecretKey)
            let refused = try await Live.send("GET", "/dst", host: host, keys: published)
            #expect(refused.status == 403 && refused.body.contains("<Code>InvalidAccessKeyId</Code>"))
        } catch {
            await sandbox.shutdown()
            throw error
        }
        await sandbox.shutdown()
    }
}
