import Fluent
import SQLKit

/// Migration 029 — a request's advance replacement: its status, the days it ships by and the
/// defective unit must be back by, the tracking number, and whether the reminder went out.
struct AddAdvanceReplacement: AsyncMigration {
    var name: String { "RetourApp.AddAdvanceReplacement" }

    static let columns: [(String, DatabaseSchema.DataType)] = [
        ("replacement_status", .string), ("replacement_ship_by", .string), ("replacement_return_by", .string),
        ("replacement_tracking", .string), ("replacement_reminded", .bool),
    ]

    func prepare(on database: any Database) async throws {
        for (name, type) in Self.columns {
            try await database.schema("requests").field(
                .definition(name: .key(.init(stringLiteral: name)), dataType: type, constraints: [])
            ).update()
        }
        // The worker looks for shipped replacements by their deadline.
        try await database.sql.create(index: "requests_replacement_due").on("requests")
            .column("replacement_status").column("replacement_return_by").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "requests_replacement_due").run()
        for (name, _) in Self.columns {
            try await database.schema("requests").deleteField(.key(.init(stringLiteral: name))).update()
        }
    }
}
