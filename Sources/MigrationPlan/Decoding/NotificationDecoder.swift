import Foundation

extension SpecFields {
    static let notification: Set<String> = ["provider", "url", "events", "selector", "minInterval"]
}

/// Decodes `kind: Notification`. The URL is read like a Credentials key (`SecretDecoder`): a
/// literal URL is refused without being echoed, and the resolved value is registered for
/// masking; its shape is then checked on its bytes, and no message ever quotes it.
struct NotificationDecoder {
    let ctx: DecodeContext

    /// Bounds of the lists (a plan is untrusted input): there are 8 events, and a selector is
    /// checked against every resource of every pass.
    static let maximumEvents = 64
    static let maximumSelectorLabels = 64

    /// nil (after reporting) when the document cannot be used.
    func decode(_ doc: RawDocument) -> DesiredNotification? {
        guard let spec = doc.spec,
            let f = Fields(spec, path: "spec", owner: doc.specOwner, allowed: SpecFields.notification, ctx: ctx)
        else { return nil }
        var ok = true
        let provider = f.choice("provider", DesiredNotification.Provider.allCases.map(\.rawValue), required: true)
            .flatMap { DesiredNotification.Provider(rawValue: $0.value) }
        if provider == nil { ok = false }

        var url: SecretValue?
        if let node = f.value("url") {
            url = SecretDecoder(ctx: ctx).decode(node, path: "spec.url")
            if let u = url, let value = u.value {
                if value.isEmpty {
                    // `${env:NAME:-}` set to nothing: this notification is off where it runs.
                    url = SecretValue(reference: u.reference, value: nil)
                } else if value.hasPrefix("sandbox-placeholder-") && ctx.placeholders.contains(u.reference) {
                    // The embedded sandbox stood in for an unset variable: there is nowhere to send.
                    ctx.warning("`spec.url` is unavailable (`\(u.reference)` is not set): no message will be sent", at: node.loc,
                                hint: "set it where oms-plan runs to receive notifications")
                    url = SecretValue(reference: u.reference, value: nil)
                } else if let problem = NotificationURL.problem(value) {
                    ctx.error("the URL `\(u.reference)` gives \(problem)", at: node.loc,
                              hint: "a notification URL is https (http only to this machine: localhost, 127.0.0.1, [::1]); the URL itself is never printed")
                    ok = false
                }
            }
            if url == nil { ok = false }
        } else {
            f.missing("url", hint: "write `url: \"${env:NAME}\"` and set NAME to the webhook's URL where oms-plan runs")
            ok = false
        }

        var events: [DesiredNotification.Event] = []
        if let list = f.list("events") {
            let names = DesiredNotification.Event.allCases.map(\.rawValue)
            if list.value.isEmpty {
                ctx.error("`spec.events` is empty", at: list.loc, hint: "name at least one of \(names.map { "`\($0)`" }.joined(separator: ", "))")
                ok = false
            }
            if list.value.count > Self.maximumEvents {
                ctx.error("`spec.events` has \(list.value.count) entries; at most \(Self.maximumEvents)", at: list.loc,
                          hint: "name each event once: \(names.joined(separator: ", "))")
                ok = false
            }
            for (i, item) in list.value.prefix(Self.maximumEvents).enumerated() {
                guard let s = Fields.string(item, key: "events[\(i)]", fields: f) else { ok = false; continue }
                guard let event = DesiredNotification.Event(rawValue: s.value) else {
                    ctx.error("unknown event `\(s.value)` in `spec.events`", at: s.loc,
                              hint: Suggestion.hint(for: s.value, in: names) ?? "events: \(names.joined(separator: ", "))")
                    ok = false
                    continue
                }
                if events.contains(event) {
                    ctx.warning("event `\(s.value)` is listed twice in `spec.events`", at: s.loc)
                    continue
                }
                events.append(event)
            }
        } else if !f.has("events") {
            f.missing("events", hint: "name the events to send, e.g. `events: [failed, gaveUp, blocked]`")
            ok = false
        } else {
            ok = false
        }

        var selector: [String: String] = [:]
        if let node = f.value("selector") {
            if let pairs = node.pairs, pairs.count > Self.maximumSelectorLabels {
                ctx.error("`spec.selector` has \(pairs.count) labels; at most \(Self.maximumSelectorLabels)", at: node.loc,
                          hint: "select resources by one or two labels they share, e.g. `selector: {team: media}`")
                ok = false
            } else if let pairs = node.pairs {
                for p in pairs {
                    guard let v = p.value.stringValue else {
                        ctx.error("`spec.selector.\(p.key)` must be a string, found \(p.value.kindDescription)", at: p.value.loc,
                                  hint: p.value.scalar.map { "quote it: \"\($0.text)\"" })
                        ok = false
                        continue
                    }
                    if !LabelSyntax.isValidKey(p.key) {
                        ctx.error("invalid label key `\(p.key)` in `spec.selector`", at: p.keyLoc,
                                  hint: "label keys are an optional DNS prefix and `/`, then up to 63 of A-Z a-z 0-9 - _ .")
                        ok = false
                    } else if !LabelSyntax.isValidValue(v) {
                        ctx.error("invalid label value `\(v)` in `spec.selector`", at: p.value.loc,
                                  hint: "label values are up to 63 of A-Z a-z 0-9 - _ ., starting and ending alphanumeric")
                        ok = false
                    }
                    selector[p.key] = v
                }
            } else {
                ctx.error("`spec.selector` must be a mapping of labels, found \(node.kindDescription)", at: node.loc,
                          hint: "e.g. `selector: {team: media}`: only resources with these labels")
                ok = false
            }
        }

        var minInterval = DesiredNotification.defaultMinInterval
        if let text = f.string("minInterval") {
            if let seconds = PlanDuration.seconds(text.value), (60...(30 * 86_400)).contains(seconds) {
                minInterval = TimeInterval(seconds)
            } else {
                ctx.error("`spec.minInterval` must be a duration from 1m to 30d, such as `15m`, `1h` or `1h30m`, found `\(text.value)`",
                          at: text.loc)
                ok = false
            }
        } else if f.has("minInterval") {
            ok = false
        }

        guard ok, let provider, let url else { return nil }
        return DesiredNotification(address: doc.address, provider: provider, url: url, events: events, selector: selector,
                                   minInterval: minInterval, declaredAt: ctx.sink.files.location(doc.nameLoc))
    }
}

