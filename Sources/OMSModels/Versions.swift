/// Answer to `GET /`.
public struct ListAPIVersionsResp: Codable, Hashable, Sendable {
    public var versions: [APIVersion]?
    public init(versions: [APIVersion]?) { self.versions = versions }
}

/// One API version (also the whole answer to `GET /{version}`).
public struct APIVersion: Codable, Hashable, Sendable {
    public var id: String?
    public var links: [Link]?
    public var status: APIVersionStatus?
    public var updated: String?

    public init(id: String?, links: [Link]?, status: APIVersionStatus?, updated: String?) {
        self.id = id
        self.links = links
        self.status = status
        self.updated = updated
    }
}

public struct Link: Codable, Hashable, Sendable {
    public var href: String?
    public var rel: String?
    public init(href: String?, rel: String?) {
        self.href = href
        self.rel = rel
    }
}
