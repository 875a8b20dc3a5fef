import Fluent
import Vapor

/// What `serve` refuses in the production environment: a demo login whose password is published
/// in the README (unless `RETOUR_ALLOW_DEMO=1`), a bcrypt cost below 10, and phone links built
/// from the request's Host header instead of `RETOUR_PUBLIC_URL`.
public enum ProductionSafety {
    public static func check(_ app: Application) async throws {
        guard app.environment == .production else { return }
        let config = app.config
        var problems: [String] = []
        if config.bcryptCost < 10 {
            problems.append("RETOUR_BCRYPT_COST is \(config.bcryptCost); production needs at least 10.")
        }
        if config.publicURL == nil {
            problems.append("RETOUR_PUBLIC_URL is not set; phone upload links need the portal's public address.")
        }
        if !config.allowDemo {
            // The demo's logins and those of generated benchmark data: their passwords are published.
            let published = [
                (DemoData.logins.map(\.email), DemoData.password),
                (GeneratedData.logins, GeneratedData.password),
            ]
            for (emails, password) in published {
                for user in try await LoginQueries(database: app.db).logins(emails: emails)
                where (try? await app.password.async.verify(password, created: user.passwordHash)) == true {
                    problems.append(
                        "The demo login \(user.email) still has the published password; change it, or set RETOUR_ALLOW_DEMO=1."
                    )
                }
            }
        }
        guard problems.isEmpty else {
            throw ConfigError("Retour will not serve in production:\n- " + problems.joined(separator: "\n- "))
        }
    }
}
