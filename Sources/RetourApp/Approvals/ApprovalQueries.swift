import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// A waiting or decided submission as the API and the pages show it.
struct ApprovalView: Content {
    struct Person: Content {
        var name: String
        var email: String
    }

    /// One held position, with what a person needs to judge it.
    struct Position: Content {
        var id: Int
        var line: Int
        var reason: String
        var quantity: Int
        var invoice: String
        var article: String
        var amount: String
        /// The reason's label in the reader's language (pages only).
        var reasonLabel: String?
    }

    var id: Int
    var status: String
    var amount: String
    var createdAt: Date
    var submitter: Person
    var decidedAt: Date?
    var decidedBy: Person?
    var message: String?
    /// The first request number of the submission an approval made.
    var submission: String?
    var positions: [Position]
}

/// The approvals as the pages and the API show them, with their people and held positions read
/// in a few queries.
struct ApprovalQueries {
    let database: any Database

    /// The views of `approvals`.
    private func views(_ approvals: [Approval], texts: Translations?) async throws -> [ApprovalView] {
        guard !approvals.isEmpty else { return [] }
        let db = database
        let ids = approvals.compactMap(\.id)
        let people = try await User.query(on: db)
            .filter(\.$id ~~ Set(approvals.flatMap { [$0.userID] + ($0.decidedBy.map { [$0] } ?? []) })).all()
        let held = try await CartPosition.query(on: db).filter(\.$approvalID ~~ ids).sort(\.$id).all()
        let lines = try await InvoiceLine.query(on: db).filter(\.$id ~~ Set(held.map(\.lineID))).all()
        let articles = try await Article.query(on: db).filter(\.$id ~~ Set(lines.map(\.$article.id))).all()
        func person(_ id: Int?) -> ApprovalView.Person? {
            people.first { $0.id == id }.map { ApprovalView.Person(name: $0.name, email: $0.email) }
        }
        return approvals.map { approval in
            let positions = held.filter { $0.approvalID == approval.id }.map { position in
                let line = lines.first { $0.id == position.lineID }
                let article = articles.first { $0.id == line?.$article.id }
                return ApprovalView.Position(
                    id: position.id ?? 0, line: position.lineID, reason: position.reason.rawValue,
                    quantity: position.quantity,
                    invoice: "\(line?.invoiceNumber ?? "") #\(line?.position ?? 0)",
                    article: "\(article?.number ?? "") \(article?.description ?? "")",
                    amount: Money(cents: (line?.unitPriceCents ?? 0) * Int64(position.quantity)).decimalString,
                    reasonLabel: texts.map { Reason.named(position.reason).label.text($0) })
            }
            return ApprovalView(
                id: approval.id ?? 0, status: approval.status.rawValue, amount: approval.amount.decimalString,
                createdAt: approval.createdAt,
                submitter: person(approval.userID) ?? ApprovalView.Person(name: "", email: ""),
                decidedAt: approval.decidedAt, decidedBy: person(approval.decidedBy), message: approval.message,
                submission: approval.submission, positions: positions)
        }
    }

    /// A submitter's own approvals the cart and the status overview show: those still waiting, and
    /// those rejected in the last two weeks (with the approver's message).
    func ofSubmitter(_ user: User, now: Date, texts: Translations? = nil) async throws -> [ApprovalView] {
        let approvals = try await Approval.query(on: database).filter(\.$userID == user.requireID())
            .group(.or) {
                $0.filter(\.$status == .waiting).group(.and) {
                    $0.filter(\.$status == .rejected).filter(\.$decidedAt > now.addingTimeInterval(-14 * 86_400))
                }
            }
            .sort(\.$id, .descending).limit(20).all()
        return try await views(approvals, texts: texts)
    }

    /// A company's approvals in one status, a page at a time: the oldest waiting first, the latest
    /// decided first.
    func ofCompany(_ company: Int, status: ApprovalStatus, page: PageRequest, texts: Translations? = nil)
        async throws -> (views: [ApprovalView], total: Int, pageCount: Int)
    {
        let found = try await Approval.query(on: database).filter(\.$companyID == company).filter(\.$status == status)
            .sort(\.$createdAt, status == .waiting ? .ascending : .descending).paginate(page)
        return (try await views(found.items, texts: texts), found.metadata.total, found.metadata.pageCount)
    }

    /// A company's latest decisions, whatever they were.
    func decided(_ company: Int, limit: Int, texts: Translations) async throws -> [ApprovalView] {
        let found = try await Approval.query(on: database).filter(\.$companyID == company)
            .filter(\.$status != .waiting).sort(\.$decidedAt, .descending).limit(limit).all()
        return try await views(found, texts: texts)
    }

    func view(_ id: Int) async throws -> ApprovalView? {
        guard let approval = try await Approval.find(id, on: database) else { return nil }
        return try await views([approval], texts: nil).first
    }
}
