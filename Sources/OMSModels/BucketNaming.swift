/// Each cloud's bucket naming rules, so that `validate` refuses a name the cloud (and so OMS)
/// would refuse, without keys and before anything is sent.
///
/// `StorageNames.bucketProblem` stays the sandbox's safety rule (a name is one folder name);
/// these are the stricter rules of the clouds themselves. Every check reads UTF-8 bytes or
/// Unicode scalars, never `Character`s: a combining mark after `-` must not hide the hyphen.
public struct BucketNaming: Sendable, Hashable {
    /// What the cloud calls its storage, for messages: "Huawei Cloud OBS".
    public var service: String
    /// Length in bytes (every allowed character is ASCII, so also in characters).
    public var length: ClosedRange<Int>
    public var allowsDots = false
    public var allowsUnderscores = false
    /// No `..`, and no `.` beside `-` (OBS, S3, KS3, GCS: dots separate DNS labels).
    public var dotsSeparateLabels = false
    /// Azure containers: every `-` stands between letters or digits, so never `--`.
    public var noDoubleHyphen = false
    public var forbiddenPrefixes: [String] = []
    public var forbiddenSuffixes: [String] = []

    /// The rules of `cloud`'s buckets, or nil for a cloud with no buckets (URLSource) or one
    /// oms-plan does not know (an open `CloudType` value: OMS will judge it).
    public static func of(_ cloud: CloudType) -> BucketNaming? {
        switch cloud.canonical {
        case .huaweiCloud, .hec: obs
        case .aws:
            BucketNaming(service: "Amazon S3", length: 3...63, allowsDots: true, dotsSeparateLabels: true,
                         forbiddenPrefixes: ["xn--", "sthree-"], forbiddenSuffixes: ["-s3alias", "--ol-s3"])
        case .aliyun: BucketNaming(service: "Alibaba Cloud OSS", length: 3...63)
        // `<name>-<APPID>`: up to 50 for the name, 10 digits of APPID and the hyphen.
        case .tencent: BucketNaming(service: "Tencent Cloud COS", length: 1...61)
        case .qiniu: BucketNaming(service: "Qiniu Kodo", length: 3...63)
        case .kingsoftCloud: BucketNaming(service: "Kingsoft Cloud KS3", length: 3...63, allowsDots: true, dotsSeparateLabels: true)
        case .baidu: BucketNaming(service: "Baidu BOS", length: 4...63)
        case .uCloud: BucketNaming(service: "UCloud US3", length: 3...63)
        case .qingCloud: BucketNaming(service: "QingCloud QingStor", length: 6...63)
        case .azure: BucketNaming(service: "Azure Blob Storage container", length: 3...63, noDoubleHyphen: true)
        // GCS allows up to 222 with dots (each dot-separated part at most 63).
        case .google:
            BucketNaming(service: "Google Cloud Storage", length: 3...222, allowsDots: true, allowsUnderscores: true,
                         dotsSeparateLabels: true, forbiddenPrefixes: ["goog"])
        default: nil
        }
    }

    /// Huawei Cloud OBS: destination buckets, list-file buckets and HuaweiCloud sources.
    public static let obs = BucketNaming(service: "Huawei Cloud OBS", length: 3...63, allowsDots: true, dotsSeparateLabels: true)

