import Foundation
import Testing

@testable import OMSClient

/// The OBS object client: AWS Signature V4 against AWS's published examples, addressing, and
/// the ListObjectsV2 reader.
struct ObjectStorageClientTests {
    /// AWS's example keys and moment ("Signature Calculations for the Authorization Header:
    /// Transferring Payload in a Single Chunk", Amazon S3 API reference).
    static let awsSigner = ObjectStorageSigner(
        accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1")
    static let awsDate = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z

    static func authorization(_ headers: [(name: String, value: String)]) -> String? {
        headers.first { $0.name == "Authorization" }?.value
    }

    @Test func getObjectMatchesAWSExample() {
        let headers = Self.awsSigner.headers(
            method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", query: [], date: Self.awsDate,
            extraHeaders: [("Range", "bytes=0-9")])
        #expect(
            Self.authorization(headers)
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(headers.contains { $0.name == "x-amz-date" && $0.value == "20130524T000000Z" })
    }

    @Test func listObjectsMatchesAWSExample() {
        let headers = Self.awsSigner.headers(
            method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/", query: [("max-keys", "2"), ("prefix", "J")], date: Self.awsDate)
        #expect(Self.authorization(headers)?.hasSuffix("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7") == true)
    }

    @Test func aTemporaryKeySignsItsToken() {
        let signer = ObjectStorageSigner(accessKey: "AK", secretKey: "SK-secret-value", securityToken: "token-value", region: "cn-north-4")
        let headers = signer.headers(method: "GET", host: "h", path: "/", query: [], date: Self.awsDate)
        #expect(headers.contains { $0.name == "x-amz-security-token" && $0.value == "token-value" })
        #expect(Self.authorization(headers)?.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token") == true)
        #expect(!String(describing: signer).contains("SK-secret-value"))
    }

    @Test func addressesArePathOrVirtualHostStyle() {
        let signer = ObjectStorageSigner(accessKey: "AK", secretKey: "SK", region: "cn-north-4")
        let public_ = ObjectStorageClient(endpoint: .huaweiCloud(region: "cn-north-4"), signer: signer)
        let a = public_.address(bucket: "dst", key: "oms/task/t 1/ü.txt", query: [])
        #expect(a.url == "https://dst.obs.cn-north-4.myhuaweicloud.com/oms/task/t%201/%C3%BC.txt")
        #expect(a.host == "dst.obs.cn-north-4.myhuaweicloud.com")
        #expect(public_.address(bucket: "my.dst", key: "k", query: []).url == "https://obs.cn-north-4.myhuaweicloud.com/my.dst/k")
        let local = ObjectStorageClient(endpoint: ObjectStorageEndpoint.given("http://127.0.0.1:9000/")!, signer: signer)
        let b = local.address(bucket: "dst", key: nil, query: [("list-type", "2"), ("prefix", "oms/a b/")])
        #expect(b.url == "http://127.0.0.1:9000/dst?list-type=2&prefix=oms%2Fa%20b%2F")
        #expect(b.host == "127.0.0.1:9000" && b.path == "/dst")
        #expect(ObjectStorageEndpoint.given("ftp://x") == nil && ObjectStorageEndpoint.given("http://h:1/path") == nil)
        #expect(ObjectStorageEndpoint.given("http://user:pw@h:1") == nil && ObjectStorageEndpoint.given("127.0.0.1:9000") == nil)
    }

    @Test func listBucketResultIsRead() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>dst</Name><Prefix>oms/</Prefix>
            <KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
            <Contents><Key>oms/a&amp;b &lt;1&gt;.txt</Key><Size>3</Size></Contents>
            <Contents><Key>oms/&#252;&#x2F;c.txt</Key><Size>4</Size></Contents>
            <NextContinuationToken>tok/en=</NextContinuationToken></ListBucketResult>
            """
        let page = try #require(ListBucketResultXML.parse(Data(xml.utf8)))
        #expect(page.keys == ["oms/a&b <1>.txt", "oms/ü/c.txt"])
        #expect(page.nextContinuationToken == "tok/en=")
        #expect(ListBucketResultXML.parse(Data("<Error><Code>NoSuchBucket</Code></Error>".utf8)) == nil)
        #expect(ListBucketResultXML.errorCode(Data("<Error><Code>NoSuchBucket</Code><Message>x</Message></Error>".utf8)) == "NoSuchBucket")
        #expect(ListBucketResultXML.errorCode(Data("<Error><Code><script>1</script></Code></Error>".utf8)) == nil)
        // Truncated without a token: refused, never an endless loop.
        #expect(ListBucketResultXML.parse(Data("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>".utf8)) == nil)
    }

    /// A scripted transport: S3 answers in, typed errors out, no secret in any of them.
    struct Scripted: HTTPTransport {
        let status: Int
        let body: String
        func send(_ request: HTTPRequestData, timeout: Duration) async throws(TransportError) -> HTTPResponseData {
            HTTPResponseData(status: status, headers: [], body: Data(body.utf8))
        }
    }

    @Test func refusalsAreTypedAndSayWhatToDo() async {
        let signer = ObjectStorageSigner(accessKey: "AKVISIBLE", secretKey: "very-secret-key-value", region: "cn-north-4")
        func client(_ status: Int, _ body: String) -> ObjectStorageClient {
            ObjectStorageClient(endpoint: ObjectStorageEndpoint.given("http://127.0.0.1:1")!, signer: signer, transport: Scripted(status: status, body: body))
        }
        let denied = "<Error><Code>SignatureDoesNotMatch</Code><StringToSign>AWS4-HMAC-SHA256 very-secret-key-value</StringToSign></Error>"
        do {
            _ = try await client(403, denied).getObject(bucket: "dst", key: "oms/x.txt")
            Issue.record("no error")
        } catch {
            #expect(error == .refused(bucket: "dst", code: "SignatureDoesNotMatch", accessKey: "AKVISIBLE"))
            #expect(error.description.contains("check the destination Credentials") && !error.description.contains("very-secret-key-value"))
        }
        do {
            _ = try await client(404, "<Error><Code>NoSuchBucket</Code></Error>").listObjects(bucket: "dst", prefix: "")
            Issue.record("no error")
        } catch {
            #expect(error == .noSuchBucket(bucket: "dst", endpoint: "http://127.0.0.1:1"))
        }
        do {
            _ = try await client(200, "<html>not xml</html>").listObjects(bucket: "dst", prefix: "")
            Issue.record("no error")
        } catch {
            #expect(error.description.contains("OMS_OBS_ENDPOINT"))
        }
    }
}
