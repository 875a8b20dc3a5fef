import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit
import Vapor

/// The master data and invoice history as an import writes them: the only code that does.
struct DatabaseImportStore: ImportStore {
    let database: any Database
    let invite: (@Sendable ([String], any Database) async throws -> Void)?

    /// Both databases plan by statistics: after an import (and hourly, by the housekeeping, on
    /// SQLite) they are gathered again, so that a search by EAN walks the EAN's few lines, not the
    /// whole of a large reseller's — and on PostgreSQL a week's search uses the company's date index
    /// straight after a large import, before autovacuum would have analysed the tables. After the
    /// first load of an empty history PostgreSQL also vacuums, which marks the new pages all-visible:
    /// until then a search's count reads every matching line from the table instead of the index
    /// alone (two months of the largest reseller: 34 570 lines at 10 M). Later imports leave that to
    /// autovacuum, as they change a small part of the table.
    static func refreshStatistics(_ database: any Database, afterBulkLoad: Bool = false) async throws {
        let sql = database.sql
        let tables = "invoice_lines, serial_numbers, invoices, articles, brands, companies"
        if database.isSQLite {
            try await sql.raw("PRAGMA optimize=0x10002").run()
        } else if afterBulkLoad {
            try await sql.raw("VACUUM (ANALYZE) \(unsafeRaw: tables)").run()
        } else {
            try await sql.raw("ANALYZE \(unsafeRaw: tables)").run()
        }
    }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any ImportWork) async throws -> T) async throws -> T {
        let invite = invite
        return try await database.writeTransaction { db in
            let sql = db.sql
            let writer = Writer(sql: sql, lineCopy: try await DatabaseLineCopy.start(on: sql))
            return try await work(Work(db: db, writer: writer, invite: invite))
        }
    }

    func existing(_ kind: ImportReference.Kind, among keys: [String]) async throws -> Set<String> {
        try await Self.existing(kind, among: keys, on: database.sql)
    }

    static func existing(_ kind: ImportReference.Kind, among keys: [String], on sql: any SQLDatabase) async throws
        -> Set<String>
    {
        let (table, column) =
            switch kind {
            case .company: ("companies", "number")
            case .brand: ("brands", "name")
            case .article: ("articles", "number")
            }
        var found: Set<String> = []
        for chunk in keys.chunked(Importer.batchSize) {
            struct Row: Decodable { var key: String }
            let rows = try await sql.select().column(SQLAlias(SQLColumn(column), as: SQLIdentifier("key")))
                .from(table).where(SQLColumn(column), .in, SQLBind.group(Array(chunk))).all(decoding: Row.self)
            found.formUnion(rows.map(\.key))
        }
        return found
    }

    func staff(among emails: [String]) async throws -> Set<String> {
        Set(
            try await User.query(on: database).filter(\.$email ~~ emails).filter(\.$role ~~ [Role.agent, Role.admin])
                .all().map(\.email))
    }

    func fingerprinter() async throws -> (@Sendable (String) -> String)? {
        struct Secret: Decodable { var secret: String }
        // A schema from before fingerprints (a test that migrates part of the list): every password
        // is hashed, none is fingerprinted.
        guard
            let secret = try? await database.sql.raw("SELECT secret FROM installation").first(decoding: Secret.self)?
                .secret
        else { return nil }
        return { Installation.fingerprint($0, secret: secret) }
    }

    func passwordFingerprints(of emails: [String]) async throws -> [String: String] {
        struct Known: Decodable {
            var email: String
            var password_fingerprint: String?
        }
        var known: [String: String] = [:]
        for chunk in emails.chunked(Importer.batchSize) {
            let rows = try await database.sql.select().columns("email", "password_fingerprint")
                .from(User.schema).where("email", .in, Array(chunk)).all(decoding: Known.self)
            for row in rows { known[row.email] = row.password_fingerprint }
        }
        return known
    }

    func refreshStatistics(afterBulkLoad: Bool) async throws {
        try await DatabaseImportStore.refreshStatistics(database, afterBulkLoad: afterBulkLoad)
    }

    private final class Work: ImportWork, @unchecked Sendable {
        // `bulkLoad` is set before the first invoices are written and read after the last: never
        // by two tasks at once, though a write runs on a task of its own.
        let db: any Database
        let writer: Writer
        let invite: (@Sendable ([String], any Database) async throws -> Void)?
        var bulkLoad: DatabaseBulkLoad?

        init(db: any Database, writer: Writer, invite: (@Sendable ([String], any Database) async throws -> Void)?) {
            self.db = db
            self.writer = writer
            self.invite = invite
        }

        func existing(_ kind: ImportReference.Kind, among keys: [String]) async throws -> Set<String> {
            try await DatabaseImportStore.existing(kind, among: keys, on: db.sql)
        }

        /// Read with the columns it needs only, so that an import also runs on a schema that does
        /// not have every column of today's `User` yet (the upgrade tests load yesterday's database so).
        func logins(of emails: [String]) async throws -> [String: LoginStanding] {
            struct Row: Decodable {
                var id: Int
                var email: String
                var role: String
                var company_id: Int?
                var active: Bool
            }
            var found: [String: LoginStanding] = [:]
            for chunk in emails.chunked(Importer.batchSize) {
                let rows = try await db.sql.select().columns("id", "email", "role", "company_id", "active")
                    .from(User.schema).where("email", .in, Array(chunk)).all(decoding: Row.self)
                for row in rows {
                    found[row.email] = LoginStanding(
                        id: row.id, role: row.role, companyID: row.company_id, active: row.active)
                }
            }
            return found
        }

        func write(_ batch: ImportBatch, passwords: NewPasswords, newLines: Bool) async throws -> ImportCounts {
            try await writer.write(batch, passwordHashes: passwords, newLines: newLines)
        }

        func startBulkLoadIfEmpty() async throws -> Bool {
            bulkLoad = try await DatabaseBulkLoad.startIfEmpty(on: db.sql)
            return bulkLoad != nil
        }

        func finishBulkLoad() async throws {
            try await bulkLoad?.finish(on: db.sql)
        }

        func endSessions(ofLogin id: Int) async throws {
            try await DatabaseSessionStore(database: db).endAll(userID: id)
        }

        func invite(_ emails: [String]) async throws {
            try await invite?(emails, db)
        }
    }
}

