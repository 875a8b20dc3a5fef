import Fluent
import Foundation
import RetourApplication
import Vapor

/// Expires RMA numbers whose days have passed and reminds the reseller the day before.
enum ExpiryWorker {
    @discardableResult
    static func runOnce(_ app: Application) async throws -> (expired: Int, reminded: Int) {
        let round = try await RequestExpiry(store: app.requestStore(), now: app.clock.now, today: app.today).runOnce()
        for number in round.unreachable {
            app.logger.warning("no reminder for \(number): its user is gone or disabled")
        }
        return (round.expired, round.reminded)
    }
}

/// Reminds resellers of advance replacements due back and charges those that did not come back.
enum Replacements {
    @discardableResult
    static func runOnce(_ app: Application) async throws -> (reminded: Int, charged: Int) {
        try await RequestSteps(
            store: app.requestStore(), actor: .system, actorID: nil, now: app.clock.now, today: app.today
        ).replacementRound()
    }
}

extension Application {
    /// The requests' store on `database` (the application's own by default).
    func requestStore(_ database: (any Database)? = nil) -> DatabaseRequestStore {
        DatabaseRequestStore(database: database ?? db, config: config, texts: translationCatalog, baseURL: baseURL)
    }
}
