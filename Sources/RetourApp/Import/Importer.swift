import Fluent
import Foundation
import RetourCore
import SQLKit
import Vapor

/// Stores an import document: every record upserted by its natural key, all in one transaction,
/// nothing stored when any record is invalid.
struct Importer {
    let database: any Database
    let hashPassword: @Sendable (String) async throws -> String
    /// Called with (lines done, lines in all) as invoice lines are written.
    var progress: (@Sendable (Int, Int) -> Void)? = nil

    static let batchSize = 400

    enum Failure: Error {
        case malformed
        case invalid([ImportError])
    }

    /// Reads, checks and stores one document.
    func run(json data: Data) async throws -> ImportCounts {
        let document: JSONValue
        do {
            document = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw Failure.malformed
        }
        var parser = ImportParser()
        let batch = parser.parse(document)
        var errors = parser.errors
        errors += try await unresolved(parser.references)
        errors += try await usersWithoutPassword(batch.users)
        guard errors.isEmpty else { throw Failure.invalid(errors) }
        return try await store(batch)
    }

    private struct Rights: Equatable {
        var id: Int
        var role: String
        var companyID: Int?
    }

    private static func rights(of emails: [String], on db: any Database) async throws -> [String: Rights] {
        var found: [String: Rights] = [:]
        for chunk in emails.chunked(batchSize) {
            for user in try await User.query(on: db).filter(\.$email ~~ Array(chunk)).all() {
                found[user.email] = Rights(
                    id: try user.requireID(), role: user.role.rawValue, companyID: user.companyID)
            }
        }
        return found
    }

    /// Stores an already checked batch (the demo data uses this directly).
    func store(_ batch: ImportBatch) async throws -> ImportCounts {
        var hashes: [String: String] = [:]
        for user in batch.users {
            if let password = user.password { hashes[user.email] = try await hashPassword(password) }
        }
        let passwordHashes = hashes
        return try await database.transaction { db in
            let before = try await Self.rights(of: batch.users.map(\.email), on: db)
            let counts = try await Writer(sql: db as! any SQLDatabase, progress: progress).write(
                batch, passwordHashes: passwordHashes)
            // A user whose role, company or password the ERP changed signs in again: sessions and
            // tokens made under the old rights end.
            let after = try await Self.rights(of: Array(before.keys), on: db)
            for (email, old) in before where after[email] != old || passwordHashes[email] != nil {
                try await SessionsOfUser.endAll(userID: old.id, on: db)
            }
            return counts
        }
    }

    private func unresolved(_ references: [ImportReference]) async throws -> [ImportError] {
        guard !references.isEmpty else { return [] }
        let sql = database as! any SQLDatabase
        var known: [ImportReference.Kind: Set<String>] = [:]
        for (kind, table, column) in [
            (ImportReference.Kind.company, "companies", "number"), (.brand, "brands", "name"),
            (.article, "articles", "number"),
        ] {
            let keys = Array(Set(references.filter { $0.kind == kind }.map(\.key)))
            var found: Set<String> = []
            for chunk in keys.chunked(Self.batchSize) {
                struct Row: Decodable { var key: String }
                let rows = try await sql.select().column(SQLAlias(SQLColumn(column), as: SQLIdentifier("key")))
                    .from(table).where(SQLColumn(column), .in, SQLBind.group(Array(chunk))).all(decoding: Row.self)
                found.formUnion(rows.map(\.key))
            }
            known[kind] = found
        }
        return ImportParser.missing(references) { kind, key in known[kind]?.contains(key) == true }
    }

    private func usersWithoutPassword(_ users: [UserRecord]) async throws -> [ImportError] {
        let missing = users.filter { $0.password == nil }
        guard !missing.isEmpty else { return [] }
        let existing = Set(
            try await User.query(on: database).filter(\.$email ~~ missing.map(\.email)).all().map(\.email))
        return missing.filter { !existing.contains($0.email) }.map {
            ImportError(
                pointer: $0.pointer.appending("password"),
                message: Message("app.import.aNewUserNeedsAPassword"))
        }
    }
}

/// The SQL side of an import, inside its transaction.
private struct Writer {
    let sql: any SQLDatabase
    let progress: (@Sendable (Int, Int) -> Void)?

