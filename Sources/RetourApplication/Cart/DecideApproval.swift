import Foundation
import RetourCore

/// A waiting submission as its approver decides on it.
public struct StoredApproval: Sendable, Hashable {
    public var id: Int
    public var companyID: Int
    public var submitterID: Int
    public var status: ApprovalStatus
    public var amount: Money

    public init(id: Int, companyID: Int, submitterID: Int, status: ApprovalStatus, amount: Money) {
        self.id = id
        self.companyID = companyID
        self.submitterID = submitterID
        self.status = status
        self.amount = amount
    }
}

/// The login a submission is made for.
public struct Submitter: Sendable, Hashable {
    public var userID: Int
    public var companyID: Int?
    public var rights: Set<UserRight>
    public var language: Language?
    public var active: Bool

    public init(userID: Int, companyID: Int?, rights: Set<UserRight>, language: Language?, active: Bool) {
        self.userID = userID
        self.companyID = companyID
        self.rights = rights
        self.language = language
        self.active = active
    }
}

public enum ApprovalDecision: String, CaseIterable, Sendable {
    case approve
    case reject
}

/// A colleague's decision on a waiting submission, in one transaction that locks the approval:
/// approving submits the held positions as the submitter, every rule re-checked as of now (a
/// position no longer allowed refuses the approval and says why; the approver may then reject);
/// rejecting returns the positions to the submitter's cart and tells the submitter why by e-mail.
public struct DecideApproval: Sendable {
    public static let maximumMessageLength = 2_000

    public var store: any SubmissionStore
    public var approverID: Int
    public var approverCompany: Int?
    public var approverRights: Set<UserRight>
    public var now: Date
    public var today: CalendarDay
    /// The texts of every language; the submitter's are theirs, `language` where they have none.
    public var translations: [Translations]
    public var language: Language

    public init(
        store: any SubmissionStore, approverID: Int, approverCompany: Int?, approverRights: Set<UserRight>, now: Date,
        today: CalendarDay, translations: [Translations], language: Language
    ) {
        self.store = store
        self.approverID = approverID
        self.approverCompany = approverCompany
        self.approverRights = approverRights
        self.now = now
        self.today = today
        self.translations = translations
        self.language = language
    }

    public enum Outcome: Sendable, Hashable {
        case approved(Submission)
        case rejected
    }

    public func run(approval id: Int, decision: ApprovalDecision, message raw: String) async throws -> Outcome {
        let message = raw.trimmingWhitespace()
        guard message.count <= Self.maximumMessageLength else {
            throw Refusal.invalid([
                FieldError(
                    "message", message: Message("approvals.messageTooLong", ["maximum": "\(Self.maximumMessageLength)"])
                )
            ])
        }
        if decision == .reject && message.isEmpty {
            throw Refusal.invalid([FieldError("message", message: Message("approvals.sayWhy"))])
        }
        try Refusal.refuseUnstorable(message)
        return try await store.transaction { work in
            try await decide(id, decision, message: message, work: work)
        }
    }

    private func decide(_ id: Int, _ decision: ApprovalDecision, message: String, work: any SubmissionWork)
        async throws -> Outcome
    {
        guard let approval = try await work.lockApproval(id), approval.companyID == approverCompany else {
            throw Refusal.notFound()
        }
        guard approval.status == .waiting else { throw Refusal(.conflict, detail: Message("approvals.alreadyDecided")) }
        guard
            SubmitApproval.mayDecide(
                approverID: approverID, approverCompany: approverCompany, approverRights: approverRights,
                submitterID: approval.submitterID, company: approval.companyID)
        else { throw Refusal(.forbidden, detail: Message("approvals.notYourOwn")) }
        guard let submitter = try await work.submitter(approval.submitterID) else { throw Refusal.notFound() }
        let kept = message.isEmpty ? nil : message
        let subject = "approval \(id)"
        let detail = "\(approval.amount.decimalString) of user \(approval.submitterID)"
        switch decision {
        case .reject:
            try await work.decide(
                approval: id, status: .rejected, by: approverID, message: kept, submission: nil, at: now)
            try await work.returnToCart(approval: id)
            try await work.audit("approval.reject", subject: subject, detail: detail, actorID: approverID, at: now)
            try await work.tellRejected(
                submitterID: submitter.userID, approverID: approverID, message: message, language: language, at: now)
            return .rejected
        case .approve:
            guard submitter.active else { throw Refusal(.conflict, detail: Message("approvals.submitterGone")) }
            let reading = submitter.language ?? language
            let submission: Submission
            do {
                submission = try await SubmitCart(
                    store: store, userID: submitter.userID, companyID: submitter.companyID, rights: submitter.rights,
                    idempotencyKey: nil, now: now, today: today,
                    texts: translations.first { $0.language == reading } ?? Translations(language: reading, texts: [:]),
                    countryNames: translations, approval: id
                ).submit(work)
            } catch let refusal as Refusal where !refusal.errors.isEmpty {
                throw Refusal(refusal.kind, detail: Message("approvals.noLongerAllowed"), errors: refusal.errors)
            }
            try await work.decide(
                approval: id, status: .approved, by: approverID, message: kept,
                submission: submission.requests.first?.number, at: now)
            try await work.audit("approval.approve", subject: subject, detail: detail, actorID: approverID, at: now)
            return .approved(submission)
        }
    }
}
