import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// Who this installation is: an id and a secret made once, by the migration, and kept in its own
/// database. The id tells its files directory from another installation's (`FileRoot`); the secret
/// keys fingerprints (`Installation.fingerprint`), different in every installation.
enum Installation {
    struct Row: Decodable {
        var id: String
        var secret: String
    }

    private struct Key: StorageKey {
        typealias Value = Row
    }

    /// This installation's id and secret (read once per process).
    static func current(_ app: Application) async throws -> Row {
        if let known = app.storage[Key.self] { return known }
        guard
            let row = try await app.db.sql.raw("SELECT id, secret FROM installation").first(
                decoding: Row.self)
        else { throw Abort(.internalServerError, reason: "the installation row is missing; run retour migrate") }
        app.storage[Key.self] = row
        return row
    }

    /// A keyed fingerprint (HMAC-SHA256) of `text`: the same text gives the same fingerprint in one
    /// installation, so a re-sent value is told from a changed one without storing or re-hashing it.
    static func fingerprint(_ text: String, secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }
}
