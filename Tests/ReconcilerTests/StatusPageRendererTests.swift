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
        let html = StatusPageRenderer(now: Fixtures.evaluatedAt).render(board.snapshot)
        #expect(!html.contains(secret) && html.contains("connection refused with key"))
    }
}
