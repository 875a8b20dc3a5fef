import Foundation
import RetourCore

/// Adding positions to a reseller's cart: one from the form or the API (or an edit of one), many
/// from a spreadsheet. The checks and the save run in one write transaction that locks the lines
/// first, so two clicks at once cannot both claim a line's last pieces.
public struct AddPositions: Sendable {
    public var owner: PositionOwner
    public var store: any CartStore
    public var now: Date
    public var today: CalendarDay
    /// Country names in every language, to read an address's country typed as a name.
    public var countryNames: [Translations]

    public init(
        owner: PositionOwner, store: any CartStore, now: Date, today: CalendarDay, countryNames: [Translations]
    ) {
        self.owner = owner
        self.store = store
        self.now = now
        self.today = today
        self.countryNames = countryNames
    }

    private func companyID() throws -> Int {
        guard let companyID = owner.companyID else {
            throw Refusal(.forbidden, detail: Message("app.registration.onlyResellersRegisterReturns"))
        }
        return companyID
    }

    /// How long a phone link of the registration page lasts.
    public static let phoneLinkMinutes = 30

    /// The phone link of a registration page for `line`: the one the page had (`token`, kept as it
    /// is), or a new one (`newToken`) valid for `phoneLinkMinutes`.
    public func phoneLink(_ token: String?, line: Int, newToken: () -> String) async throws -> String {
        let token = token.flatMap { $0.isEmpty ? nil : $0 } ?? newToken()
        let (owner, until) = (owner, now.addingTimeInterval(Double(Self.phoneLinkMinutes * 60)))
        try await store.transaction { work in
            if try await !work.phoneLinkExists(token) {
                try await work.openPhoneLink(token, owner: owner, line: line, until: until)
            }
        }
        return token
    }

    /// Adds `draft` to the cart, or replaces position `replacing` (an edit) with it; the position's
    /// id. The page's phone link (`phoneLink`), if any, joins the position in the same transaction.
    @discardableResult
    public func save(_ draft: PositionDraft, replacing: Int? = nil, phoneLink: String? = nil) async throws -> Int {
        let check = PositionCheck(
            companyID: try companyID(), cartOwner: owner.userID, today: today, countryNames: countryNames)
        let (owner, now) = (owner, now)
        return try await store.transaction { work in
            try await work.lockLines([draft.line])
            if let replacing {
                // Still the owner's own, and not handed to a colleague for approval meanwhile.
                guard let held = try await work.lockPosition(replacing), held.ownerID == owner.userID,
                    !held.waitsForApproval
                else { throw Refusal.notFound() }
            }
            let prepared = try await check.check(draft, replacing: replacing, work: work)
            let id = try await work.savePosition(
                prepared, line: draft.line, owner: owner, replacing: replacing, at: now)
            if let phoneLink, !phoneLink.isEmpty {
                try await work.joinPhoneLink(phoneLink, owner: owner.userID, toPosition: id)
            }
            return id
        }
    }

    /// What became of one row of a spreadsheet.
    public struct RowOutcome: Sendable {
        public var row: BulkRow
        /// The cart position made; nil when refused, and in a dry run.
        public var cartPosition: Int?
        /// Why not; nil when added (or, in a dry run, when it would be).
        public var refusal: Refusal?

        public var added: Bool { refusal == nil }
    }

    private struct DryRunFinished: Error {
        var outcomes: [RowOutcome]
    }

    /// Each row checked as one position is, in one transaction that locks the rows' lines: a row
    /// sees what the rows above it claimed. A dry run does all of it and rolls back: it says exactly
    /// what a real run would do, and keeps nothing.
    public func add(rows: [BulkRow], dryRun: Bool) async throws -> [RowOutcome] {
        let companyID = try companyID()
        let check = PositionCheck(
            companyID: companyID, cartOwner: owner.userID, today: today, countryNames: countryNames)
        let (owner, now, today) = (owner, now, today)
        do {
            return try await store.transaction { work in
                let invoices = Array(Set(rows.map { $0.invoice.uppercased() }.filter { !$0.isEmpty && $0.count <= 64 }))
                let lines = invoices.isEmpty ? [:] : try await work.lineIDs(invoices: invoices, companyID: companyID)
                let ids = Array(Set(lines.values)).sorted()
                // Locked first, then read: what the checks decide on cannot change before the commit.
                try await work.lockLines(ids)
                try await work.preload(lines: ids, companyID: companyID, cartOwner: owner.userID, on: today)
                var outcomes: [RowOutcome] = []
                for row in rows {
                    var outcome = RowOutcome(row: row)
                    do {
                        guard row.errors.isEmpty else { throw Refusal.invalid(row.errors) }
                        guard let line = lines[LineKey(invoice: row.invoice, position: row.position ?? 0)] else {
                            throw Refusal(
                                .notFound,
                                detail: Message(
                                    "bulk.noSuchLine",
                                    ["invoice": .text(row.invoice), "position": "\(row.position ?? 0)"]),
                                errors: [FieldError("invoice", message: Message("bulk.noSuchLineShort"))])
                        }
                        let draft = PositionDraft(
                            line: line, reason: try PositionDraft.reason(row.reason), quantity: row.quantity,
                            serials: row.serials, fields: row.fields, attachments: [], returnAddress: nil)
                        let prepared = try await check.check(draft, work: work)
                        let id = try await work.savePosition(
                            prepared, line: line, owner: owner, replacing: nil, at: now)
                        outcome.cartPosition = dryRun ? nil : id
                    } catch let refusal as Refusal {
                        outcome.refusal = refusal
                    }
                    outcomes.append(outcome)
                }
                if dryRun { throw DryRunFinished(outcomes: outcomes) }
                return outcomes
            }
        } catch let finished as DryRunFinished {
            return finished.outcomes
        }
    }
}

extension AddPositions.RowOutcome {
    init(row: BulkRow) {
        self.row = row
    }
}
