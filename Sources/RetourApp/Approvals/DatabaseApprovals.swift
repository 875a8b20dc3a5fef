import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit

/// Four-eyes submitting as use cases over the database: holding a submission for approval, and a
/// colleague's decision on it. The rule itself (`SubmitApproval`) lives in the core.
enum DatabaseApprovals {
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
}
