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
            let demo = try await User.query(on: app.db).filter(\.$email ~~ DemoData.logins.map(\.email)).all()
            for user in demo
            where (try? await app.password.async.verify(DemoData.password, created: user.passwordHash)) == true {
                problems.append(
                    "The demo login \(user.email) still has the published password; change it, or set RETOUR_ALLOW_DEMO=1."
                )
            }
        }
        guard problems.isEmpty else {
            throw ConfigError("Retour will not serve in production:\n- " + problems.joined(separator: "\n- "))
        }
    }
}
