import AsyncKit
import Fluent
import NIOCore
import PostgresNIO
import RetourCore
import SQLiteNIO
import Vapor

/// `GET /healthz` and `GET /readyz` (contract "Operations"): liveness without the database,
/// readiness with it.
enum OperationsController {
    static func register(on app: Application) {
        app.get(OperationsRoute.healthz) { _ in HealthAnswer(status: "ok") }
        app.get(OperationsRoute.readyz) { req async throws -> HealthAnswer in
            do {
                guard try await schemaIsCurrent(on: req.db) else {
                    throw Refusal(
                        .unavailable, detail: Message("app.api.theDatabaseSchemaIsNotMigrated"))
                }
                return HealthAnswer(status: "ready", missingFiles: try await MissingFiles.count(on: req.db))
            } catch let problem as Refusal {
                throw problem
            } catch {
                throw DatabaseUnavailable()
            }
        }
    }

    struct HealthAnswer: Content {
        var status: String
        /// Files the database names that the store could not find when asked (readiness only).
        var missingFiles: Int?
    }
}

/// The database cannot be reached: answered 503 with `Retry-After`, never 500.
struct DatabaseUnavailable: Error {
    static let retryAfterSeconds = 5

    /// Whether `error` means the database is unreachable or restarting, rather than a fault of
    /// the request or of Retour.
    static func matches(_ error: any Error) -> Bool {
        switch error {
        case is DatabaseUnavailable, is NIOConnectionError, is ChannelError, is ConnectionPoolTimeoutError:
            return true
        case let pool as ConnectionPoolError:
            return pool == .shutdown
        case let io as IOError:
            return [ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH].contains(io.errnoCode)
        case let postgres as PSQLError:
            if [.connectionError, .serverClosedConnection, .uncleanShutdown, .poolClosed, .clientClosedConnection]
                .contains(postgres.code)
            {
                return true
            }
            // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
            let state = postgres.serverInfo?[.sqlState] ?? ""
            return ["57P01", "57P02", "57P03", "53300"].contains(state)
        case let sqlite as SQLiteError:
            return sqlite.reason == .busy || sqlite.reason == .locked
        default:
            return false
        }
    }
}
