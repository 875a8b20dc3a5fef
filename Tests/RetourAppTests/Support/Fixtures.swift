import Foundation
import RetourCore
import Vapor

@testable import RetourApp

/// The world the app tests start from — three resellers and their logins, an agent and an
/// administrator, brands, articles and invoices dated around `testDay` — kept in its own import
/// document (`Fixtures/world.json`) and loaded through the import, as an ERP would. It is not the
/// demo: the demo may change for the people who look at it; this world changes with the tests.
enum Fixtures {
    /// The password of every login in the document.
    static let password = "retour-demo-2026"

    /// The document, read by the import's own parser once per test process (a debug build takes a
    /// while over 280 KB); a document the parser refuses stops the tests.
    static let worldURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/world.json")

    static let batch: ImportBatch = {
        let url = worldURL
        guard let data = try? Data(contentsOf: url),
            let document = try? JSONDecoder().decode(JSONValue.self, from: data)
        else { fatalError("the test fixtures are missing or broken: \(url.path)") }
        var parser = ImportParser()
        let batch = parser.parse(document)
        guard parser.errors.isEmpty else { fatalError("the test fixtures do not import: \(parser.errors)") }
        return batch
    }()
}

/// Stores the test world as the import stores a checked document: one transaction, upserts.
@discardableResult
func loadFixtures(_ app: Application) async throws -> ImportCounts {
    let importer = Importer(
        database: app.db, hashPassword: { [password = app.password.async] in try await password.hash($0) })
    return try await importer.store(Fixtures.batch)
}