/// The shape a notification URL must have, judged on its bytes (never on `Character`s, and
/// never by a URL parser that might read another host than the one connected to): printable
/// ASCII only; `https://`, or `http://` to a loopback host.
public enum NotificationURL {
    /// What is wrong, in words that never quote the URL; nil when it is fine.
    public static func problem(_ url: String) -> String? {
        let bytes = Array(url.utf8)
        if bytes.isEmpty { return "an empty URL" }
        if bytes.count > 2048 { return "a URL longer than 2048 bytes" }
        if bytes.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) {
            return "a URL with spaces, control characters or non-ASCII bytes (percent-encode them)"
        }
        let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        let https = Array("https://".utf8), http = Array("http://".utf8)
        let rest: ArraySlice<UInt8>
        let secure: Bool
        if lower.starts(with: https) {
            rest = lower[https.count...]
            secure = true
        } else if lower.starts(with: http) {
            rest = lower[http.count...]
            secure = false
        } else {
            return "a URL that is neither https:// nor http://"
        }
        let authority = rest.prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        if authority.contains(UInt8(ascii: "@")) { return "a URL with a user name or password before the host" }
        guard let hostBytes = host(of: authority), !hostBytes.isEmpty else { return "a URL without a host" }
        if !secure && !isLoopback(hostBytes) { return "an http:// URL to a host other than this machine (use https)" }
        return nil
    }

    /// The host of `host[:port]` or `[v6]:port`, lower-cased bytes; nil when the port is not digits.
    static func host(of authority: ArraySlice<UInt8>) -> [UInt8]? {
        let host: ArraySlice<UInt8>
        var port: ArraySlice<UInt8> = []
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            host = authority[authority.startIndex...close]
            let after = authority[(close + 1)...]
            if let first = after.first {
                guard first == UInt8(ascii: ":") else { return nil }
                port = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: UInt8(ascii: ":")) {
            host = authority[..<colon]
            port = authority[(colon + 1)...]
        } else {
            host = authority
        }
        guard port.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), port.count <= 5 else { return nil }
        return Array(host)
    }

    /// `localhost`, `127.x.y.z` (four decimal parts) or `[::1]`.
    static func isLoopback(_ host: [UInt8]) -> Bool {
        if host.elementsEqual("localhost".utf8) || host.elementsEqual("[::1]".utf8) { return true }
        let parts = host.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }) else {
            return false
        }
        let numbers = parts.map { part in part.reduce(0) { total, digit in total * 10 + Int(digit - 0x30) } }
        return numbers[0] == 127 && numbers.allSatisfy { $0 <= 255 }
    }
}
