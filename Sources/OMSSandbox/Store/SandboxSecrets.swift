import Crypto
import Foundation
import OMSModels

/// Keeps the keys that tasks carry out of the sandbox's files: what is stored is an HMAC of
/// each key under a random key of the data directory (`DATA/sandbox.key`, 0600). That is all a
/// bucket's `.keys` check needs, and a copied database reveals no key.
struct CredentialSealer: Sendable {
    private let key: SymmetricKey
    static let marker = "hmac-sha256:"

    init(key: SymmetricKey) { self.key = key }

    /// The seal of a stored value: a value already sealed is kept (records are saved again
    /// after they were sealed). Never for what a client sends: see `sealPair(clientAK:clientSK:)`.
    func seal(_ value: String) -> String {
        if value.hasPrefix(Self.marker) { return value }
        return mac(value)
    }

    /// The seal of `value` whatever it looks like.
    private func mac(_ value: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key)
        return Self.marker + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The sealed form of a pair a client sent: each key is sealed even when it looks sealed,
    /// so a seal copied out of the database is only a wrong key, never the key it stands for.
    func sealPair(clientAK ak: String, clientSK sk: String) -> String {
        sealPair(ak: mac(ak), sk: mac(sk))
    }

    func seal(_ value: String?) -> String? { value.map { seal($0) } }

    /// The sealed form of an `AK:SK` pair, as a bucket's key list is compared with it.
    func sealPair(ak: String, sk: String) -> String {
        let sealedAK = seal(ak)
        let sealedSK = seal(sk)
        return seal(sealedAK + ":" + sealedSK)
    }

    /// Whether a key-list line `AK:SK` is the pair that was sealed.
    func matches(line: String, sealed: String) -> Bool {
        guard let colon = line.firstIndex(of: ":") else { return false }
        let candidate = sealPair(ak: String(line[..<colon]), sk: String(line[line.index(after: colon)...]))
        return Authenticator.constantTimeEqual(candidate, sealed)
    }

    /// The secret fields of each create body: what gets sealed before it is stored.
    static var taskSecrets: [WritableKeyPath<CreateTaskReq, String?>] {
        [\.srcNode.ak, \.srcNode.sk, \.srcNode.securityToken, \.srcNode.jsonAuthFile, \.dstNode.ak, \.dstNode.sk, \.dstNode.securityToken]
    }
    static var groupSecrets: [WritableKeyPath<CreateTaskGroupReq, String?>] {
        [\.srcNode.ak, \.srcNode.sk, \.srcNode.jsonAuthFile, \.dstNode.ak, \.dstNode.sk]
    }

    /// A create request with every secret replaced by its seal (what gets stored).
    func sealed(_ request: CreateTaskReq) -> CreateTaskReq {
        var r = sealed(request, Self.taskSecrets)
        if let key = r.sourceCdn?.authenticationKey { r.sourceCdn?.authenticationKey = seal(key) }
        return r
    }

    func sealed(_ request: CreateTaskGroupReq) -> CreateTaskGroupReq {
        var r = sealed(request, Self.groupSecrets)
        if let key = r.sourceCdn?.authenticationKey { r.sourceCdn?.authenticationKey = seal(key) }
        return r
    }

    private func sealed<Body>(_ body: Body, _ fields: [WritableKeyPath<Body, String?>]) -> Body {
        var body = body
        for field in fields { body[keyPath: field] = seal(body[keyPath: field]) }
        return body
    }
}

/// The files a data directory keeps for the sandbox itself, all readable by its owner only:
/// the sealing key and the IAM password (generated on first use unless one is configured).
enum SandboxSecretFiles {
    static let sealingKeyName = "sandbox.key"
    static let iamPasswordName = "iam-password"

    /// Makes the data directory private (0700) and returns its sealing key, creating it once.
    static func sealingKey(in dataDirectory: URL) throws -> SymmetricKey {
        try makePrivateDirectory(dataDirectory)
        let url = dataDirectory.appendingPathComponent(sealingKeyName)
        if let data = FileManager.default.contents(atPath: url.path), data.count == 32 {
            return SymmetricKey(data: data)
        }
        let key = SymmetricKey(size: .bits256)
        // Two processes opening a new data directory at once must end with one key.
        if try createOnce(key.withUnsafeBytes { Data($0) }, at: url) { return key }
        guard let data = FileManager.default.contents(atPath: url.path), data.count == 32 else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        return SymmetricKey(data: data)
    }

    /// The configured password, or the data directory's generated one (created once).
    static func iamPassword(configured: String?, in dataDirectory: URL) throws -> String {
        if let configured, !configured.isEmpty { return configured }
        let url = dataDirectory.appendingPathComponent(iamPasswordName)
        if let text = try? String(contentsOf: url, encoding: .utf8) {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { return trimmed }
        }
        let password = randomToken(bytes: 18)
        if try createOnce(Data((password + "\n").utf8), at: url) { return password }
        return (try String(contentsOf: url, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes a private file only if none exists, atomically: the content is complete before
    /// the name appears (a hard link of a finished temporary file). False when another
    /// process made it first.
    static func createOnce(_ data: Data, at url: URL) throws -> Bool {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString)")
        try writePrivate(data, to: temporary)
        defer { unlink(temporary.path) }
        if link(temporary.path, url.path) == 0 { return true }
        if errno == EEXIST { return false }
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
    }

    static func randomToken(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        return String((0..<(bytes * 4 / 3)).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }

    static func makePrivateDirectory(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: url.path)
    }

    /// Writes a file that only its owner may read, created so from the start.
    static func writePrivate(_ data: Data, to url: URL) throws {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: url.path) { try fileManager.removeItem(at: url) }
        guard fileManager.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    /// Creates an empty private file unless it exists, and makes it private if it does
    /// (SQLite gives its -wal and -shm files the database file's mode).
    static func touchPrivate(_ url: URL) throws {
        let fileManager = FileManager.default
        if !fileManager.fileExists(atPath: url.path) {
            _ = fileManager.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        try fileManager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }
}
