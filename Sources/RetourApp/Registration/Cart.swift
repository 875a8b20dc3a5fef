import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit
import Vapor

/// A position as a client sends it (API contract, "Cart").
struct PositionBody: Content {
    var line: Int
    var reason: String
    var quantity: Int?
    var serials: [String]?
    var fields: [String: JSONValue]?
    var attachments: [String]?
    var returnAddress: Address?
}

/// A position in the cart, as the API shows it.
struct PositionView: Content {
    var id: Int
    var line: Int
    var reason: String
    var quantity: Int
    var serials: [String]
    var fields: [String: JSONValue]
    var attachments: [String]
    var returnAddress: Address
    var deadline: String?
    var warning: String?
}

extension PositionBody {
    /// The position as the use cases take it: the reason named, the lists present.
    func draft() throws -> PositionDraft {
        PositionDraft(
            line: line, reason: try PositionDraft.reason(reason), quantity: quantity, serials: serials ?? [],
            fields: fields ?? [:], attachments: attachments ?? [], returnAddress: returnAddress)
    }
}

/// Reading a user's cart.
enum Cart {
    static func view(_ position: CartPosition, on request: Request) async throws -> PositionView {
        let (deadline, warning) = try await deadline(
            of: position, today: request.today, texts: request.texts, on: request.db)
        return PositionView(
            id: try position.requireID(), line: position.lineID, reason: position.reason.rawValue,
            quantity: position.quantity,
            serials: position.serials,
            fields: position.fields,
            attachments: position.attachments,
            returnAddress: position.returnAddress,
            deadline: deadline?.iso, warning: warning)
    }

    /// The last day the position's reason is open for its line, and the cart's warning when that day
    /// is near or past.
    static func deadline(of position: CartPosition, today: CalendarDay, texts t: Translations, on db: any Database)
        async throws -> (deadline: CalendarDay?, warning: String?)
    {
        guard let facts = try await LineFactsQuery.line(position.lineID, scope: .company(position.companyID), on: db)
        else { return (nil, nil) }
        let (_, policy) = try await PolicyStore.current(on: db, day: today)
        let deadline = Eligibility.evaluate(facts, policy: policy, today: today).first { $0.reason == position.reason }?
            .deadline
        guard let deadline else { return (nil, nil) }
        let date = t.language.format(deadline)
        if deadline < today { return (deadline, t("cart.warning.ended", ["date": date])) }
        if today.days(until: deadline) <= policy.cartWarning {
            return (deadline, t("cart.warning.soon", ["date": date]))
        }
        return (deadline, nil)
    }
}

extension Address: Content {}
