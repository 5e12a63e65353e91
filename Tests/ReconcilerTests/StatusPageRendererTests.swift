import Foundation
import MigrationPlan
import OMSModels
import Testing

@testable import Reconciler

/// The status page's contract (the browser test and tools rely on it) and its safety.
@Suite struct StatusPageRendererTests {
    static func page(_ live: (DesiredState) throws -> LiveState) throws -> (DesiredState, String) {
        let desired = try Fixtures.quickstart(variables: Fixtures.fakeSecrets)
        let board = StatusBoard()
        board.setDesired(desired)
        var reading = try live(desired)
        board.observe(reading)
        reading.readAt = reading.readAt.addingTimeInterval(60)
        board.observe(reading)
        var pass = Fixtures.report(desired, live: try live(desired))
        pass.changes[0].outcome = ChangeOutcome(status: .failed, error: "OMS.0063: <script>alert(1)</script>")
        board.recordPass(pass, at: Fixtures.evaluatedAt)
        return (desired, StatusPageRenderer(refreshSeconds: 15, now: Fixtures.evaluatedAt).render(board.snapshot))
    }

    @Test func everyResourceHasARowWithItsForecastAndTheSectionsAreThere() throws {
        let (desired, html) = try Self.page { try Fixtures.everyActionLive($0) }
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<meta http-equiv=\"refresh\" content=\"15\">"))
        for resource in desired.omsResources {
            #expect(html.contains("<tr class=\"resource\" data-address=\"\(resource.address)\""), "\(resource.address)")
        }
        #expect(html.components(separatedBy: "<td class=\"forecast\" data-finish=").count - 1 == html.components(separatedBy: "<tr class=\"resource\"").count - 1)
        for id in ["id=\"summary\"", "id=\"throughput\"", "id=\"windows\"", "id=\"now-marker\"", "id=\"last-pass\"", "<polyline"] {
            #expect(html.contains(id), "\(id) missing")
        }
        // Self-contained: no script, no file from elsewhere.
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href=\"http"))
        // Text from OMS is escaped.
        #expect(html.contains("OMS.0063: &lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    @Test func secretsNeverReachThePage() throws {
        let secret = "pagesecret-\(UUID().uuidString)"
        SecretRedactor.shared.register([secret])
        let desired = try Fixtures.quickstart(variables: Fixtures.fakeSecrets)
        let board = StatusBoard()
        board.setDesired(desired)
        board.recordError("connection refused with key \(secret)")
        // The server masks the final bytes, after escaping (`MetricsServer`), as here.
        let html = SecretRedactor.shared.redact(StatusPageRenderer(now: Fixtures.evaluatedAt).render(board.snapshot))
        #expect(!html.contains(secret) && html.contains("connection refused with key"))
    }

    /// A secret holding HTML specials is escaped on the page before it is masked: its
    /// escaped form is what must not be there (issue 21).
    @Test func secretsWithHTMLSpecialsAreMaskedAfterEscaping() throws {
        let secret = "pg<&\"'sec-\(UUID().uuidString)"
        SecretRedactor.shared.register([secret])
        let board = StatusBoard()
        board.setDesired(try Fixtures.quickstart(variables: Fixtures.fakeSecrets))
        board.recordError("refused: \(secret)\u{0301}")
        let html = SecretRedactor.shared.redact(StatusPageRenderer(now: Fixtures.evaluatedAt).render(board.snapshot))
        #expect(!html.containsBytes(String(secret.dropFirst(8))) && html.containsBytes("refused: (secret)"), "\(html)")
    }

    /// `\u{0600}<img ...>` is one Swift `Character`; its `<` must still be escaped, and the
    /// page's policy lets no script run (issue 21).
    @Test func markupAfterAPrependedMarkIsEscaped() throws {
        let board = StatusBoard()
        board.setDesired(try Fixtures.quickstart(variables: Fixtures.fakeSecrets))
        board.recordError("\u{0600}<img src=x onerror=alert(1)>\u{0301}<svg onload=alert(2)>")
        let html = StatusPageRenderer(now: Fixtures.evaluatedAt).render(board.snapshot)
        // Searched as bytes: as `Character`s, `\u{0600}<` is not a `<` at all.
        #expect(!html.containsBytes("<img") && !html.containsBytes("<svg onload"), "\(html)")
        #expect(html.containsBytes("&lt;img src=x onerror=alert(1)&gt;"))
        let policy = StatusPageRenderer.contentSecurityPolicy
        #expect(policy.contains("default-src 'none'") && !policy.contains("unsafe") && policy.contains("style-src 'sha256-"))
    }
}

extension String {
    /// Whether `needle`'s UTF-8 bytes occur in this string's (not a `Character` search).
    func containsBytes(_ needle: String) -> Bool {
        Data(utf8).range(of: Data(needle.utf8)) != nil
    }
}
