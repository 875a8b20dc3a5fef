import Fluent
import Foundation
import RetourCore
import SQLKit

/// Vendor recovery at a distributor's scale, for `retour demo --lines N` and `make bench`: one line
/// in fifty came back defective and was credited; seven in ten of those units went back to their
/// manufacturer in one claim per brand and month, open, sent, partly or fully paid by their age.
/// Written straight into the tables in chunks (the use cases would take hours at a million lines);
/// the same data gives the same result.
enum GeneratedRecovery {
    static let everyNthLine = 50
    static let chunk = 500

    private struct Line: Decodable {
        var id: Int
        var company_id: Int
        var invoice_date: String
        var unit_price_cents: Int64
        var brand_id: Int
    }

    private struct Unit {
        var line: Line
        var credited: CalendarDay
        var disposition: Disposition
        var expected: Money
    }

    private struct Claim {
        var number: String
        var brandID: Int
        var opened: CalendarDay
        var units: [Int] = []
        var expected: Int64 = 0
    }

    @discardableResult
    static func load(on db: any Database, today: CalendarDay, now: Date, userEmail: String) async throws -> (
        requests: Int, claims: Int
    ) {
        let sql = db.sql
        struct Count: Decodable { var total: Int }
        struct ID: Decodable { var id: Int }
        let existing =
            try await sql.raw("SELECT COUNT(*) AS total FROM requests WHERE number LIKE 'GEN-%'")
            .first(decoding: Count.self)?.total ?? 0
        guard existing == 0,
            let user = try await sql.raw("SELECT id FROM users WHERE email = \(bind: userEmail)").first(
                decoding: ID.self)
        else { return (0, 0) }
        let lines = try await sql.raw(
            """
            SELECT l.id, l.company_id, l.invoice_date, l.unit_price_cents, a.brand_id
            FROM invoice_lines l JOIN articles a ON a.id = l.article_id
            WHERE l.id % \(literal: everyNthLine) = 0 ORDER BY l.id
            """
        ).all(decoding: Line.self)
        let dispositions: [Disposition] = [.returnToVendor, .scrap, .refurbish]
        var found: [Unit] = []
        for line in lines {
            guard let invoiced = CalendarDay(iso: line.invoice_date) else { continue }
            let credited = invoiced.adding(days: 5 + line.id % 40)
            guard credited <= today else { continue }
            let disposition = line.id % 10 < 7 ? Disposition.returnToVendor : dispositions[1 + line.id % 2]
            let expected = try Money(cents: line.unit_price_cents).scaled(by: 95, over: 100)
            found.append(Unit(line: line, credited: credited, disposition: disposition, expected: expected))
        }
        let address = #"'{"street":"Handelsweg 1","postcode":"1000 AB","city":"Utrecht","country":"NL"}'"#
        let units = found
        let claimCount = try await db.writeTransaction { db -> Int in
            let sql = db.sql
            for part in units.chunked(chunk) {
                let insert = sql.insert(into: "requests").columns(
                    "number", "status", "outcome", "reason", "line_id", "company_id", "user_id", "quantity", "serials",
                    "fields", "attachments", "return_address", "policy_version", "submitted_at", "submitted_on",
                    "received_quantity", "received_condition", "credit_note_number", "credit_amount_cents",
                    "credit_kind", "credit_note_date", "last_change_at")
                for unit in part {
                    _ = insert.values(
                        SQLBind("GEN-\(unit.line.id)"), SQLBind(RequestStatus.credited.rawValue),
                        SQLBind(Outcome.shipDirectly.rawValue), SQLBind(ReasonID.defect.rawValue),
                        SQLBind(unit.line.id), SQLBind(unit.line.company_id), SQLBind(user.id), SQLBind(1),
                        SQLRaw("'[]'"), SQLRaw("'{}'"), SQLRaw("'[]'"), SQLRaw(address), SQLBind(1), SQLBind(now),
                        SQLBind(unit.credited.adding(days: -4).iso), SQLBind(1),
                        SQLBind(ReceiptCondition.asExpected.rawValue), SQLBind("GCN-\(unit.line.id)"),
                        SQLBind(unit.line.unit_price_cents), SQLBind(Settlement.Kind.credit.rawValue),
                        SQLBind(unit.credited.iso), SQLBind(now))
                }
                try await insert.run()
            }
            struct Made: Decodable {
                var id: Int
                var line_id: Int
            }
            let requestIDs = Dictionary(
                try await sql.raw("SELECT id, line_id FROM requests WHERE number LIKE 'GEN-%'").all(decoding: Made.self)
                    .map { ($0.line_id, $0.id) }, uniquingKeysWith: { first, _ in first })

            // One claim per brand and month of the credits.
            var claims: [String: Claim] = [:]
            for (index, unit) in units.enumerated() where unit.disposition == .returnToVendor {
                let key = "\(unit.line.brand_id)-\(unit.credited.iso.prefix(7))"
                var claim = claims[key] ?? Claim(number: "", brandID: unit.line.brand_id, opened: unit.credited)
                claim.opened = min(claim.opened, unit.credited)
                claim.units.append(index)
                claim.expected += unit.expected.cents
                claims[key] = claim
            }
            var ordered = claims.values.sorted { ($0.opened, $0.brandID) < ($1.opened, $1.brandID) }
            for index in ordered.indices { ordered[index].number = "VC-G\(100_000 + index)" }
            for part in ordered.chunked(chunk) {
                let insert = sql.insert(into: "vendor_claims").columns(
                    "number", "brand_id", "status", "opened_on", "opened_at", "vendor_rma_number", "sent_on")
                for claim in part {
                    let status = Self.status(of: claim, today: today)
                    let sent = status == .open ? nil : claim.opened.adding(days: 3)
                    _ = insert.values(
                        SQLBind(claim.number), SQLBind(claim.brandID), SQLBind(status.rawValue),
                        SQLBind(claim.opened.iso),
                        SQLBind(now), SQLBind(sent.map { _ in "RMA-\(claim.number)" }), SQLBind(sent?.iso))
                }
                try await insert.run()
            }
            struct Numbered: Decodable {
                var id: Int
                var number: String
            }
            let claimIDs = Dictionary(
                try await sql.raw("SELECT id, number FROM vendor_claims WHERE number LIKE 'VC-G%'")
                    .all(decoding: Numbered.self).map { ($0.number, $0.id) }, uniquingKeysWith: { first, _ in first })
            var claimOfUnit: [Int: Int] = [:]
            for claim in ordered { for unit in claim.units { claimOfUnit[unit] = claimIDs[claim.number] } }
            for part in Array(units.enumerated()).chunked(chunk) {
                let insert = sql.insert(into: "unit_dispositions").columns(
                    "request_id", "quantity", "disposition", "grade", "marked_on", "expected_credit_cents",
                    "vendor_claim_id")
                for (index, unit) in part {
                    let toVendor = unit.disposition == .returnToVendor
                    _ = insert.values(
                        SQLBind(requestIDs[unit.line.id]), SQLBind(1), SQLBind(unit.disposition.rawValue),
                        SQLBind(Grade.defective.rawValue), SQLBind(unit.credited.iso),
                        SQLBind(toVendor ? unit.expected.cents : nil), SQLBind(toVendor ? claimOfUnit[index] : nil))
                }
                try await insert.run()
            }
            let paid = ordered.compactMap { claim -> (Int, Int64)? in
                guard let id = claimIDs[claim.number] else { return nil }
                switch Self.status(of: claim, today: today) {
                case .settled: return (id, claim.expected)
                case .partiallyCredited: return (id, claim.expected * 6 / 10)
                default: return nil
                }
            }
            for part in paid.chunked(chunk) {
                let insert = sql.insert(into: "vendor_claim_credits").columns(
                    "vendor_claim_id", "amount_cents", "reference", "at")
                for (id, cents) in part {
                    _ = insert.values(SQLBind(id), SQLBind(cents), SQLBind("GEN-\(id)"), SQLBind(now))
                }
                try await insert.run()
            }
            return ordered.count
        }
        return (units.count, claimCount)
    }

    /// Older claims are further along: over 120 days paid, 60–120 paid in part, 30–60 sent.
    private static func status(of claim: Claim, today: CalendarDay) -> VendorClaimStatus {
        switch claim.opened.days(until: today) {
        case 121...: return .settled
        case 61...120: return .partiallyCredited
        case 31...60: return .sent
        default: return .open
        }
    }
}
