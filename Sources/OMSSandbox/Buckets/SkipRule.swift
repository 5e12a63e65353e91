import OMSModels

extension LocalBuckets {
    /// Where an object is: cloud, region, bucket, key.
    typealias Place = (cloud: CloudType, region: String, bucket: String, key: String)

    /// OMS's skip rule, one for tasks, groups and sync tasks: whether the destination already
    /// holds the source's object, per the overwrite mode. Size and last-modified compare exact
    /// file times (a copy carries its source's mtime to the nanosecond, so a second run skips
    /// it; a rounded time made 18 of 40 objects copy again).
    func alreadyCopied(from source: Place, to destination: Place, mode: ObjectOverwriteMode) -> Bool {
        guard let existing = object(cloud: destination.cloud, region: destination.region, bucket: destination.bucket, key: destination.key),
            let original = object(cloud: source.cloud, region: source.region, bucket: source.bucket, key: source.key)
        else { return false }
        switch mode {
        case .noOverwrite: return true
        case .fullOverwrite: return false
        case .crc64ComparisonOverwrite:
            let a = try? read(cloud: destination.cloud, region: destination.region, bucket: destination.bucket, key: destination.key)
            let b = try? read(cloud: source.cloud, region: source.region, bucket: source.bucket, key: source.key)
            return a != nil && a == b
        default:
            return existing.size == original.size && existing.time >= original.time
        }
    }
}