    /// Every rule `name` breaks, each as a phrase naming the rule ("must be 3 to 63
    /// characters long, not 2"); empty when the cloud accepts the name.
    public func brokenRules(_ name: String) -> [String] {
        var broken: [String] = []
        let bytes = Array(name.utf8)
        if !length.contains(bytes.count) {
            // Counted in bytes, as OMS counts; the same as characters for every name that is
            // otherwise valid (ASCII), and said so when it is not.
            let ascii = bytes.allSatisfy { $0 < 0x80 }
            broken.append("must be \(length.lowerBound) to \(length.upperBound) characters long, not \(bytes.count)\(ascii ? "" : " bytes")")
        }
        if let upper = name.unicodeScalars.first(where: { ("A"..."Z").contains($0) }) {
            broken.append("must be lower case (found `\(upper)`)")
        }
        if let bad = name.unicodeScalars.first(where: { !isAllowed($0) && !("A"..."Z").contains($0) }) {
            broken.append("may contain only \(allowedDescription) (found \(Self.show(bad)))")
        }
        // (An upper-case letter at either end is already named above.)
        if let first = bytes.first, !Self.isAlnum(first) {
            broken.append("must start with a letter or digit, not \(Self.show(name.unicodeScalars.first!))")
        }
        if let last = bytes.last, bytes.count > 1, !Self.isAlnum(last) {
            broken.append("must end with a letter or digit, not \(Self.show(name.unicodeScalars.last!))")
        }
        if dotsSeparateLabels {
            if Self.contains(bytes, [0x2E, 0x2E]) { broken.append("must not contain `..`") }
            if Self.contains(bytes, [0x2E, 0x2D]) || Self.contains(bytes, [0x2D, 0x2E]) {
                broken.append("must not have `.` next to `-`")
            }
            if allowsDots, length.upperBound > 63,
               bytes.split(separator: 0x2E, omittingEmptySubsequences: false).contains(where: { $0.count > 63 }) {
                broken.append("must keep each `.`-separated part to 63 characters")
            }
        }
        if noDoubleHyphen, Self.contains(bytes, [0x2D, 0x2D]) { broken.append("must not contain `--`") }
        if allowsDots, Self.isIPv4Form(bytes) { broken.append("must not be an IP address") }
        for prefix in forbiddenPrefixes where bytes.starts(with: prefix.utf8) { broken.append("must not start with `\(prefix)`") }
        for suffix in forbiddenSuffixes where bytes.count >= suffix.utf8.count && bytes.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) {
            broken.append("must not end with `\(suffix)`")
        }
        return broken
    }

    /// The rules in one line, for hints: "3 to 63 characters: lower-case letters, digits, `-`".
    public var summary: String {
        "\(length.lowerBound) to \(length.upperBound) characters: \(allowedDescription), starting and ending with a letter or digit"
    }

    private var allowedDescription: String {
        var parts = ["lower-case letters", "digits", "`-`"]
        if allowsDots { parts.append("`.`") }
        if allowsUnderscores { parts.append("`_`") }
        return parts.dropLast().joined(separator: ", ") + " and " + parts.last!
    }

    private func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII else { return false }
        let byte = UInt8(scalar.value)
        return Self.isLowerAlnum(byte) || byte == 0x2D || (allowsDots && byte == 0x2E) || (allowsUnderscores && byte == 0x5F)
    }

    static func isLowerAlnum(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) }
    static func isAlnum(_ byte: UInt8) -> Bool { isLowerAlnum(byte) || (0x41...0x5A).contains(byte) }

    /// A scalar as messages show it: printable ASCII in backticks, anything else as U+XXXX
    /// (a control character or an invisible mark must not vanish in the terminal).
    static func show(_ scalar: Unicode.Scalar) -> String {
        (0x21...0x7E).contains(scalar.value) ? "`\(scalar)`" : "U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4))"
    }

    static func contains(_ bytes: [UInt8], _ pair: [UInt8]) -> Bool {
        bytes.count >= 2 && zip(bytes, bytes.dropFirst()).contains { $0 == pair[0] && $1 == pair[1] }
    }

    /// Four dot-separated runs of 1 to 3 digits, each at most 255 (`192.168.5.4`).
    static func isIPv4Form(_ bytes: [UInt8]) -> Bool {
        let parts = bytes.split(separator: 0x2E, omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            (1...3).contains(part.count) && part.allSatisfy { (0x30...0x39).contains($0) }
                && part.reduce(0) { $0 * 10 + Int($1 - 0x30) } <= 255
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - utf8.count)) + self }
}
