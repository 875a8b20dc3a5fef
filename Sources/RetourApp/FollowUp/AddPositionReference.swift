import Fluent
import Foundation
import RetourCore
import SQLKit

/// Migration 030 — the reseller's own reference of a position ("Positie Referentienummer") as a
/// column of its request, so that the status overview shows it and finds a request by it, by an
/// index that starts with the company. Requests submitted before carry it in their form's fields:
/// it is copied from there.
struct AddPositionReference: AsyncMigration {
    var name: String { "RetourApp.AddPositionReference" }

    func prepare(on database: any Database) async throws {
        try await database.schema("requests").field("position_reference", .string).update()
        try await database.sql.raw(
            "CREATE INDEX requests_company_reference_upper ON requests (company_id, UPPER(position_reference))"
        ).run()
        try await Self.copyReferences(on: database)
    }

    /// Copies each request's reference from its form's fields into the column. Only rows whose
    /// fields name a reference are read, a few hundred at a time.
    static func copyReferences(on database: any Database) async throws {
        struct Row: Decodable {
            var id: Int
            var fields: String
        }
        var after = 0
        while true {
            let rows = try await database.sql.raw(
                """
                SELECT id, CAST(fields AS TEXT) AS fields FROM requests
                WHERE id > \(bind: after) AND CAST(fields AS TEXT) LIKE '%positionReference%' ORDER BY id LIMIT 500
                """
            ).all(decoding: Row.self)
            guard let last = rows.last else { break }
            for row in rows {
                let fields = try? JSONDecoder().decode([String: JSONValue].self, from: Data(row.fields.utf8))
                guard let reference = ReturnRequest.positionReference(in: fields ?? [:]) else { continue }
                try await database.sql.update("requests").set("position_reference", to: reference)
                    .where("id", .equal, row.id).run()
            }
            after = last.id
        }
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "requests_company_reference_upper").run()
        try await database.schema("requests").deleteField("position_reference").update()
    }
}