/// The SQL side of an import, inside its transaction.
private struct Writer: Sendable {
    let sql: any SQLDatabase
    /// PostgreSQL's `COPY` path for the lines and their serials; nil on SQLite.
    let lineCopy: DatabaseLineCopy?

    /// On a conflict: the document's value where it gives one, else the stored one.
    static func keepUnlessGiven(_ table: String, _ column: String) -> SQLQueryString {
        "COALESCE(EXCLUDED.\(ident: column), \(ident: table).\(ident: column))"
    }

    /// `newLines`: the lines of `batch` are all new (a bulk load into an empty history).
    func write(_ batch: ImportBatch, passwordHashes: NewPasswords, newLines: Bool = false) async throws
        -> ImportCounts
    {
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
        // Written only when the document names a rule: a document without one leaves the
        // purchasing department's own choice as it is.
        for company in batch.companies {
            guard let rule = company.submitApproval else { continue }
            try await sql.update("companies").set("submit_approval", to: SQLBind(rule.kind.rawValue))
                .set("approval_amount_cents", to: SQLBind(rule.amount?.cents))
                .where("number", .equal, company.number).run()
        }
        for company in batch.companies {
            guard let allowed = company.advanceReplacement else { continue }
            try await sql.update("companies").set("advance_replacement", to: SQLBind(allowed))
                .where("number", .equal, company.number).run()
        }
        let companyIDs = try await ids(
            "companies", key: "number", for: batch.users.compactMap(\.company) + batch.invoices.map(\.company))

        for user in batch.users {
            let companyID = user.company.flatMap { companyIDs[$0] }
            if let hash = passwordHashes.hashes[user.email] {
                let fingerprint = passwordHashes.fingerprints[user.email]
                var columns = ["email", "name", "password_hash", "role", "company_id", "active"]
                var values: [any SQLExpression] = [
                    SQLBind(user.email), SQLBind(user.name), SQLBind(hash), SQLBind(user.role.rawValue),
                    SQLBind(companyID), SQLBind(user.active ?? true),
                ]
                if let fingerprint {
                    columns.append("password_fingerprint")
                    values.append(SQLBind(fingerprint))
                }
                try await sql.insert(into: "users").columns(columns).values(values)
                    .onConflict(with: ["email"]) {
                        var update = $0.set(excludedValueOf: "name").set(excludedValueOf: "password_hash")
                            .set(excludedValueOf: "role").set(excludedValueOf: "company_id")
                        if fingerprint != nil { update = update.set(excludedValueOf: "password_fingerprint") }
                        return user.active == nil ? update : update.set(excludedValueOf: "active")
                    }.run()
            } else {
                // Without a password: a new login gets none that works (an invitation lets the person
                // choose one); an existing one keeps its own.
                try await sql.insert(into: "users")
                    .columns("email", "name", "password_hash", "role", "company_id", "active")
                    .values(
                        SQLBind(user.email), SQLBind(user.name), SQLBind(AccountLinks.unusablePassword),
                        SQLBind(user.role.rawValue), SQLBind(companyID), SQLBind(user.active ?? true)
                    )
                    .onConflict(with: ["email"]) {
                        let update = $0.set(excludedValueOf: "name").set(excludedValueOf: "role")
                            .set(excludedValueOf: "company_id")
                        return user.active == nil ? update : update.set(excludedValueOf: "active")
                    }.run()
            }
            if let rights = user.rights {
                try await sql.update("users").set("rights", to: SQLBind(UserRight.stored(rights)))
                    .where("email", .equal, user.email).run()
            }
            counts.users += 1
        }

        for chunk in batch.brands.chunked(Importer.batchSize) {
            // The manufacturer's return terms are written where the document names them; a document
            // without them leaves what an administrator set as it is.
            let terms = chunk.contains { $0.vendorReturns != nil || $0.advanceReplacement != nil }
            var columns = [
                "name", "doa_days", "warranty_months", "warranty_handling", "doa_handling", "service_company",
                "service_street", "service_postcode", "service_city", "service_url",
            ]
            if terms { columns += ["vendor_returns", "advance_replacement"] }
            let insert = sql.insert(into: "brands").columns(columns)
            for b in chunk {
                var values: [any SQLExpression] = [
                    SQLBind(b.name), SQLBind(b.doaDays), SQLBind(b.warrantyMonths),
                    SQLBind(b.warrantyHandling.rawValue),
                    SQLBind(b.doaHandling.rawValue), SQLBind(b.serviceCentre?.company),
                    SQLBind(b.serviceCentre?.street),
                    SQLBind(b.serviceCentre?.postcode), SQLBind(b.serviceCentre?.city), SQLBind(b.serviceCentre?.url),
                ]
                if terms {
                    values += [SQLBind(VendorTermsColumn.encode(b.vendorReturns)), SQLBind(b.advanceReplacement)]
                }
                _ = insert.values(values)
            }
            try await insert.onConflict(with: ["name"]) { update in
                var update = update
                for column in [
                    "doa_days", "warranty_months", "warranty_handling", "doa_handling", "service_company",
                    "service_street", "service_postcode", "service_city", "service_url",
                ] {
                    update = update.set(excludedValueOf: column)
                }
                if terms {
                    update = update.set("vendor_returns", to: Self.keepUnlessGiven("brands", "vendor_returns"))
                        .set("advance_replacement", to: Self.keepUnlessGiven("brands", "advance_replacement"))
                }
                return update
            }.run()
            counts.brands += chunk.count
        }
        let brandIDs = try await ids("brands", key: "name", for: batch.articles.map(\.brand))

        for chunk in batch.articles.chunked(Importer.batchSize) {
            // The purchase price likewise: written where given, kept where not.
            let purchase = chunk.contains { $0.purchasePrice != nil }
            var columns = [
                "number", "description", "brand_id", "manufacturer_model", "ean", "serialised", "kind", "special_order",
                "returnable", "warranty_months", "price_cents",
            ]
            if purchase { columns.append("purchase_price_cents") }
            let insert = sql.insert(into: "articles").columns(columns)
            for a in chunk {
                var values: [any SQLExpression] = [
                    SQLBind(a.number), SQLBind(a.description), SQLBind(brandIDs[a.brand]), SQLBind(a.manufacturerModel),
                    SQLBind(a.ean), SQLBind(a.serialised), SQLBind(a.kind.rawValue), SQLBind(a.specialOrder),
                    SQLBind(a.returnable), SQLBind(a.warrantyMonths), SQLBind(a.price?.cents),
                ]
                if purchase { values.append(SQLBind(a.purchasePrice?.cents)) }
                _ = insert.values(values)
            }
            try await insert.onConflict(with: ["number"]) { update in
                var update = update
                for column in [
                    "description", "brand_id", "manufacturer_model", "ean", "serialised", "kind", "special_order",
                    "returnable", "warranty_months", "price_cents",
                ] {
                    update = update.set(excludedValueOf: column)
                }
                if purchase {
                    update = update.set(
                        "purchase_price_cents", to: Self.keepUnlessGiven("articles", "purchase_price_cents"))
                }
                return update
            }.run()
            counts.articles += chunk.count
        }
        let articleIDs = try await ids(
            "articles", key: "number", for: batch.invoices.flatMap { $0.lines.map(\.article) })

        var invoiceIDs: [String: Int] = [:]
        for chunk in batch.invoices.chunked(Importer.batchSize) {
            let insert = sql.insert(into: "invoices")
                .columns("number", "company_id", "date", "customer_order_number", "currency")
            for i in chunk {
                _ = insert.values(
                    SQLBind(i.number), SQLBind(companyIDs[i.company]), SQLBind(i.date.iso),
                    SQLBind(i.customerOrderNumber),
                    SQLBind(i.currency))
            }
            // Inserted or updated, each row answers with its id: no second query to find them.
            struct Written: Decodable {
                var id: Int
                var number: String
            }
            let written = try await insert.onConflict(with: ["number"]) {
                $0.set(excludedValueOf: "company_id").set(excludedValueOf: "date")
                    .set(excludedValueOf: "customer_order_number").set(excludedValueOf: "currency")
            }.returning("id", "number").all(decoding: Written.self)
            for row in written { invoiceIDs[row.number] = row.id }
            counts.invoices += chunk.count
        }

        // Lines, then their serials: the lines' own ids are read back by (invoice, position).
        struct PendingLine {
            let invoiceID: Int
            let invoice: InvoiceRecord
            let line: LineRecord
        }
        let pending = batch.invoices.flatMap { invoice in
            invoice.lines.map { PendingLine(invoiceID: invoiceIDs[invoice.number]!, invoice: invoice, line: $0) }
        }
        if let lineCopy {
            var rows: [[String?]] = []
            var serials: [[String?]] = []
            rows.reserveCapacity(pending.count)
            for p in pending {
                let l = p.line
                rows.append([
                    String(p.invoiceID), companyIDs[p.invoice.company].map(String.init), p.invoice.number,
                    p.invoice.date.iso, p.invoice.customerOrderNumber, String(l.position),
                    articleIDs[l.article].map(String.init), String(l.quantity), String(l.unitPrice.cents),
                    p.invoice.currency, l.customerItemNumber, l.deliveryNote?.number, l.deliveryNote?.date?.iso,
                    l.order?.number, l.order?.date?.iso, l.deliveryAddress?.street, l.deliveryAddress?.postcode,
                    l.deliveryAddress?.city, l.deliveryAddress?.country,
                ])
                for serial in l.serials {
                    serials.append([String(p.invoiceID), String(l.position), String(serials.count), serial])
                }
            }
            try await lineCopy.write(lines: rows, serials: serials, newLines: newLines)
            counts.lines += rows.count
            counts.serials += serials.count
            return counts
        }
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
            struct LineKey: Decodable {
                var id: Int
                var invoice_id: Int
                var position: Int
            }
            let keys = try await insert.onConflict(with: ["invoice_id", "position"]) { update in
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
            }.returning("id", "invoice_id", "position").all(decoding: LineKey.self)
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