    func write(_ batch: ImportBatch, passwordHashes: [String: String]) async throws -> ImportCounts {
        var counts = ImportCounts()

        for chunk in batch.companies.chunked(Importer.batchSize) {
            let insert = sql.insert(into: "companies")
                .columns("number", "name", "email", "street", "postcode", "city", "country")
            for c in chunk {
                _ = insert.values(
                    SQLBind(c.number), SQLBind(c.name), SQLBind(c.email), SQLBind(c.address?.street),
                    SQLBind(c.address?.postcode), SQLBind(c.address?.city), SQLBind(c.address?.country))
            }
            try await insert.onConflict(with: ["number"]) {
                $0.set(excludedValueOf: "name").set(excludedValueOf: "email").set(excludedValueOf: "street")
                    .set(excludedValueOf: "postcode").set(excludedValueOf: "city").set(excludedValueOf: "country")
            }.run()
            counts.companies += chunk.count
        }
        let companyIDs = try await ids(
            "companies", key: "number", for: batch.users.compactMap(\.company) + batch.invoices.map(\.company))

        for user in batch.users {
            let companyID = user.company.flatMap { companyIDs[$0] }
            if let hash = passwordHashes[user.email] {
                try await sql.insert(into: "users")
                    .columns("email", "name", "password_hash", "role", "company_id", "active")
                    .values(
                        SQLBind(user.email), SQLBind(user.name), SQLBind(hash), SQLBind(user.role.rawValue),
                        SQLBind(companyID), SQLBind(true)
                    )
                    .onConflict(with: ["email"]) {
                        $0.set(excludedValueOf: "name").set(excludedValueOf: "password_hash").set(
                            excludedValueOf: "role"
                        )
                        .set(excludedValueOf: "company_id")
                    }.run()
            } else {
                try await sql.update("users").set("name", to: user.name).set("role", to: user.role.rawValue)
                    .set("company_id", to: companyID).where("email", .equal, user.email).run()
            }
            counts.users += 1
        }

        for chunk in batch.brands.chunked(Importer.batchSize) {
            let insert = sql.insert(into: "brands").columns(
                "name", "doa_days", "warranty_months", "warranty_handling", "doa_handling", "service_company",
                "service_street", "service_postcode", "service_city", "service_url")
            for b in chunk {
                _ = insert.values(
                    SQLBind(b.name), SQLBind(b.doaDays), SQLBind(b.warrantyMonths),
                    SQLBind(b.warrantyHandling.rawValue),
                    SQLBind(b.doaHandling.rawValue), SQLBind(b.serviceCentre?.company),
                    SQLBind(b.serviceCentre?.street),
                    SQLBind(b.serviceCentre?.postcode), SQLBind(b.serviceCentre?.city), SQLBind(b.serviceCentre?.url))
            }
            try await insert.onConflict(with: ["name"]) { update in
                var update = update
                for column in [
                    "doa_days", "warranty_months", "warranty_handling", "doa_handling", "service_company",
                    "service_street", "service_postcode", "service_city", "service_url",
                ] {
                    update = update.set(excludedValueOf: column)
                }
                return update
            }.run()
            counts.brands += chunk.count
        }
        let brandIDs = try await ids("brands", key: "name", for: batch.articles.map(\.brand))

        for chunk in batch.articles.chunked(Importer.batchSize) {
            let insert = sql.insert(into: "articles").columns(
                "number", "description", "brand_id", "manufacturer_model", "ean", "serialised", "kind", "special_order",
                "returnable", "warranty_months", "price_cents")
            for a in chunk {
                _ = insert.values(
                    SQLBind(a.number), SQLBind(a.description), SQLBind(brandIDs[a.brand]), SQLBind(a.manufacturerModel),
                    SQLBind(a.ean), SQLBind(a.serialised), SQLBind(a.kind.rawValue), SQLBind(a.specialOrder),
                    SQLBind(a.returnable), SQLBind(a.warrantyMonths), SQLBind(a.price?.cents))
            }
            try await insert.onConflict(with: ["number"]) { update in
                var update = update
                for column in [
                    "description", "brand_id", "manufacturer_model", "ean", "serialised", "kind", "special_order",
                    "returnable", "warranty_months", "price_cents",
                ] {
                    update = update.set(excludedValueOf: column)
                }
                return update
            }.run()
            counts.articles += chunk.count
        }
        let articleIDs = try await ids(
            "articles", key: "number", for: batch.invoices.flatMap { $0.lines.map(\.article) })

        for chunk in batch.invoices.chunked(Importer.batchSize) {
            let insert = sql.insert(into: "invoices")
                .columns("number", "company_id", "date", "customer_order_number", "currency")
            for i in chunk {
                _ = insert.values(
                    SQLBind(i.number), SQLBind(companyIDs[i.company]), SQLBind(i.date.iso),
                    SQLBind(i.customerOrderNumber),
                    SQLBind(i.currency))
            }
            try await insert.onConflict(with: ["number"]) {
                $0.set(excludedValueOf: "company_id").set(excludedValueOf: "date")
                    .set(excludedValueOf: "customer_order_number").set(excludedValueOf: "currency")
            }.run()
            counts.invoices += chunk.count
        }
        let invoiceIDs = try await ids("invoices", key: "number", for: batch.invoices.map(\.number))

        // Lines, then their serials: the lines' own ids are read back by (invoice, position).
        struct PendingLine {
            let invoiceID: Int
            let invoice: InvoiceRecord
            let line: LineRecord
        }
        let pending = batch.invoices.flatMap { invoice in
            invoice.lines.map { PendingLine(invoiceID: invoiceIDs[invoice.number]!, invoice: invoice, line: $0) }
        }
        let total = pending.count
        var done = 0
        for chunk in pending.chunked(Importer.batchSize) {
            let insert = sql.insert(into: "invoice_lines").columns(
                "invoice_id", "company_id", "invoice_number", "invoice_date", "customer_order_number", "position",
                "article_id", "quantity", "unit_price_cents", "currency", "customer_item_number",
                "delivery_note_number",
                "delivery_note_date", "order_number", "order_date", "delivery_street", "delivery_postcode",
                "delivery_city", "delivery_country")
            for p in chunk {
                let l = p.line
                _ = insert.values(
                    SQLBind(p.invoiceID), SQLBind(companyIDs[p.invoice.company]), SQLBind(p.invoice.number),
                    SQLBind(p.invoice.date.iso), SQLBind(p.invoice.customerOrderNumber), SQLBind(l.position),
                    SQLBind(articleIDs[l.article]), SQLBind(l.quantity), SQLBind(l.unitPrice.cents),
                    SQLBind(p.invoice.currency), SQLBind(l.customerItemNumber), SQLBind(l.deliveryNote?.number),
                    SQLBind(l.deliveryNote?.date?.iso), SQLBind(l.order?.number), SQLBind(l.order?.date?.iso),
                    SQLBind(l.deliveryAddress?.street), SQLBind(l.deliveryAddress?.postcode),
                    SQLBind(l.deliveryAddress?.city), SQLBind(l.deliveryAddress?.country))
            }
            try await insert.onConflict(with: ["invoice_id", "position"]) { update in
                var update = update
                for column in [
                    "company_id", "invoice_number", "invoice_date", "customer_order_number", "article_id", "quantity",
                    "unit_price_cents", "currency", "customer_item_number", "delivery_note_number",
                    "delivery_note_date",
                    "order_number", "order_date", "delivery_street", "delivery_postcode", "delivery_city",
                    "delivery_country",
                ] {
                    update = update.set(excludedValueOf: column)
                }
                return update
            }.run()

            struct LineKey: Decodable {
                var id: Int
                var invoice_id: Int
                var position: Int
            }
            let chunkInvoiceIDs = Array(Set(chunk.map(\.invoiceID)))
            let keys = try await sql.select().columns("id", "invoice_id", "position").from("invoice_lines")
                .where("invoice_id", .in, chunkInvoiceIDs).all(decoding: LineKey.self)
            var lineIDs: [String: Int] = [:]
            for key in keys { lineIDs["\(key.invoice_id)/\(key.position)"] = key.id }
            let chunkLineIDs = chunk.compactMap { lineIDs["\($0.invoiceID)/\($0.line.position)"] }

            // The serials of an imported line are exactly those of the document.
            try await sql.delete(from: "serial_numbers").where("line_id", .in, chunkLineIDs).run()
            let serialRows = chunk.flatMap { p in
                p.line.serials.map { (lineIDs["\(p.invoiceID)/\(p.line.position)"]!, $0) }
            }
            for serialChunk in serialRows.chunked(Importer.batchSize * 4) {
                let insert = sql.insert(into: "serial_numbers").columns("line_id", "number")
                for (lineID, number) in serialChunk { _ = insert.values(SQLBind(lineID), SQLBind(number)) }
                try await insert.run()
            }
            counts.serials += serialRows.count
            counts.lines += chunk.count
            done += chunk.count
            progress?(done, total)
        }
        return counts
    }

    /// The ids of the rows whose `key` column holds one of `keys`.
    private func ids(_ table: String, key: String, for keys: [String]) async throws -> [String: Int] {
        struct Row: Decodable {
            var id: Int
            var key: String
        }
        var result: [String: Int] = [:]
        for chunk in Array(Set(keys)).chunked(Importer.batchSize * 2) {
            let rows = try await sql.select().column("id").column(SQLAlias(SQLColumn(key), as: SQLIdentifier("key")))
                .from(table).where(SQLColumn(key), .in, SQLBind.group(Array(chunk))).all(decoding: Row.self)
            for row in rows { result[row.key] = row.id }
        }
        return result
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
