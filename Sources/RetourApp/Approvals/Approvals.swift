import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit

/// Four-eyes submitting as use cases over the database: holding a submission for approval, and a
/// colleague's decision on it. The rule itself (`SubmitApproval`) lives in the core.
enum Approvals {
    /// Holds the positions (already re-checked) for approval: one approval, the positions pointing
    /// to it, an e-mail to every colleague who may decide. Runs inside the submission's transaction.
    static func hold(
        _ positions: [Int], submitterID: Int, companyID: Int, amount: Money, now: Date, baseURL: String,
        texts: TranslationCatalog, on db: any Database
    ) async throws -> WaitingApproval {
        let approval = Approval()
        approval.companyID = companyID
        approval.userID = submitterID
        approval.status = .waiting
        approval.amountCents = amount.cents
        approval.createdAt = now
        try await approval.create(on: db)
        try await CartPosition.query(on: db).filter(\.$id ~~ positions).set(\.$approvalID, to: approval.id).update()
        let submitter = try await User.find(submitterID, on: db)
        for approver in try await approvers(of: companyID, except: submitterID, on: db) {
            let t = texts[approver.language ?? .nl]
            let body = [
                t("mail.greeting", ["name": approver.name]), "",
                t(
                    "mail.approval.waiting.text",
                    [
                        "name": submitter?.name ?? "", "count": "\(positions.count)",
                        "amount": t.language.format(amount),
                    ]), "",
                baseURL + PageRoute.approvals.path(),
            ].joined(separator: "\n")
            try await OutboxMail(
                recipient: approver.email, subject: t("mail.approval.waiting.subject", ["name": submitter?.name ?? ""]),
                body: body, now: now
            ).create(on: db)
        }
        return WaitingApproval(id: try approval.requireID(), status: approval.status, amount: amount)
    }

    /// Active colleagues who may decide on a submission of `submitterID`.
    static func approvers(of companyID: Int, except submitterID: Int, on db: any Database) async throws -> [User] {
        try await User.query(on: db).filter(\.$company.$id == companyID).filter(\.$active == true)
            .filter(\.$id != submitterID).sort(\.$id).limit(200).all()
            .filter {
                SubmitApproval.mayDecide(
                    approverID: $0.id ?? 0, approverCompany: $0.companyID, approverRights: $0.rights,
                    submitterID: submitterID, company: companyID)
            }
    }

    enum Decision: String, CaseIterable {
        case approve
        case reject
    }

    enum Outcome {
        case approved(SubmissionAnswer)
        case rejected
    }

    /// A colleague's decision, in one transaction that locks the approval: approving submits the
    /// held positions as the submitter, every rule re-checked as of now (a position no longer
    /// allowed refuses the approval and says why; the approver may then reject); rejecting returns
    /// the positions to the submitter's cart with the message, and tells the submitter by e-mail.
    struct Decide {
        var approver: User
        var approvalID: Int
        var decision: Decision
        var message: String
        var now: Date
        var today: CalendarDay
        var language: Language
        var texts: TranslationCatalog
        var config: AppConfig
        var baseURL: String

        static let maximumMessageLength = 2_000

        func run(on database: any Database) async throws -> Outcome {
            let message = message.trimmingWhitespace()
            guard message.count <= Self.maximumMessageLength else {
                throw Refusal.invalid([
                    FieldError(
                        "message",
                        message: Message("approvals.messageTooLong", ["maximum": "\(Self.maximumMessageLength)"]))
                ])
            }
            if decision == .reject && message.isEmpty {
                throw Refusal.invalid([FieldError("message", message: Message("approvals.sayWhy"))])
            }
            return try await database.writeTransaction { db in
                try await db.lockForUpdate(Approval.schema, ids: [approvalID])
                guard let approval = try await Approval.find(approvalID, on: db),
                    approval.companyID == approver.companyID
                else { throw Refusal.notFound() }
                guard approval.status == .waiting else {
                    throw Refusal(.conflict, detail: Message("approvals.alreadyDecided"))
                }
                guard
                    SubmitApproval.mayDecide(
                        approverID: try approver.requireID(), approverCompany: approver.companyID,
                        approverRights: approver.rights, submitterID: approval.userID, company: approval.companyID)
                else { throw Refusal(.forbidden, detail: Message("approvals.notYourOwn")) }
                guard let submitter = try await User.find(approval.userID, on: db) else { throw Refusal.notFound() }
                approval.decidedAt = now
                approval.decidedBy = approver.id
                approval.message = message.isEmpty ? nil : message
                switch decision {
                case .reject:
                    approval.status = .rejected
                    try await approval.save(on: db)
                    try await CartPosition.query(on: db).filter(\.$approvalID == approvalID)
                        .set(\.$approvalID, to: nil).update()
                    try await audit("approval.reject", approval, on: db)
                    try await tellRejected(submitter, approval, message: message, on: db)
                    return .rejected
                case .approve:
                    guard submitter.active else {
                        throw Refusal(.conflict, detail: Message("approvals.submitterGone"))
                    }
                    let answer: SubmissionAnswer
                    do {
                        let store = DatabaseCartStore(
                            database: db, settings: StoreSettings(config: config, texts: texts, baseURL: baseURL))
                        let submission = SubmitCart(
                            store: store, userID: approval.userID, companyID: submitter.companyID,
                            rights: submitter.rights, idempotencyKey: nil, now: now, today: today,
                            texts: texts[submitter.language ?? language], countryNames: texts.all,
                            approval: try approval.requireID())
                        answer = SubmissionAnswer(
                            try await submission.submit(DatabaseCartStore.Work(db: db, settings: store.settings)))
                    } catch let problem as Refusal where !problem.errors.isEmpty {
                        throw Refusal(
                            problem.kind, detail: Message("approvals.noLongerAllowed"), errors: problem.errors)
                    }
                    approval.status = .approved
                    approval.submission = answer.requests.first?.number
                    try await approval.save(on: db)
                    try await audit("approval.approve", approval, on: db)
                    return .approved(answer)
                }
            }
        }

        private func audit(_ action: String, _ approval: Approval, on db: any Database) async throws {
            try await AuditEvent(
                at: now, actorID: approver.id, action: action, subject: "approval \(approval.id ?? 0)",
                detail: "\(approval.amount.decimalString) of user \(approval.userID)"
            ).create(on: db)
        }

        private func tellRejected(_ submitter: User, _ approval: Approval, message: String, on db: any Database)
            async throws
        {
            let t = texts[submitter.language ?? language]
            let body = [
                t("mail.greeting", ["name": submitter.name]), "",
                t("mail.approval.rejected.text", ["name": approver.name]), "",
                message, "",
                baseURL + PageRoute.cart.path(),
            ].joined(separator: "\n")
            try await OutboxMail(
                recipient: submitter.email, subject: t["mail.approval.rejected.subject"], body: body, now: now
            ).create(on: db)
        }
    }
}
