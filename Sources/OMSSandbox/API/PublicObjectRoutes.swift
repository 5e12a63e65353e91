import Foundation
import OMSClient
import Hummingbird
import OMSModels

/// `GET /public/<cloud>/<region>/<bucket>/<key>`: bucket objects as public-read HTTP, the
/// way a CDN or a public bucket serves them, so URL-list tasks have something to fetch.
/// Reads only; buckets with a `.keys` sidecar are private and not served.
struct PublicObjectRoutes {
    let buckets: LocalBuckets

    func register(on router: Router<BasicRequestContext>) {
        let buckets = self.buckets
        router.get("public/**") { request, _ in
            // Split on the `/` byte: as `Character`s, a `/` followed by a combining mark is no `/`.
            let parts = request.uri.path.utf8.split(separator: UInt8(ascii: "/"), maxSplits: 4).map { String(decoding: $0, as: UTF8.self) }
            guard parts.count == 5 else { return Response(status: .notFound) }
            let cloud = CloudType(rawValue: RequestSigner.percentDecode(parts[1]))
            let region = RequestSigner.percentDecode(parts[2])
            let bucket = RequestSigner.percentDecode(parts[3])
            let key = RequestSigner.percentDecode(parts[4])
            // Names are checked as the API checks them before anything is looked up.
            typealias Location = RequestValidator.Location
            try Location.cloud("cloud_type", cloud)
            try Location.region("region", region)
            try Location.bucket("bucket", bucket)
            try Location.key("key", key)
            guard (try? buckets.authorize(cloud: cloud, region: region, bucket: bucket, ak: nil, sk: nil, from: .client)) != nil,
                let data = try? buckets.read(cloud: cloud, region: region, bucket: bucket, key: key)
            else { return Response(status: .notFound) }
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
