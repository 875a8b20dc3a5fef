import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit

/// Vendor recovery's tables: the only code that reads or writes unit dispositions, vendor claims
/// and their credits.
struct DatabaseVendorRecoveryStore: VendorRecoveryStore {
    let database: any Database
    /// Writes the events of a claim (the event feed and webhook deliveries).
    let announcer: @Sendable (VendorClaimEvent, VendorClaim, Date, any Database) async throws -> Void

    private var sql: any SQLDatabase { database.sql }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any VendorRecoveryWork) async throws -> T)
        async throws -> T
    {
        let announcer = announcer
        return try await database.writeTransaction { db in
            try await work(Work(db: db, announcer: announcer))
        }
    }

    func claims(in list: VendorClaimList?, page: Int, per: Int, today: CalendarDay) async throws -> (
        claims: [VendorClaim], total: Int
    ) {
        let statuses = (list?.statuses ?? VendorClaimStatus.allCases).map(\.rawValue)
        struct Number: Decodable { var number: String }
        struct Count: Decodable { var total: Int }
        let numbers = try await sql.raw(
            """
            SELECT number FROM vendor_claims WHERE status IN (\(binds: statuses))
            ORDER BY opened_on, id LIMIT \(bind: per) OFFSET \(bind: (page - 1) * per)
            """
        ).all(decoding: Number.self)
        let total =
            try await sql.raw("SELECT COUNT(*) AS total FROM vendor_claims WHERE status IN (\(binds: statuses))")
            .first(decoding: Count.self)?.total ?? 0
        var claims: [VendorClaim] = []
        for row in numbers {
            if let claim = try await Self.claim(row.number, today: today, on: sql) { claims.append(claim) }
        }
        return (claims, total)
    }

    func claim(number: String, today: CalendarDay) async throws -> VendorClaim? {
        try await Self.claim(number, today: today, on: sql)
    }

    func brandTerms(brandID: Int) async throws -> BrandTerms? {
        try await Self.brandTerms(brandID, on: database)
    }

    static func brandTerms(_ id: Int, on db: any Database) async throws -> BrandTerms? {
        guard let brand = try await Brand.find(id, on: db) else { return nil }
        return BrandTerms(
            brandID: id, brand: brand.name, terms: brand.vendorReturnsJSON.map { VendorTermsColumn.decode($0) },
            advanceReplacement: brand.advanceReplacement ?? false)
    }

    func termsVersions(brandID: Int, limit: Int) async throws -> [TermsVersion] {
        struct Row: Decodable {
            var terms: String?
            var advance_replacement: Bool
            var changed_at: Date
            var name: String?
        }
        return try await sql.raw(
            """
            SELECT v.terms, v.advance_replacement, v.changed_at, u.name FROM vendor_terms_versions v
            LEFT JOIN users u ON u.id = v.changed_by
            WHERE v.brand_id = \(bind: brandID) ORDER BY v.id DESC LIMIT \(bind: limit)
            """
        ).all(decoding: Row.self).map {
            TermsVersion(
                terms: $0.terms.map { VendorTermsColumn.decode($0) }, advanceReplacement: $0.advance_replacement,
                at: $0.changed_at, by: $0.name)
        }
    }

    func subject(requestNumber: String) async throws -> DispositionSubject? {
        guard let record = try await ReturnRequest.query(on: database).filter(\.$number == requestNumber).first()
        else { return nil }
        return try await Self.subject(record, on: database)
    }

    func dispositions(ofRequest number: String) async throws -> [StoredUnit]? {
        struct ID: Decodable { var id: Int }
        guard
            let request = try await sql.raw("SELECT id FROM requests WHERE number = \(bind: number)")
                .first(decoding: ID.self)
        else { return nil }
        return try await Self.units(ofRequest: request.id, on: sql)
    }

    func recoveryFigures(from: CalendarDay, to: CalendarDay, today: CalendarDay) async throws -> RecoveryReport.Figures
    {
        struct Credit: Decodable {
            var brand: String
            var month: String
            var cents: Int64
        }
        // The claims' parts per month of the reseller credits, each with its claim's state: one
        // statement, so the report reads each claim once.
        struct Part: Decodable {
            var claim: String
            var brand: String
            var status: VendorClaimStatus
            var opened_on: String
            var month: String
            var expected: Int64
            var received: Int64
        }
        let credits = try await sql.raw(
            """
            SELECT b.name AS brand, substr(r.credit_note_date, 1, 7) AS month,
                   CAST(SUM(r.credit_amount_cents) AS BIGINT) AS cents
            FROM requests r JOIN invoice_lines l ON l.id = r.line_id JOIN articles a ON a.id = l.article_id
                 JOIN brands b ON b.id = a.brand_id
            WHERE r.credit_note_date >= \(bind: from.iso) AND r.credit_note_date <= \(bind: to.iso)
              AND r.credit_amount_cents IS NOT NULL
            GROUP BY b.name, substr(r.credit_note_date, 1, 7)
            """
        ).all(decoding: Credit.self)
        let parts = try await sql.raw(
            """
            SELECT c.number AS claim, b.name AS brand, c.status, c.opened_on,
                   substr(r.credit_note_date, 1, 7) AS month, CAST(SUM(u.expected_credit_cents) AS BIGINT) AS expected,
                   CAST(COALESCE((SELECT SUM(k.amount_cents) FROM vendor_claim_credits k
                                  WHERE k.vendor_claim_id = c.id), 0) AS BIGINT) AS received
            FROM requests r JOIN unit_dispositions u ON u.request_id = r.id
                 JOIN vendor_claims c ON c.id = u.vendor_claim_id JOIN brands b ON b.id = c.brand_id
            WHERE r.credit_note_date >= \(bind: from.iso) AND r.credit_note_date <= \(bind: to.iso)
            GROUP BY c.id, c.number, b.name, c.status, c.opened_on, substr(r.credit_note_date, 1, 7)
            """
        ).all(decoding: Part.self)
        var states: [String: RecoveryReport.ClaimState] = [:]
        for part in parts where states[part.claim] == nil {
            states[part.claim] = RecoveryReport.ClaimState(
                claim: part.claim, brand: part.brand, status: part.status, received: Money(cents: part.received),
                ageDays: CalendarDay(iso: part.opened_on).map { $0.days(until: today) } ?? 0)
        }
        return RecoveryReport.Figures(
            credits: credits.map {
                RecoveryReport.ResellerCredits(brand: $0.brand, month: $0.month, amount: Money(cents: $0.cents))
            },
            shares: parts.map {
                RecoveryReport.ClaimShare(claim: $0.claim, month: $0.month, expected: Money(cents: $0.expected))
            },
            claims: Array(states.values))
    }

    // MARK: reading

    /// `fresh` with its line, article, brand and units.
    static func subject(_ fresh: ReturnRequest, on db: any Database) async throws -> DispositionSubject? {
        let id = try fresh.requireID()
        guard let line = try await InvoiceLine.find(fresh.lineID, on: db),
            let article = try await Article.find(line.$article.id, on: db),
            let brand = try await Brand.find(article.$brand.id, on: db)
        else { return nil }
        return DispositionSubject(
            requestID: id, number: fresh.number, reason: fresh.reason, requestedSerials: fresh.serials,
            requestedQuantity: fresh.quantity, receivedQuantity: fresh.receivedQuantity,
            receivedSerials: fresh.receivedSerials ?? [],
            receivedCondition: fresh.receivedCondition,
            brandID: try brand.requireID(), brandName: brand.name,
            terms: VendorTermsColumn.decode(brand.vendorReturnsJSON),
            invoiceDate: CalendarDay(iso: line.invoiceDate) ?? CalendarDay(dayNumber: 0),
            prices: UnitPrices(
                invoicedPrice: Money(cents: line.unitPriceCents),
                purchasePrice: article.purchasePriceCents.map(Money.init(cents:)),
                listPrice: article.priceCents.map(Money.init(cents:))),
            units: try await units(ofRequest: id, on: db.sql))
    }

    private struct UnitRow: Decodable {
        var id: Int
        var serial: String?
        var quantity: Int
        var disposition: Disposition
        var grade: Grade?
        var note: String?
        var marked_on: String
        var expected_credit_cents: Int64?
        var claim_number: String?
        var claim_status: VendorClaimStatus?
        var request_number: String
    }

    private static let unitColumns: SQLQueryString = """
        SELECT u.id, u.serial, u.quantity, u.disposition, u.grade, u.note, u.marked_on, u.expected_credit_cents,
               c.number AS claim_number, c.status AS claim_status, r.number AS request_number
        FROM unit_dispositions u JOIN requests r ON r.id = u.request_id
             LEFT JOIN vendor_claims c ON c.id = u.vendor_claim_id
        """

    static func units(ofRequest id: Int, on sql: any SQLDatabase) async throws -> [StoredUnit] {
        try await sql.raw(unitColumns + " WHERE u.request_id = \(bind: id) ORDER BY u.id").all(decoding: UnitRow.self)
            .map(stored)
    }

    private static func stored(_ row: UnitRow) -> StoredUnit {
        StoredUnit(
            id: row.id, serial: row.serial, quantity: row.quantity, disposition: row.disposition, grade: row.grade,
            note: row.note, markedOn: CalendarDay(iso: row.marked_on) ?? CalendarDay(dayNumber: 0),
            expectedCredit: row.expected_credit_cents.map(Money.init(cents:)), claimNumber: row.claim_number,
            claimStatus: row.claim_status)
    }

    static func claim(_ number: String, today: CalendarDay, on sql: any SQLDatabase) async throws -> VendorClaim? {
        struct Row: Decodable {
            var id: Int
            var number: String
            var brand: String
            var vendor_returns: String?
            var status: VendorClaimStatus
            var opened_on: String
            var vendor_rma_number: String?
            var sent_on: String?
            var write_off_reason: String?
        }
        struct CreditRow: Decodable {
            var amount_cents: Int64
            var reference: String
            var at: Date
        }
        guard
            let row = try await sql.raw(
                """
                SELECT c.id, c.number, b.name AS brand, b.vendor_returns, c.status, c.opened_on, c.vendor_rma_number,
                       c.sent_on, c.write_off_reason
                FROM vendor_claims c JOIN brands b ON b.id = c.brand_id WHERE c.number = \(bind: number)
                """
            ).first(decoding: Row.self)
        else { return nil }
        let units = try await sql.raw(
            unitColumns + " WHERE u.vendor_claim_id = \(bind: row.id) ORDER BY r.number, u.serial, u.id"
        ).all(decoding: UnitRow.self)
        let credits = try await sql.raw(
            "SELECT amount_cents, reference, at FROM vendor_claim_credits WHERE vendor_claim_id = \(bind: row.id) ORDER BY id"
        ).all(decoding: CreditRow.self)
        let opened = CalendarDay(iso: row.opened_on) ?? today
        return VendorClaim(
            number: row.number, brand: row.brand, status: row.status,
            units: units.map {
                VendorClaim.Unit(
                    request: $0.request_number, serial: $0.serial, quantity: $0.quantity, disposition: $0.disposition,
                    grade: $0.grade, expectedCredit: Money(cents: $0.expected_credit_cents ?? 0))
            },
            vendorRmaNumber: row.vendor_rma_number, openedOn: opened,
            sentOn: row.sent_on.flatMap(CalendarDay.init(iso:)),
            credits: credits.map {
                VendorClaim.Credit(amount: Money(cents: $0.amount_cents), reference: $0.reference, at: $0.at)
            },
            writeOffReason: row.write_off_reason, vendorAddress: VendorTermsColumn.decode(row.vendor_returns).address,
            ageDays: max(0, opened.days(until: today)))
    }

    // MARK: writing

    private struct Work: VendorRecoveryWork {
        let db: any Database
        let announcer: @Sendable (VendorClaimEvent, VendorClaim, Date, any Database) async throws -> Void
        var sql: any SQLDatabase { db.sql }

        func lockSubject(requestNumber: String) async throws -> DispositionSubject? {
            guard let record = try await ReturnRequest.query(on: db).filter(\.$number == requestNumber).first() else {
                return nil
            }
            let id = try record.requireID()
            try await db.lockForUpdate(ReturnRequest.schema, ids: [id])
            // Read again under the lock: what is decided on is the request as stored now.
            guard let fresh = try await ReturnRequest.find(id, on: db) else { return nil }
            return try await DatabaseVendorRecoveryStore.subject(fresh, on: db)
        }

        func replaceUnits(ofRequest requestID: Int, keeping: Set<Int>, with units: [NewUnit]) async throws {
            var delete = sql.delete(from: "unit_dispositions").where("request_id", .equal, requestID)
            if !keeping.isEmpty { delete = delete.where("id", .notIn, Array(keeping)) }
            try await delete.run()
            guard !units.isEmpty else { return }
            let insert = sql.insert(into: "unit_dispositions").columns(
                "request_id", "serial", "quantity", "disposition", "grade", "note", "marked_on",
                "expected_credit_cents",
                "vendor_claim_id")
            for unit in units {
                _ = insert.values(
                    SQLBind(requestID), SQLBind(unit.serial), SQLBind(unit.quantity),
                    SQLBind(unit.disposition.rawValue),
                    SQLBind(unit.grade?.rawValue), SQLBind(unit.note), SQLBind(unit.markedOn.iso),
                    SQLBind(unit.expectedCredit?.cents), SQLBind(unit.claimID))
            }
            try await insert.run()
        }

        func openClaim(brandID: Int, today: CalendarDay, now: Date) async throws -> Int {
            struct ID: Decodable { var id: Int }
            try await db.lockForUpdate(Brand.schema, ids: [brandID])
            if let open = try await sql.raw(
                "SELECT id FROM vendor_claims WHERE brand_id = \(bind: brandID) AND status = 'open' ORDER BY id"
            ).first(decoding: ID.self) {
                return open.id
            }
            let number = VendorClaimNumbers.number(sequence: try await NumberSequence.next("vendor_claim", db))
            guard
                let created = try await sql.raw(
                    """
                    INSERT INTO vendor_claims (number, brand_id, status, opened_on, opened_at)
                    VALUES (\(bind: number), \(bind: brandID), 'open', \(bind: today.iso), \(bind: now)) RETURNING id
                    """
                ).first(decoding: ID.self)
            else { throw Refusal(.unavailable, detail: Message("app.api.notFound")) }
            return created.id
        }

        func dropEmptyOpenClaims(brandID: Int) async throws {
            try await sql.raw(
                """
                DELETE FROM vendor_claims WHERE brand_id = \(bind: brandID) AND status = 'open'
                  AND NOT EXISTS (SELECT 1 FROM unit_dispositions u WHERE u.vendor_claim_id = vendor_claims.id)
                """
            ).run()
        }

        func lockClaim(number: String, today: CalendarDay) async throws -> VendorClaim? {
            struct ID: Decodable { var id: Int }
            guard
                let row = try await sql.raw("SELECT id FROM vendor_claims WHERE number = \(bind: number)")
                    .first(decoding: ID.self)
            else { return nil }
            try await db.lockForUpdate("vendor_claims", ids: [row.id])
            return try await DatabaseVendorRecoveryStore.claim(number, today: today, on: sql)
        }

        func markSent(claimNumber: String, vendorRmaNumber: String, on day: CalendarDay) async throws {
            try await sql.update("vendor_claims").set("status", to: VendorClaimStatus.sent.rawValue)
                .set("vendor_rma_number", to: vendorRmaNumber).set("sent_on", to: day.iso)
                .where("number", .equal, claimNumber).run()
        }

        func addCredit(
            claimNumber: String, amount: Money, reference: String, status: VendorClaimStatus, at: Date, by actorID: Int?
        ) async throws {
            try await sql.raw(
                """
                INSERT INTO vendor_claim_credits (vendor_claim_id, amount_cents, reference, at, actor_id)
                SELECT id, \(bind: amount.cents), \(bind: reference), \(bind: at), \(bind: actorID)
                FROM vendor_claims WHERE number = \(bind: claimNumber)
                """
            ).run()
            var update = sql.update("vendor_claims").set("status", to: status.rawValue)
            if status.isClosed { update = update.set("closed_at", to: SQLBind(at)) }
            try await update.where("number", .equal, claimNumber).run()
        }

        func writeOff(claimNumber: String, reason: String, at: Date) async throws {
            try await sql.update("vendor_claims").set("status", to: VendorClaimStatus.writtenOff.rawValue)
                .set("write_off_reason", to: reason).set("closed_at", to: SQLBind(at))
                .where("number", .equal, claimNumber).run()
        }

        func lockBrandTerms(brandID: Int) async throws -> BrandTerms? {
            try await db.lockForUpdate(Brand.schema, ids: [brandID])
            return try await DatabaseVendorRecoveryStore.brandTerms(brandID, on: db)
        }

        func saveBrandTerms(
            brandID: Int, terms: VendorReturnTerms?, advanceReplacement: Bool, at: Date, by actorID: Int?
        ) async throws {
            let json = VendorTermsColumn.encode(terms)
            try await sql.update("brands").set("vendor_returns", to: SQLBind(json))
                .set("advance_replacement", to: SQLBind(advanceReplacement)).where("id", .equal, brandID).run()
            try await sql.insert(into: "vendor_terms_versions")
                .columns("brand_id", "terms", "advance_replacement", "changed_at", "changed_by")
                .values(SQLBind(brandID), SQLBind(json), SQLBind(advanceReplacement), SQLBind(at), SQLBind(actorID))
                .run()
        }

        func audit(_ action: String, subject: String, detail: String, actorID: Int?, at: Date) async throws {
            try await AuditEvent(at: at, actorID: actorID, action: action, subject: subject, detail: detail).create(
                on: db)
        }

        func announce(_ event: VendorClaimEvent, claimNumber: String, today: CalendarDay, at: Date) async throws {
            guard let claim = try await DatabaseVendorRecoveryStore.claim(claimNumber, today: today, on: sql) else {
                return
            }
            try await announcer(event, claim, at, db)
        }
    }
}

/// The brand's `vendor_returns` column: `VendorReturnTerms` as JSON.
enum VendorTermsColumn {
    static func decode(_ text: String?) -> VendorReturnTerms {
        guard let text, let terms = try? JSONDecoder().decode(VendorReturnTerms.self, from: Data(text.utf8)) else {
            return .none
        }
        return terms
    }

    static func encode(_ terms: VendorReturnTerms?) -> String? {
        guard let terms, let data = try? JSONEncoder().encode(terms) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
