import Fluent
import Foundation
import RetourCore
import SQLKit
import Vapor

/// Many positions into the cart at once, from a spreadsheet: each row checked as
/// `POST /api/v1/cart/positions` checks one, in one transaction that locks the rows' lines — a row
/// sees what the rows above it claimed. A dry run does all of it and rolls back: it says exactly
/// what a real run would do, and stores nothing.
struct BulkRegistration {
    var user: User
    var now: Date
    var today: CalendarDay
    var countryNames: [Translations]
    var texts: Translations
    var dryRun: Bool

    struct Outcome: Content {
        var row: Int
        var invoice: String
        var position: Int?
        var reason: String
        /// `added` (or, in a dry run, would be), or `refused`.
        var status: String
        /// The cart position made; nil in a dry run and when refused.
        var cartPosition: Int?
        var message: String?
        var errors: [ProblemDocument.Item]
    }

    struct Answer: Content {
        var dryRun: Bool
        var added: Int
        var refused: Int
        var rows: [Outcome]
    }

    private struct DryRunFinished: Error {
        var outcomes: [Outcome]
    }

    func run(_ rows: [BulkRow], on database: any Database) async throws -> Answer {
        let userID = try user.requireID()
        guard let companyID = user.companyID else {
            throw Refusal(.forbidden, detail: Message("app.registration.onlyResellersRegisterReturns"))
        }
        let outcomes: [Outcome]
        do {
            outcomes = try await database.writeTransaction { db in
                let lines = try await Self.lineIDs(of: rows, companyID: companyID, on: db)
                let ids = Array(Set(lines.values)).sorted()
                // Locked first, then read: what the checks decide on cannot change before the commit.
                try await db.lockForUpdate("invoice_lines", ids: ids)
                var known = try await Cart.Known.load(
                    lines: ids, companyID: companyID, cartOwner: userID, today: today, on: db)
                var outcomes: [Outcome] = []
                for row in rows {
                    let (outcome, added) = try await add(
                        row, line: lines[Self.key(row.invoice, row.position)], userID: userID,
                        companyID: companyID, known: known, on: db)
                    outcomes.append(outcome)
                    // The next rows see this one in the cart.
                    if let added { known.cart?[added.lineID, default: []].append(added) }
                }
                if dryRun { throw DryRunFinished(outcomes: outcomes) }
                return outcomes
            }
        } catch let finished as DryRunFinished {
            outcomes = finished.outcomes
        }
        let added = outcomes.filter { $0.status == "added" }.count
        return Answer(dryRun: dryRun, added: added, refused: outcomes.count - added, rows: outcomes)
    }

    private func add(
        _ row: BulkRow, line: Int?, userID: Int, companyID: Int, known: Cart.Known, on db: any Database
    ) async throws -> (Outcome, CartPosition?) {
        var outcome = Outcome(
            row: row.row, invoice: row.invoice, position: row.position, reason: row.reason, status: "refused",
            cartPosition: nil, message: nil, errors: [])
        func refuse(_ message: Message, _ errors: [FieldError]) -> (Outcome, CartPosition?) {
            outcome.message = texts.text(message)
            outcome.errors = errors.map { .init(field: $0.field, message: texts.text($0.message)) }
            return (outcome, nil)
        }
        if !row.errors.isEmpty { return refuse(Message("app.api.theInputIsNotValid"), row.errors) }
        guard let line else {
            return refuse(
                Message("bulk.noSuchLine", ["invoice": .text(row.invoice), "position": "\(row.position ?? 0)"]),
                [FieldError("invoice", message: Message("bulk.noSuchLineShort"))])
        }
        let body = PositionBody(
            line: line, reason: row.reason, quantity: row.quantity, serials: row.serials, fields: row.fields,
            attachments: nil, returnAddress: nil)
        do {
            let prepared = try await Cart.check(
                body, cartOwner: userID, companyID: companyID, today: today, countryNames: countryNames, known: known,
                on: db)
            let position = CartPosition()
            position.userID = userID
            position.companyID = companyID
            position.lineID = line
            position.reason = prepared.position.reason
            position.quantity = prepared.position.quantity
            position.serials = prepared.position.serials
            position.fields = prepared.position.fields
            position.attachments = prepared.attachments
            position.returnAddress = prepared.returnAddress
            position.createdAt = now
            try await position.save(on: db)
            outcome.status = "added"
            outcome.cartPosition = dryRun ? nil : try position.requireID()
            return (outcome, position)
        } catch let problem as Refusal {
            return refuse(problem.detail, problem.errors)
        }
    }

    private static func key(_ invoice: String, _ position: Int?) -> String {
        "\(invoice.uppercased())#\(position ?? 0)"
    }

    /// The company's lines the rows name, by invoice number (any case) and position, in one query.
    private static func lineIDs(of rows: [BulkRow], companyID: Int, on db: any Database) async throws -> [String: Int] {
        let invoices = Array(Set(rows.map { $0.invoice.uppercased() }.filter { !$0.isEmpty && $0.count <= 64 }))
        guard !invoices.isEmpty else { return [:] }
        struct Row: Decodable {
            var id: Int
            var invoice_number: String
            var position: Int
        }
        let sql = db.sql
        var found: [String: Int] = [:]
        for start in stride(from: 0, to: invoices.count, by: 500) {
            let chunk = Array(invoices[start..<min(start + 500, invoices.count)])
            let lines = try await sql.raw(
                """
                SELECT id, invoice_number, position FROM invoice_lines
                 WHERE company_id = \(bind: companyID) AND UPPER(invoice_number) IN (\(binds: chunk))
                """
            ).all(decoding: Row.self)
            for line in lines { found[key(line.invoice_number, line.position)] = line.id }
        }
        return found
    }
}
