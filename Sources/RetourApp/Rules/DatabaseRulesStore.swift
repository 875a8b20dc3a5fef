import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit
import Vapor

/// The policy versions and brand settings behind `PublishPolicy` and `UpdateBrand`: the only code
/// that writes them for those use cases.
struct DatabaseRulesStore: RulesStore {
    let database: any Database

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any RulesWork) async throws -> T) async throws -> T {
        try await database.writeTransaction { db in try await work(Work(db: db)) }
    }

    private struct Work: RulesWork {
        let db: any Database

        func lockLatestVersion() async throws -> Int {
            if !db.isSQLite {
                // A new version has no row to lock yet: the table is, for the rest of the transaction.
                try await db.sql.raw("LOCK TABLE policy_versions IN EXCLUSIVE MODE").run()
            }
            return try await PolicyVersion.query(on: db).sort(\.$version, .descending).first()?.version ?? 0
        }

        func policy(inForceOn day: CalendarDay) async throws -> Policy {
            try await PolicyStore.current(on: db, day: day).policy
        }

        func articleExists(_ number: String) async throws -> Bool {
            try await Article.query(on: db).filter(\.$number == number).count() > 0
        }

        func addVersion(
            _ version: Int, policy: Policy, effectiveFrom: CalendarDay, note: String?, by actorID: Int, at now: Date
        ) async throws -> PublishedVersion {
            let record = PolicyVersion()
            record.version = version
            record.effectiveFrom = effectiveFrom.iso
            record.document = try PolicyStore.encode(policy)
            record.note = note
            record.createdBy = actorID
            record.createdAt = now
            try await record.create(on: db)
            return PublishedVersion(version: version, effectiveFrom: effectiveFrom, note: note, createdAt: now)
        }

        func lockBrand(_ id: Int) async throws -> BrandSettings? {
            try await db.lockForUpdate(Brand.schema, ids: [id])
            return try await Brand.find(id, on: db).map(\.settings)
        }

        func setBrand(_ settings: BrandSettings) async throws {
            try await Brand.query(on: db).filter(\.$id == settings.id)
                .set(\.$doaDays, to: settings.doaDays)
                .set(\.$warrantyMonths, to: settings.warrantyMonths)
                .set(\.$warrantyHandling, to: settings.warrantyHandling)
                .set(\.$doaHandling, to: settings.doaHandling)
                .update()
        }

        func audit(_ entry: AuditEntry) async throws { try await AuditEvent(entry).create(on: db) }
    }
}

extension Brand {
    /// What an administrator may change of this brand, as the rules use cases see it.
    var settings: BrandSettings {
        BrandSettings(
            id: id ?? 0, name: name, doaDays: doaDays, warrantyMonths: warrantyMonths,
            warrantyHandling: warrantyHandling, doaHandling: doaHandling, hasServiceCentre: serviceCompany != nil)
    }
}

extension Request {
    /// The rules use cases over this request's database.
    var rulesStore: DatabaseRulesStore { DatabaseRulesStore(database: db) }
}
