import Fluent
import Foundation
import RetourCore

/// Adding a position to the cart, or replacing one (an edit) with its new content — a use case:
/// explicit inputs, the stored position as its answer, refusals as `Refusal`. The check and the
/// save run in one write transaction that locks the line first, so two clicks at once cannot both
/// claim its last pieces.
struct SavePosition {
    var user: User
    /// The position being edited; nil adds a new one.
    var replacing: CartPosition?
    var now: Date
    var today: CalendarDay
    /// Country names in every language, to read an address's country typed as a name.
    var countryNames: [Translations]

    func run(_ body: PositionBody, on database: any Database) async throws -> CartPosition {
        let userID = try user.requireID()
        guard let companyID = user.companyID else {
            throw Refusal(.forbidden, detail: Message("app.registration.onlyResellersRegisterReturns"))
        }
        return try await database.writeTransaction { db in
            try await db.lockForUpdate("invoice_lines", ids: [body.line])
            let prepared = try await Cart.check(
                body, cartOwner: userID, companyID: companyID, replacing: replacing?.id, today: today,
                countryNames: countryNames, on: db)
            let position = replacing ?? CartPosition()
            position.userID = userID
            position.companyID = companyID
            position.lineID = body.line
            position.reason = prepared.position.reason
            position.quantity = prepared.position.quantity
            position.serials = prepared.position.serials
            position.fields = prepared.position.fields
            position.attachments = prepared.attachments
            position.returnAddress = prepared.returnAddress
            if replacing == nil { position.createdAt = now }
            try await position.save(on: db)
            return position
        }
    }
}
