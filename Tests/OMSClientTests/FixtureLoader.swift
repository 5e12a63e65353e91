import Foundation

/// Reads the JSON fixtures bundled with the tests.
enum Fixtures {
    static var directory: URL { Bundle.module.url(forResource: "Fixtures", withExtension: nil)! }

    static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(relativePath))
    }

    /// JSON parsed into Foundation values, `null`s removed, for order-free comparison.
    static func normalizedJSON(_ data: Data) throws -> NSObject {
        func strip(_ value: Any) -> Any? {
            switch value {
            case is NSNull: return nil
            case let dictionary as [String: Any]: return dictionary.compactMapValues(strip) as NSDictionary
            case let array as [Any]: return array.compactMap(strip) as NSArray
            default: return value
            }
        }
        let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        return (strip(object) ?? NSNull()) as! NSObject
    }
}
