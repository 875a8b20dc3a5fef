import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit
import Vapor

/// Where an import document's bytes come from, readable more than once (the import reads it twice).
struct ImportSource: Sendable {
    /// The document's size in bytes, when known (for progress).
    let size: Int?
    let open: @Sendable () throws -> () throws -> [UInt8]?

    static let chunkSize = 1 << 20

    static func data(_ data: Data) -> ImportSource {
        ImportSource(size: data.count) {
            var offset = data.startIndex
            return {
                guard offset < data.endIndex else { return nil }
                let end = min(offset + chunkSize, data.endIndex)
                defer { offset = end }
                return [UInt8](data[offset..<end])
            }
        }
    }

    static func file(_ path: String) -> ImportSource {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        return ImportSource(size: size) {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
            return {
                guard let data = try handle.read(upToCount: chunkSize), !data.isEmpty else {
                    try? handle.close()
                    return nil
                }
                return [UInt8](data)
            }
        }
    }
}

/// How far an import is: lines stored, and bytes of the document read.
struct ImportProgress: Sendable {
    var lines: Int
    var bytesRead: Int
    var totalBytes: Int?
}

/// Stores an import document: every record upserted by its natural key, all in one transaction,
/// nothing stored when any record is invalid.
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
    /// Invoices decoded, checked and written at a time: what the import holds in memory.
    static let invoicesPerChunk = 500
    /// A document with more errors than this is answered with the first ones only.
    static let errorLimit = 10_000

    enum Failure: Error {
        case malformed
        case invalid([ImportError])
        /// What an API key may not import (`resellerUsersOnly`).
        case beyondTheKey([ImportError])
    }

    /// Reads, checks and stores one document.
    func run(json data: Data) async throws -> ImportCounts {
        try await run(.data(data))
    }

    /// Reads, checks and stores one document a record at a time, so that memory stays bounded
    /// whatever its size. Two passes over its bytes: the master data (companies, users, brands,
    /// articles) first, then the invoices, checked and written a chunk at a time. All or nothing:
    /// one transaction, rolled back when any record is wrong, and every error is reported with its
    /// JSON pointer as if the document had been read whole.
    func run(_ source: ImportSource) async throws -> ImportCounts {
        // Pass 1: every section but the invoices, which are skipped over.
        var sections: [String: JSONValue] = [:]
        var invoiceNames: [String] = []
        do {
            var reader = JSONSectionReader(nextChunk: try source.open())
            while let name = try reader.nextSection() {
                if Self.invoiceSections.contains(name), try reader.sectionIsArray() {
                    invoiceNames.append(name)
                    _ = try reader.sectionValue(keep: false)
                    // Stands in for the records, so that the parser still sees which sections exist.
                    sections[name] = .array([])
                } else {
                    // Inside an array: a section whose value is a bare string or number is a JSON
                    // fragment, which the decoder does not take on its own.
                    let value = try Self.array([UInt8(ascii: "[")] + reader.sectionValue() + [UInt8(ascii: "]")])
                    sections[name] = value.first ?? .null
                }
            }
        } catch is JSONSectionReader.Malformed {
            throw Failure.malformed
        }
        var parser = ImportParser()
        let master = parser.parse(.object(sections))
        var errors = parser.errors
        errors += try await unresolved(parser.takeReferences(), on: database)
        if resellerUsersOnly {
            let beyond = try await usersBeyondAKey(master.users)
            if !beyond.isEmpty { throw Failure.beyondTheKey(beyond) }
        }
        let defined: [ImportReference.Kind: Set<String>] = [
            .company: Set(master.companies.map(\.number)), .article: Set(master.articles.map(\.number)),
        ]
        let passwordHashes = errors.isEmpty ? try await passwords(of: master.users) : NewPasswords()
        let known = errors
        // Both "invoices" and "documents" is an error the parser reported already.
        let invoiceSection = invoiceNames.count == 1 ? invoiceNames.first : nil

        let (counts, loadedInBulk) = try await database.writeTransaction { db in
            var errors = known
            let sql = db.sql
            let before = try await Self.rights(of: master.users.map(\.email), on: db)
            let writer = Writer(sql: sql, lineCopy: try await LineCopy.start(on: sql))
            var counts = ImportCounts()
            if errors.isEmpty { counts = try await writer.write(master, passwordHashes: passwordHashes) }

            // Pass 2: the invoices, a chunk at a time.
            let bulkLoad = invoiceSection != nil && errors.isEmpty ? try await BulkLoad.startIfEmpty(on: sql) : nil
            if let invoiceSection {
                var reader = JSONSectionReader(nextChunk: try source.open())
                var seen: Set<String> = []
                var index = 0
                var parser = ImportParser()
                // A chunk is written while the next one is read and checked: on two cores the
                // database's work and the parsing overlap. One write at a time, so the transaction's
                // connection is never used by two statements at once.
                var writing: Task<ImportCounts, any Error>?
                func finishWriting() async throws {
                    guard let task = writing else { return }
                    writing = nil
                    let written = try await task.value
                    counts.invoices += written.invoices
                    counts.lines += written.lines
                    counts.serials += written.serials
                    progress?(ImportProgress(lines: counts.lines, bytesRead: reader.bytesRead, totalBytes: source.size))
                }
                func flush(_ chunk: [[UInt8]]) async throws {
                    guard !chunk.isEmpty, errors.count < Self.errorLimit else { return }
                    var joined: [UInt8] = [UInt8(ascii: "[")]
                    for (position, record) in chunk.enumerated() {
                        if position > 0 { joined.append(UInt8(ascii: ",")) }
                        joined += record
                    }
                    joined.append(UInt8(ascii: "]"))
                    let values = try Self.array(joined)
                    let invoices = parser.parseInvoices(
                        values, section: invoiceSection, firstIndex: index, seen: &seen)
                    index += values.count
                    errors += parser.errors
                    let references = parser.takeReferences().filter { defined[$0.kind]?.contains($0.key) != true }
                    parser = ImportParser()
                    try await finishWriting()
                    errors += try await unresolved(references, on: db)
                    guard errors.isEmpty else { return }
                    var batch = ImportBatch()
                    batch.invoices = invoices
                    let newLines = bulkLoad != nil
                    writing = Task { try await writer.write(batch, passwordHashes: NewPasswords(), newLines: newLines) }
                }
                do {
                    while let name = try reader.nextSection() {
                        guard name == invoiceSection else {
                            _ = try reader.sectionValue(keep: false)
                            continue
                        }
                        var chunk: [[UInt8]] = []
                        while let record = try reader.nextRecord() {
                            chunk.append(record)
                            if chunk.count == Self.invoicesPerChunk {
                                try await flush(chunk)
                                chunk = []
                            }
                        }
                        try await flush(chunk)
                    }
                    try await finishWriting()
                } catch {
                    // The transaction ends with this error: let a write under way finish first.
                    _ = try? await writing?.value
                    if error is JSONSectionReader.Malformed { throw Failure.malformed }
                    throw error
                }
            }
            guard errors.isEmpty else { throw Failure.invalid(Array(errors.prefix(Self.errorLimit))) }
            try await bulkLoad?.finish(on: sql)
            try await Self.endSessionsOfChangedUsers(before, passwordHashes: passwordHashes, on: db)
            try await invite?(master.users.filter { $0.password == nil }.map(\.email), db)
            return (counts, bulkLoad != nil)
        }
        try await Self.refreshStatistics(database, afterBulkLoad: loadedInBulk)
        return counts
    }

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

    private static let invoiceSections: Set<String> = ["invoices", "documents"]

    /// The values of a JSON array, read by the import's own reader (`JSONDecoder` reached a
    /// `JSONValue` only by trying every type in turn, which held the import to a few MB/s).
    private static func array(_ bytes: [UInt8]) throws -> [JSONValue] {
        guard case .array(let values)? = try? JSONValueParser.parse(bytes) else { throw Failure.malformed }
        return values
    }

    private struct Rights: Equatable {
        var id: Int
        var role: String
        var companyID: Int?
        var active: Bool
    }

    /// Read with the columns it needs only, so that an import also runs on a schema that does not
    /// have every column of today's `User` yet (the upgrade tests load yesterday's database so).
    private static func rights(of emails: [String], on db: any Database) async throws -> [String: Rights] {
        struct Row: Decodable {
            var id: Int
            var email: String
            var role: String
            var company_id: Int?
            var active: Bool
        }
        var found: [String: Rights] = [:]
        for chunk in emails.chunked(batchSize) {
            let rows = try await db.sql.select().columns(
                "id", "email", "role", "company_id", "active"
            )
            .from(User.schema).where("email", .in, Array(chunk)).all(decoding: Row.self)
            for row in rows {
                found[row.email] = Rights(id: row.id, role: row.role, companyID: row.company_id, active: row.active)
            }
        }
        return found
    }

    /// Stores an already checked batch (the demo data uses this directly).
    func store(_ batch: ImportBatch) async throws -> ImportCounts {
        let passwordHashes = try await passwords(of: batch.users)
        return try await database.transaction { db in
            let before = try await Self.rights(of: batch.users.map(\.email), on: db)
            let sql = db.sql
            let counts = try await Writer(sql: sql, lineCopy: try await LineCopy.start(on: sql)).write(
                batch, passwordHashes: passwordHashes)
            try await Self.endSessionsOfChangedUsers(before, passwordHashes: passwordHashes, on: db)
            try await invite?(batch.users.filter { $0.password == nil }.map(\.email), db)
            return counts
        }
    }

    /// The passwords the document changes: for each login whose password is new or differs from the
    /// one last imported, its bcrypt hash and the keyed fingerprint that tells it apart next time
    /// (before any transaction: hashing is slow on purpose). A password sent again unchanged — an
    /// ERP that sends every user every night — costs one HMAC, not a bcrypt, and changes nothing.
    private func passwords(of users: [UserRecord]) async throws -> NewPasswords {
        let given = users.filter { $0.password != nil }
        guard !given.isEmpty else { return NewPasswords() }
        struct Secret: Decodable { var secret: String }
        // A schema from before fingerprints (a test that migrates part of the list): every password
        // is hashed, none is fingerprinted.
        let secret = try? await database.sql.raw("SELECT secret FROM installation")
            .first(decoding: Secret.self)?.secret
        var known: [String: String] = [:]
        struct Known: Decodable {
            var email: String
            var password_fingerprint: String?
        }
        if secret != nil {
            for chunk in given.map(\.email).chunked(Self.batchSize) {
                let rows = try await database.sql.select().columns("email", "password_fingerprint")
                    .from(User.schema).where("email", .in, Array(chunk)).all(decoding: Known.self)
                for row in rows { known[row.email] = row.password_fingerprint }
            }
        }
        var changed = NewPasswords()
        for user in given {
            guard let password = user.password else { continue }
            let fingerprint = secret.map { Installation.fingerprint(password, secret: $0) }
            if let fingerprint, known[user.email] == fingerprint { continue }
            changed.hashes[user.email] = try await hashPassword(password)
            if let fingerprint { changed.fingerprints[user.email] = fingerprint }
        }
        return changed
    }

    /// A user whose role, company, `active` or password the ERP changed signs in again: sessions
    /// and tokens made under the old rights end. A user imported unchanged keeps them all.
    private static func endSessionsOfChangedUsers(
        _ before: [String: Rights], passwordHashes: NewPasswords, on db: any Database
    ) async throws {
        let after = try await rights(of: Array(before.keys), on: db)
        for (email, old) in before where after[email] != old || passwordHashes.hashes[email] != nil {
            try await SessionsOfUser.endAll(userID: old.id, on: db)
        }
    }

    private func unresolved(_ references: [ImportReference], on db: any Database) async throws -> [ImportError] {
        guard !references.isEmpty else { return [] }
        let sql = db.sql
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

    /// Users an API key may not import: any role of the distributor's, and any existing login of
    /// the distributor's (whose password or role it would set).
    private func usersBeyondAKey(_ users: [UserRecord]) async throws -> [ImportError] {
        let staff = Set(
            try await User.query(on: database).filter(\.$email ~~ users.map(\.email))
                .filter(\.$role ~~ [Role.agent, Role.admin]).all().map(\.email))
        return users.compactMap { user in
            if !user.role.belongsToCompany {
                return ImportError(
                    pointer: user.pointer.appending("role"), message: Message("app.import.keyMakesResellersOnly"))
            }
            if staff.contains(user.email) {
                return ImportError(pointer: user.pointer, message: Message("app.import.keyMakesResellersOnly"))
            }
            return nil
        }
    }

}

/// The passwords an import changes, by e-mail: bcrypt hashes and the fingerprints of what was sent.
struct NewPasswords: Sendable {
    var hashes: [String: String] = [:]
    var fingerprints: [String: String] = [:]
}

/// The SQL side of an import, inside its transaction.
private struct Writer {
    let sql: any SQLDatabase
    /// PostgreSQL's `COPY` path for the lines and their serials; nil on SQLite.
    let lineCopy: LineCopy?

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
