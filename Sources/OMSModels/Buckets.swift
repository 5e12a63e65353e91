// The bucket operations' bodies are the table `Wire/Buckets.json`.

/// `type` query parameter of the cloud-type listing.
public enum ConnectionEnd: String, Codable, Sendable {
    case src, dst
}
