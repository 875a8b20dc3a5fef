import Fluent

/// Migration 001 — companies, users, brands, articles, invoices, lines, serials, tokens.
struct CreateMasterData: AsyncMigration {
    /// Stable: databases record migrations by this name.
    var name: String { "RetourApp.CreateMasterData" }

    func prepare(on database: any Database) async throws {
        try await database.schema("companies")
            .field("id", .int, .identifier(auto: true))
            .field("number", .string, .required)
            .field("name", .string, .required)
            .field("email", .string)
            .field("street", .string)
            .field("postcode", .string)
            .field("city", .string)
            .field("country", .string)
            .unique(on: "number")
            .create()

        try await database.schema("users")
            .field("id", .int, .identifier(auto: true))
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("company_id", .int, .references("companies", "id"))
            .field("active", .bool, .required)
            .field("language", .string)
            .unique(on: "email")
            .create()

        try await database.schema("brands")
            .field("id", .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("doa_days", .int)
            .field("warranty_months", .int)
            .field("warranty_handling", .string, .required)
            .field("doa_handling", .string, .required)
            .field("service_company", .string)
            .field("service_street", .string)
            .field("service_postcode", .string)
            .field("service_city", .string)
            .field("service_url", .string)
            .unique(on: "name")
            .create()

        try await database.schema("articles")
            .field("id", .int, .identifier(auto: true))
            .field("number", .string, .required)
            .field("description", .string, .required)
            .field("brand_id", .int, .required, .references("brands", "id"))
            .field("manufacturer_model", .string)
            .field("ean", .string)
            .field("serialised", .bool, .required)
            .field("kind", .string, .required)
            .field("special_order", .bool, .required)
            .field("returnable", .bool, .required)
            .field("warranty_months", .int)
            .field("price_cents", .int64)
            .unique(on: "number")
            .create()

        try await database.schema("invoices")
            .field("id", .int, .identifier(auto: true))
            .field("number", .string, .required)
            .field("company_id", .int, .required, .references("companies", "id"))
            .field("date", .string, .required)
            .field("customer_order_number", .string)
            .field("currency", .string, .required)
            .unique(on: "number")
            .create()

        try await database.schema("invoice_lines")
            .field("id", .int, .identifier(auto: true))
            .field("invoice_id", .int, .required, .references("invoices", "id"))
            .field("company_id", .int, .required, .references("companies", "id"))
            .field("invoice_number", .string, .required)
            .field("invoice_date", .string, .required)
            .field("customer_order_number", .string)
            .field("position", .int, .required)
            .field("article_id", .int, .required, .references("articles", "id"))
            .field("quantity", .int, .required)
            .field("unit_price_cents", .int64, .required)
            .field("currency", .string, .required)
            .field("customer_item_number", .string)
            .field("delivery_note_number", .string)
            .field("delivery_note_date", .string)
            .field("order_number", .string)
            .field("order_date", .string)
            .field("delivery_street", .string)
            .field("delivery_postcode", .string)
            .field("delivery_city", .string)
            .field("delivery_country", .string)
            .unique(on: "invoice_id", "position")
            .create()

        try await database.schema("serial_numbers")
            .field("id", .int, .identifier(auto: true))
            .field("line_id", .int, .required, .references("invoice_lines", "id", onDelete: .cascade))
            .field("number", .string, .required)
            .unique(on: "line_id", "number")
            .create()

        try await database.schema("api_tokens")
            .field("id", .int, .identifier(auto: true))
            .field("user_id", .int, .required, .references("users", "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()

        try await database.schema("login_failures")
            .field("id", .int, .identifier(auto: true))
            .field("subject", .string, .required)
            .field("at", .int64, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in [
            "login_failures", "api_tokens", "serial_numbers", "invoice_lines", "invoices", "articles", "brands",
            "users",
            "companies",
        ] {
            try await database.schema(table).delete()
        }
    }
}
