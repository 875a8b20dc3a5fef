import Foundation
import RetourCore

/// What submitting a cart needs from storage: the cart's own steps and those that turn positions
/// into requests. Its implementation is the only code that writes them.
public protocol SubmissionStore: Sendable {
    /// Runs `work` in one write transaction. A uniqueness rule of the store that stops a write (a
    /// serial claimed by a parallel submission, the same key stored twice) ends it with
    /// `SubmissionConflict`.
    func transaction<T: Sendable>(_ work: @escaping @Sendable (any SubmissionWork) async throws -> T) async throws
        -> T
    /// The answer kept with `key` by an earlier submission of the user.
    func storedAnswer(userID: Int, key: String) async throws -> Submission?
}

/// A parallel transaction claimed what this one was about to claim.
public struct SubmissionConflict: Error, Sendable {
    public init() {}
}

/// The steps of a submission inside one transaction.
public protocol SubmissionWork: CartWork {
    /// Locks the user's cart: a second submission of it waits here.
    func lockCart(of userID: Int) async throws
    func storedAnswer(userID: Int, key: String) async throws -> Submission?
    /// The user's positions in the cart, or those held for `approval`, in the order they were added.
    func submittable(of userID: Int, approval: Int?) async throws -> [SubmittablePosition]
    /// The company's four-eyes rule.
    func approvalRule(companyID: Int) async throws -> SubmitApproval?
    /// Each position's quantity at its line's unit price.
    func value(of positions: [SubmittablePosition]) async throws -> Money
    /// Holds the positions for a colleague's approval and tells every colleague who may decide.
    func hold(_ positions: [Int], submitterID: Int, companyID: Int, amount: Money, at: Date) async throws
        -> WaitingApproval
    func next(_ sequence: SubmissionSequence) async throws -> Int64
    /// Keeps the request and the first step of its timeline; its id.
    func createRequest(_ request: NewRequest) async throws -> Int
    /// The request's serial numbers, which no other request may claim while it holds them.
    func claimSerials(_ serials: [String], onLine line: Int, request: Int) async throws
    /// The position leaves the cart; its phone link ends.
    func removeFromCart(position: Int, at: Date) async throws
    /// The confirmation mail of the requests, in `texts`' language.
    func confirm(requests: [Int], to userID: Int, texts: Translations, at: Date) async throws
    /// Keeps the answer for the same key again.
    func keepAnswer(_ submission: Submission, userID: Int, key: String, at: Date) async throws
    /// Tells the distributor's systems of the new requests, last in the transaction.
    func announceCreated(requests: [Int], language: Language, at: Date) async throws

    // A colleague's decision on a submission held for approval.

    /// The approval, its row locked.
    func lockApproval(_ id: Int) async throws -> StoredApproval?
    func submitter(_ userID: Int) async throws -> Submitter?
    /// Records the decision (and, for an approval, the number of the submission it made).
    func decide(
        approval id: Int, status: ApprovalStatus, by approverID: Int, message: String?, submission: String?, at: Date
    ) async throws
    /// The held positions go back to the submitter's cart.
    func returnToCart(approval id: Int) async throws
    /// Tells the submitter why, in their language (`language` where they have none).
    func tellRejected(submitterID: Int, approverID: Int, message: String, language: Language, at: Date) async throws
    func audit(_ action: String, subject: String, detail: String, actorID: Int?, at: Date) async throws
}

public enum SubmissionSequence: String, Sendable {
    case request
    case rma
}

/// A position as it is submitted.
public struct SubmittablePosition: Sendable, Hashable {
    public var id: Int
    public var draft: PositionDraft

    public init(id: Int, draft: PositionDraft) {
        self.id = id
        self.draft = draft
    }
}

/// A request as a submission makes it.
public struct NewRequest: Sendable, Hashable {
    public var number: String
    /// The number of the first request of the submission.
    public var submission: String
    public var rmaNumber: String?
    public var validUntil: CalendarDay?
    public var status: RequestStatus
    public var outcome: Outcome
    /// Waits for the agent's approval of an advance replacement.
    public var replacementAsked: Bool
    public var position: PreparedPosition
    public var lineID: Int
    public var companyID: Int
    public var userID: Int
    public var submittedAt: Date
    public var submittedOn: CalendarDay
}

/// What a submission answers: the requests made, or the approval it waits for.
public struct Submission: Sendable, Hashable {
    public var requests: [SubmittedRequest]
    public var approval: WaitingApproval?

    public init(requests: [SubmittedRequest], approval: WaitingApproval? = nil) {
        self.requests = requests
        self.approval = approval
    }
}

public struct SubmittedRequest: Sendable, Hashable {
    public var number: String
    public var rmaNumber: String?
    public var validUntil: CalendarDay?
    public var status: RequestStatus
    public var outcome: Outcome
    /// What happens next, in the submitter's words.
    public var message: String
    /// The cart position it was.
    public var position: Int

    public init(
        number: String, rmaNumber: String?, validUntil: CalendarDay?, status: RequestStatus, outcome: Outcome,
        message: String, position: Int
    ) {
        self.number = number
        self.rmaNumber = rmaNumber
        self.validUntil = validUntil
        self.status = status
        self.outcome = outcome
        self.message = message
        self.position = position
    }
}

/// A submission waiting for a colleague's approval.
public struct WaitingApproval: Sendable, Hashable {
    public var id: Int
    public var status: ApprovalStatus
    public var amount: Money

    public init(id: Int, status: ApprovalStatus, amount: Money) {
        self.id = id
        self.status = status
        self.amount = amount
    }
}
