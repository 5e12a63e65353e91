import OMSModels

/// Sorted-keys JSON of the request bodies, written by hand: Foundation's JSONEncoder took a
/// third of the time of validating a 10,000-task plan. The output is byte for byte what
/// `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` writes (a test checks it).
struct CanonicalJSON {
    private(set) var text = ""

    /// A task's body is 300-700 bytes: room for it up front, not a copy per doubling.
    init() { text.reserveCapacity(1024) }

    /// Members in sorted key order; nil values are left out, as encodeIfPresent does.
    mutating func object(_ members: [(String, Value?)]) {
        text += "{"
        var first = true
        let sorted = zip(members, members.dropFirst()).allSatisfy { $0.0 < $1.0 } ? members : members.sorted { $0.0 < $1.0 }
        for (key, value) in sorted {
            guard let value else { continue }
            if !first { text += "," }
            first = false
            string(key)
            text += ":"
            write(value)
        }
        text += "}"
    }

    indirect enum Value {
        case string(String)
        case int(Int64)
        case bool(Bool)
        case array([Value])
        case object([(String, Value?)])
        /// JSON already written (a request body).
        case raw(String)

        static func str(_ s: String?) -> Self? { s.map { .string($0) } }
    }

    mutating func append(_ s: String) { text += s }

    mutating func write(_ value: Value) {
        switch value {
        case .string(let s): string(s)
        case .int(let i): text += String(i)
        case .bool(let b): text += b ? "true" : "false"
        case .array(let items):
            text += "["
            for (i, item) in items.enumerated() {
                if i > 0 { text += "," }
                write(item)
            }
            text += "]"
        case .object(let members): object(members)
        case .raw(let t): text += t
        }
    }

    mutating func string(_ s: String) {
        text += "\""
        // Most values need no escaping: append them whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            text += s
            text += "\""
            return
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{8}": text += "\\b"
            case "\u{C}": text += "\\f"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    text.unicodeScalars.append(u)
                }
            }
        }
        text += "\""
    }
}

/// Streaming writer of one JSON object whose members are given in sorted key order; nil values
/// are left out, as `encodeIfPresent` does. Used for the request bodies, which are written for
/// every resource (fingerprints), so without building a tree first.
struct ObjectWriter {
    var json = CanonicalJSON()
    private var first = true

    init() { json.append("{") }

    var text: String {
        var j = json
        j.append("}")
        return j.text
    }

    private mutating func key(_ k: String) {
        json.append(first ? "\"" : ",\"")
        first = false
        json.append(k)
        json.append("\":")
    }

    mutating func str(_ k: String, _ v: String?) {
        guard let v else { return }
        key(k)
        json.string(v)
    }

    mutating func str<T: RawRepresentable>(_ k: String, _ v: T?) where T.RawValue == String { str(k, v?.rawValue) }

    mutating func num(_ k: String, _ v: Int64?) {
        guard let v else { return }
        key(k)
        json.append(String(v))
    }

    mutating func flag(_ k: String, _ v: Bool?) {
        guard let v else { return }
        key(k)
        json.append(v ? "true" : "false")
    }

    mutating func strings(_ k: String, _ v: [String]?) {
        guard let v else { return }
        key(k)
        json.append("[")
        for (i, s) in v.enumerated() {
            if i > 0 { json.append(",") }
            json.string(s)
        }
        json.append("]")
    }

    mutating func raw(_ k: String, _ text: String?) {
        guard let text else { return }
        key(k)
        json.append(text)
    }

    static func object(_ body: (inout ObjectWriter) -> Void) -> String {
        var w = ObjectWriter()
        body(&w)
        return w.text
    }
}

/// The OMS request bodies, keys in sorted order (CanonicalJSONTests compares with JSONEncoder);
/// a synchronization task's is with its kind (Kinds/).
enum RequestJSON {
    static func listFile(_ l: ListFile?) -> String? {
        l.map { l in ObjectWriter.object { $0.str("list_file_key", l.listFileKey); $0.str("list_file_num", l.listFileNum); $0.str("obs_bucket", l.obsBucket) } }
    }

    static func policy(_ p: [BandwidthPolicy]?) -> String? {
        p.map { "[" + $0.map { r in ObjectWriter.object { $0.str("end", r.end); $0.num("max_bandwidth", r.maxBandwidth); $0.str("start", r.start) } }
            .joined(separator: ",") + "]" }
    }

    static func cdn(_ c: SourceCdnReq?) -> String? {
        c.map { c in ObjectWriter.object {
            $0.str("authentication_key", c.authenticationKey); $0.str("authentication_type", c.authenticationType)
            $0.str("domain", c.domain); $0.str("protocol", c.protocol)
        } }
    }

    static func smn(_ s: SmnConfig?) -> String? {
        s.map { s in ObjectWriter.object {
            $0.str("language", s.language); $0.str("message_template_name", s.messageTemplateName); $0.str("topic_urn", s.topicUrn)
            $0.strings("trigger_conditions", s.triggerConditions?.map(\.rawValue))
        } }
    }

    static func task(_ r: CreateTaskReq) -> String { createBody(r) }

    static func group(_ r: CreateTaskGroupReq) -> String { createBody(r) }

    /// A task's or a group's body: the keys one has and the other lacks are `nil` there, and
    /// left out (see `CreateBody`).
    private static func createBody<Body: CreateBody>(_ r: Body) -> String {
        let s = r.srcNode, d = r.dstNode
        return ObjectWriter.object { w in
            w.raw("bandwidth_policy", policy(r.bandwidthPolicy)); w.str("consistency_check", r.consistencyCheck)
            w.str("description", r.description)
            w.raw("dst_node", ObjectWriter.object {
                $0.str("ak", d.ak); $0.str("bucket", d.bucket); $0.str("cloud_type", d.cloudType); $0.str("region", d.region)
                $0.str("save_prefix", d.savePrefix); $0.str("security_token", d.securityToken); $0.str("sk", d.sk)
            })
            w.str("dst_storage_policy", r.dstStoragePolicy); w.flag("enable_failed_object_recording", r.enableFailedObjectRecording)
            w.flag("enable_kms", r.enableKms); w.flag("enable_metadata_migration", r.enableMetadataMigration)
            w.flag("enable_requester_pays", r.enableRequesterPays); w.flag("enable_restore", r.enableRestore)
            w.num("migrate_since", r.migrateSince); w.str("object_overwrite_mode", r.objectOverwriteMode)
            w.raw("smn_config", smn(r.smnConfig)); w.raw("source_cdn", cdn(r.sourceCdn))
            w.raw("src_node", ObjectWriter.object {
                $0.str("ak", s.ak); $0.str("app_id", s.appId); $0.str("bucket", s.bucket); $0.str("cloud_type", s.cloudType)
                $0.str("json_auth_file", s.jsonAuthFile); $0.raw("list_file", listFile(s.listFile)); $0.strings("object_key", s.objectKey)
                $0.str("region", s.region); $0.str("security_token", s.securityToken); $0.str("sk", s.sk)
            })
            w.str("task_priority", r.taskPriority); w.str("task_type", r.taskType)
        }
    }
}
