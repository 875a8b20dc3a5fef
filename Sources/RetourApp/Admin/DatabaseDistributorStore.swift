import Fluent
import Foundation
import RetourApplication
import RetourCore

/// The settings row behind `ChangeDistributor`: the only code that writes it.
struct DatabaseDistributorStore: DistributorStore {
    let database: any Database

    /// What the administrator stored, if anything.
    func stored() async throws -> Distributor? {
        try await DistributorSettings.find(DistributorSettings.rowID, on: database)?.distributor
    }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any DistributorWork) async throws -> T) async throws -> T
    {
        try await database.writeTransaction { db in try await work(Work(db: db)) }
    }

    private struct Work: DistributorWork {
        let db: any Database

        func lockStored() async throws -> Distributor? {
            try await db.lockForUpdate(DistributorSettings.schema, ids: [DistributorSettings.rowID])
            return try await DistributorSettings.find(DistributorSettings.rowID, on: db)?.distributor
        }

        func store(_ distributor: Distributor, by actorID: Int, at now: Date) async throws {
            try await DistributorSettings.query(on: db).filter(\.$id == DistributorSettings.rowID)
                .set(\.$returnAddress, to: distributor.returnAddress.joined(separator: "\n"))
                .set(\.$sellerName, to: distributor.sellerName)
                .set(\.$sellerStreet, to: distributor.sellerStreet)
                .set(\.$sellerPostcode, to: distributor.sellerPostcode)
                .set(\.$sellerCity, to: distributor.sellerCity)
                .set(\.$sellerCountry, to: distributor.sellerCountry)
                .set(\.$sellerVAT, to: distributor.sellerVAT)
                .set(\.$sellerEmail, to: distributor.sellerEmail)
                .set(\.$updatedAt, to: now)
                .set(\.$updatedBy, to: actorID)
                .update()
        }

        func audit(_ entry: AuditEntry) async throws { try await AuditEvent(entry).create(on: db) }
    }
}

extension Distributor {
    /// The distributor's data in force: the administrator's, else the installation's. Read where a
    /// document or a mail is made (one row by its key), so every process sees a change at once.
    static func current(_ config: AppConfig, on db: any Database) async throws -> Distributor {
        try await DistributorSettings.find(DistributorSettings.rowID, on: db)?.distributor ?? Distributor(config)
    }
}
