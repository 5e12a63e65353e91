import Foundation

/// The object lists OMS leaves in a task's destination bucket (docs/sandbox-objects.md): where
/// they go and what one line says. Lines are tab-separated; no field can hold a tab or a line
/// break (keys with control characters are refused before they become objects, reasons are
/// ours, error codes are checked where they come in).
enum ObjectLists {
    enum Kind: String, Sendable, CaseIterable {
        case failed, success, skip

        /// `failed_object_lists`, `success_object_lists`, `skip_object_lists`.
        var folder: String { "\(rawValue)_object_lists" }
        /// `<timestamp>.failed_list.txt` and its siblings.
        func fileName(_ stamp: String) -> String { "\(stamp).\(rawValue)_list.txt" }
    }

    /// Where a task writes a list: `oms/task/<task>/<kind>_object_lists/<stamp>.<kind>_list.txt`
    /// for a task of its own, `oms/task_group/<group>/<kind>_object_lists/<task>/<stamp>...`
    /// for a task of a group (the console's documented places).
    static func key(_ kind: Kind, taskName: String, groupId: String?, at time: Date) -> String {
        let stamp = String(Int64((time.timeIntervalSince1970 * 1000).rounded(.down)))
        if let groupId, !groupId.isEmpty {
            return "oms/task_group/\(groupId)/\(kind.folder)/\(taskName)/\(kind.fileName(stamp))"
        }
        return "oms/task/\(taskName)/\(kind.folder)/\(kind.fileName(stamp))"
    }

    /// The folder a group's `failed_object_record.list_file_key` names (as OMS answers it).
    static func groupFailedFolder(_ groupId: String) -> String { "oms/task_group/\(groupId)/\(Kind.failed.folder)/" }

    /// `2026-12-07T13:28:24.125+08:00`: the instant in the region's time zone.
    static func time(_ date: Date, in zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// Percent-encodes a key's UTF-8 bytes: everything but ASCII letters, digits, `-._~` and
    /// `/` becomes `%XX` (upper-case hex), so the field is plain ASCII whatever the key holds.
    static func urlEncoded(_ key: String) -> String {
        var out = ""
        out.reserveCapacity(key.utf8.count)
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return out
    }

    /// reason, time, URL-encoded key, key, error code.
    static func failedLine(reason: String, time: String, key: String, code: String) -> String {
        [reason, time, urlEncoded(key), key, code].joined(separator: "\t")
    }

    /// time, URL-encoded key, key, size in bytes, the consistency check that passed.
    static func successLine(time: String, key: String, size: Int64, check: String) -> String {
        [time, urlEncoded(key), key, String(size), check].joined(separator: "\t")
    }

    /// reason, time, URL-encoded key, key, size in bytes.
    static func skipLine(reason: String, time: String, key: String, size: Int64) -> String {
        [reason, time, urlEncoded(key), key, String(size)].joined(separator: "\t")
    }

    /// The keys a failed list names, in order: the fourth field (the key as is) of each line
    /// with five fields; a line of any other shape is not a failed object and is left out.
    /// Split on the bytes `\n` and `\t` (a `\r\n` is one `Character`, so never on those).
    static func failedKeys(_ data: Data) -> [String] {
        var keys: [String] = []
        for var line in data.split(separator: 0x0A, omittingEmptySubsequences: true) {
            if line.last == 0x0D { line = line.dropLast() }
            let fields = line.split(separator: 0x09, omittingEmptySubsequences: false)
            guard fields.count == 5, !fields[3].isEmpty else { continue }
            keys.append(String(decoding: fields[3], as: UTF8.self))
        }
        return keys
    }
}
