import Foundation
import RetourCore

/// Submitting a cart: every position re-checked as of now, the claimed quantities and serials
/// locked so that parallel submissions can never over-claim a line, one request per position, the
/// confirmation mail in the same transaction — or, where the company's four-eyes rule asks for it,
/// the positions held for a colleague's approval.
public struct SubmitCart: Sendable {
    public var store: any SubmissionStore
    public var userID: Int
    /// Nil for the distributor's staff, who submit nothing.
    public var companyID: Int?
    public var rights: Set<UserRight>
    /// The same key again answers what the first submission answered.
    public var idempotencyKey: String?
    public var now: Date
    public var today: CalendarDay
    /// The submitter's texts: the answer's messages and the mail.
    public var texts: Translations
    /// Country names in every language, to read an address's country typed as a name.
    public var countryNames: [Translations]
    /// Set when a colleague approves a waiting submission: its positions are submitted, as the
    /// submitter, without asking for approval again.
    public var approval: Int?

    public init(
        store: any SubmissionStore, userID: Int, companyID: Int?, rights: Set<UserRight>, idempotencyKey: String?,
        now: Date, today: CalendarDay, texts: Translations, countryNames: [Translations], approval: Int? = nil
    ) {
        self.store = store
        self.userID = userID
        self.companyID = companyID
        self.rights = rights
        self.idempotencyKey = idempotencyKey
        self.now = now
        self.today = today
        self.texts = texts
        self.countryNames = countryNames
        self.approval = approval
    }

    public static let maximumKeyLength = 200

    public func run() async throws -> Submission {
        if let key = idempotencyKey {
            guard !key.isEmpty, key.count <= Self.maximumKeyLength else {
                throw Refusal.invalid([FieldError("Idempotency-Key", message: Message("app.registration.aKeyIs1To200"))]
                )
            }
            if let stored = try await store.storedAnswer(userID: userID, key: key) { return stored }
        }
        do {
            return try await store.transaction { work in try await submit(work) }
        } catch is SubmissionConflict {
            // Either a parallel submission with the same key won, or a serial was claimed in between.
            if let key = idempotencyKey, let stored = try await store.storedAnswer(userID: userID, key: key) {
                return stored
            }
            throw Refusal(.conflict, detail: Message("app.registration.partOfThisRequestWasClaimed"))
        }
    }

    /// The submission inside a transaction the caller holds (an approval's).
    public func submit(_ work: any SubmissionWork) async throws -> Submission {
        try await work.lockCart(of: userID)
        // A second click with the same key waited for the first: it gets the first one's answer,
        // not "your cart is empty".
        if let key = idempotencyKey, let stored = try await work.storedAnswer(userID: userID, key: key) {
            return stored
        }
        let positions = try await work.submittable(of: userID, approval: approval)
        guard !positions.isEmpty, let companyID else {
            throw Refusal.invalid([FieldError("cart", message: Message("app.registration.yourCartIsEmpty"))])
        }
        // Lock the lines in a fixed order: submissions on the same lines wait for each other.
        try await work.lockLines(Array(Set(positions.map(\.draft.line))).sorted())
        let accepted = try await recheck(positions, companyID: companyID, work: work)

        if approval == nil, let rule = try await work.approvalRule(companyID: companyID) {
            let amount = try await work.value(of: positions)
            if rule.requiresApproval(of: amount, by: rights) {
                let waiting = try await work.hold(
                    positions.map(\.id), submitterID: userID, companyID: companyID, amount: amount, at: now)
                let answer = Submission(requests: [], approval: waiting)
                if let key = idempotencyKey { try await work.keepAnswer(answer, userID: userID, key: key, at: now) }
                return answer
            }
        }
        var answers: [SubmittedRequest] = []
        var created: [Int] = []
        var submission: String?
        for (position, prepared) in accepted {
            let reason = Reason.named(prepared.position.reason)
            // A replacement ahead of the return is the agent's to approve first: the reseller ships nothing yet.
            let replacement = prepared.position.fields[AdvanceReplacement.field] == .bool(true)
            let outcome: Outcome = replacement ? .inReview : reason.outcome
            let number = RequestNumbers.requestNumber(
                category: reason.category, sequence: try await work.next(.request))
            submission = submission ?? number
            var rmaNumber: String?
            var validUntil: CalendarDay?
            if outcome == .shipDirectly {
                rmaNumber = RequestNumbers.rmaNumber(sequence: try await work.next(.rma))
                validUntil = today.adding(days: RequestNumbers.rmaValidityDays)
            }
            let request = NewRequest(
                number: number, submission: submission ?? number, rmaNumber: rmaNumber, validUntil: validUntil,
                status: RequestStatus.initial(for: outcome), outcome: outcome, replacementAsked: replacement,
                position: prepared, lineID: position.draft.line, companyID: companyID, userID: userID,
                submittedAt: now, submittedOn: today)
            let id = try await work.createRequest(request)
            // Only requests about the goods hold serials (rulebook §4.6).
            if FormSchema.of(reason.id).serials != .freeText && reason.id.holdsGoods {
                try await work.claimSerials(prepared.position.serials, onLine: position.draft.line, request: id)
            }
            try await work.removeFromCart(position: position.id, at: now)
            created.append(id)
            answers.append(
                SubmittedRequest(
                    number: number, rmaNumber: rmaNumber, validUntil: validUntil, status: request.status,
                    outcome: outcome, message: texts.outcome(outcome, of: reason.id), position: position.id))
        }
        try await work.confirm(requests: created, to: userID, texts: texts, at: now)
        let answer = Submission(requests: answers)
        if let key = idempotencyKey { try await work.keepAnswer(answer, userID: userID, key: key, at: now) }
        try await work.announceCreated(requests: created, language: texts.language, at: now)
        return answer
    }

    /// Every position checked as of now, against requests and the positions before it — not the
    /// cart, which they are. All that fail are named, each with its position.
    private func recheck(_ positions: [SubmittablePosition], companyID: Int, work: any SubmissionWork) async throws
        -> [(SubmittablePosition, PreparedPosition)]
    {
        let check = PositionCheck(companyID: companyID, cartOwner: nil, today: today, countryNames: countryNames)
        var accepted: [(SubmittablePosition, PreparedPosition)] = []
        var problems: [FieldError] = []
        var conflict = false
        var claimedHere: [Int: LineClaims] = [:]
        for position in positions {
            let line = position.draft.line
            do {
                var prepared = try await check.check(
                    position.draft, extraClaims: claimedHere[line] ?? LineClaims(), work: work)
                prepared.position.quantity = position.draft.quantity ?? prepared.position.quantity
                accepted.append((position, prepared))
                if position.draft.reason.holdsGoods {
                    var claims = claimedHere[line] ?? LineClaims()
                    claims.quantity += prepared.position.quantity
                    claims.serials.formUnion(prepared.position.serials)
                    claimedHere[line] = claims
                }
            } catch let refusal as Refusal {
                if refusal.kind == .conflict { conflict = true }
                let messages = refusal.errors.isEmpty ? [refusal.detail] : refusal.errors.map(\.message)
                for message in messages {
                    problems.append(
                        FieldError(
                            field: "positions/\(position.id)",
                            message: Message(
                                "app.registration.positionProblem",
                                ["id": "\(position.id)", "problem": .message(message)])))
                }
            }
        }
        guard problems.isEmpty else {
            throw Refusal(
                conflict ? .conflict : .invalid, detail: Message("app.registration.notSubmittedOneOrMorePositions"),
                errors: problems)
        }
        return accepted
    }
}
