import Foundation
import OMSModels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the OBS object API needs beyond reads and writes: the plain key pairs of a bucket's
/// `.keys` list (to check signatures, which need the secret itself) and deleting an object,
/// under the same containment as every other path here.
extension LocalBuckets {
    /// The `AK:SK` lines of the bucket's key list that are written in plain text; nil when the
    /// bucket has no list (or is no bucket). Sealed lines (`hmac-sha256:…`) cannot check a
    /// signature and are left out.
    func plainKeyPairs(cloud: CloudType, region: String, bucket: String) -> [(ak: String, sk: String)]? {
        guard let folder = bucketFolder(cloud: cloud, region: region, bucket: bucket) else { return nil }
        let sidecar = folder + ".keys"
        guard Self.isRegularFile(sidecar), let text = try? String(contentsOfFile: sidecar, encoding: .utf8) else { return nil }
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix(CredentialSealer.marker), let colon = trimmed.firstIndex(of: ":") else { return nil }
            let ak = String(trimmed[..<colon]), sk = String(trimmed[trimmed.index(after: colon)...])
            return ak.isEmpty || sk.isEmpty ? nil : (ak, sk)
        }
    }

    /// Removes an object's file. A key with no file is no error (S3's delete is idempotent);
    /// a key that cannot name a file in the bucket is. Links are never followed or removed.
    func delete(cloud: CloudType, region: String, bucket: String, key: String) throws(Failure) {
        guard bucketFolder(cloud: cloud, region: region, bucket: bucket) != nil else { throw .noSuchBucket }
        if let problem = StorageNames.keyProblem(key) { throw .invalidLocation("key \(problem)") }
        guard !StorageNames.namesFolder(key) else { throw .invalidLocation("key names a folder") }
        guard let path = objectPath(cloud: cloud, region: region, bucket: bucket, key: key) else { return }
        guard unlink(path) == 0 || errno == ENOENT else { throw .invalidLocation("cannot remove the object") }
    }
}
