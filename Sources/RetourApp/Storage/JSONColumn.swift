import Foundation
import PostgresNIO

/// One value kept as a JSON document in one column: JSONB on PostgreSQL, JSON text on SQLite.
/// Models expose the typed value; nothing decodes text by hand or falls back to an empty value
/// when a document does not parse — a broken row fails loudly where it is read.
struct JSONColumn<Value: Codable & Sendable>: Codable, Sendable, PostgresCodable {
    var value: Value

    init(_ value: Value) { self.value = value }

    // Transparent: the column holds the value's own JSON, as the rows written before this type did.
    init(from decoder: any Decoder) throws { value = try Value(from: decoder) }

    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
