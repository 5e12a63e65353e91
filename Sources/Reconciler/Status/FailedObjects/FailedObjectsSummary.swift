import Foundation

/// A failure the plan accepts (issue 24, part 4: `acceptFailures`). Until acceptances exist in
/// the plan no value is ever passed, and `accepted` stays 0; the plan side only has to hand its
/// acceptances to `FailedObjectsSummary.init(listFile:read:acceptances:)` (through
/// `FailedObjectAccess.acceptances`).
public protocol FailedObjectAcceptance: Sendable {
    func accepts(_ object: FailedObject) -> Bool
    /// Why the plan accepts what it matches (shown where it settles a resource or is stale).
    var acceptanceReason: String { get }
}

extension FailedObjectAcceptance {
    public var acceptanceReason: String { "" }
}

/// `entries[].failedObjects` of `status --output json`: what OMS's failed lists of one
/// resource say, grouped by error code.
public struct FailedObjectsSummary: Sendable, Codable, Hashable {
    public struct Sample: Sendable, Codable, Hashable {
        public var key: String
        public var code: String
        public var reason: String
    }

    /// An acceptance of the plan that matched no object in the lists read: its place in the
    /// resource's `acceptFailures` (from 0) and its reason.
    public struct StaleAcceptance: Sendable, Codable, Hashable {
        public var index: Int
        public var reason: String
    }

    /// Objects in the lists read.
    public var count: Int
    /// Objects per error code.
    public var byCode: [String: Int]
    /// The first few objects (unaccepted ones first), in the lists' order.
    public var sample: [Sample]
    /// The list's key in the destination bucket (a file, or a group's folder).
    public var listFile: String
    /// Objects an acceptance of the plan matches.
    public var accepted: Int
    /// Per code: what it means and what to do (`FailedObjectCodes`).
    public var explanations: [String: FailedObjectCodes.Explanation]
    /// Lines of another shape than the documented one, escaped (the first few), and how many.
    public var unreadableLines: Int
    public var unreadableSample: [String]
    /// Why the lists could not be read (or read only in part); the counts are then what was read.
    public var note: String?
    /// Only when the resource has acceptances (so the JSON of a plan without them is as before):
    /// every object of lists read whole and cleanly is accepted (oms-plan treats the resource as
    /// succeeded, though OMS's `status` stays what OMS says); how many objects no acceptance
    /// matches; the entries that matched none; the reasons of the entries that did, in plan order.
    public var settled: Bool?
    public var unaccepted: Int?
    public var staleAcceptances: [StaleAcceptance]?
    public var acceptedReasons: [String]?

    public static let sampleSize = 5

    /// The summary of what was read from `listFile`.
    public init(
        listFile: String, read: FailedListReader.Result, acceptances: [any FailedObjectAcceptance] = [],
        codes: FailedObjectCodes = .builtIn, note: String? = nil
    ) {
        self.listFile = listFile
        count = read.objects.count
        var byCode: [String: Int] = [:]
        var accepted: [FailedObject] = []
        var open: [FailedObject] = []
        var matched = Array(repeating: false, count: acceptances.count)
        for object in read.objects {
            byCode[object.code, default: 0] += 1
            var isAccepted = false
            for (index, acceptance) in acceptances.enumerated() where acceptance.accepts(object) {
                matched[index] = true
                isAccepted = true
            }
            if isAccepted { accepted.append(object) } else { open.append(object) }
        }
        if !acceptances.isEmpty {
            unaccepted = open.count
            staleAcceptances = acceptances.indices.filter { !matched[$0] }.map { StaleAcceptance(index: $0, reason: acceptances[$0].acceptanceReason) }
            acceptedReasons = acceptances.indices.filter { matched[$0] }.map { acceptances[$0].acceptanceReason }
            settled = note == nil && read.unreadable.isEmpty && !read.objects.isEmpty && open.isEmpty
        }
        self.byCode = byCode
        self.accepted = accepted.count
        sample = (open + accepted).prefix(Self.sampleSize).map { Sample(key: $0.key, code: $0.code, reason: $0.reason) }
        explanations = Dictionary(uniqueKeysWithValues: byCode.keys.map { ($0, codes.explain($0)) })
        unreadableLines = read.unreadable.count
        unreadableSample = Array(read.unreadable.prefix(3))
        self.note = note
    }

    /// Nothing could be read: only why.
    public static func unreadable(listFile: String, note: String) -> FailedObjectsSummary {
        FailedObjectsSummary(listFile: listFile, read: FailedListReader.Result(), note: note)
    }

    /// Codes by count (most first, then by name): the order every view lists them in.
    public var codesByCount: [(code: String, count: Int)] {
        byCode.map { ($0.key, $0.value) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
    }
}
