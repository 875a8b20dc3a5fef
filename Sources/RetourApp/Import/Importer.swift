import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The import as the commands, the API and the tests start it: `ImportData` over the database.
struct Importer {
    let database: any Database
    let hashPassword: @Sendable (String) async throws -> String
    /// Called as invoice lines are written.
    var progress: (@Sendable (ImportProgress) -> Void)? = nil
    /// The document came with an API key, not from an administrator signed in: it may make and
    /// change reseller logins only, never the distributor's agents and administrators.
    var resellerUsersOnly = false
    /// Sends invitations to the logins the document names without a password (inside the import's
    /// transaction, through the outbox): each that never signed in and has none on its way gets one.
    var invite: (@Sendable ([String], any Database) async throws -> Void)? = nil

    static let batchSize = 400
    static let invoicesPerChunk = ImportData.invoicesPerChunk

    typealias Failure = ImportData.Failure

    private var document: ImportData {
        ImportData(
            store: DatabaseImportStore(database: database, invite: invite), hashPassword: hashPassword,
            progress: progress, resellerUsersOnly: resellerUsersOnly)
    }

    /// Reads, checks and stores one document.
    func run(json data: Data) async throws -> ImportCounts {
        try await run(.data(data))
    }

    /// Reads, checks and stores one document a record at a time (`ImportData.run`).
    func run(_ source: ImportSource) async throws -> ImportCounts {
        try await document.run(source)
    }

    /// Stores an already checked batch (the demo data uses this directly).
    func store(_ batch: ImportBatch) async throws -> ImportCounts {
        try await document.store(batch)
    }
}
