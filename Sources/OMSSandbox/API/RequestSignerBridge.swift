import OMSClient

/// The sandbox verifies with the client's own canonicalisation (checked against the SDK).
enum RequestSignerBridge {
    static func parseQuery(_ raw: String) -> [(String, String)] { RequestSigner.parseQuery(raw) }
}

extension RequestSignerBridge {
    static func percentDecode(_ text: String) -> String { RequestSigner.percentDecode(text) }
}
