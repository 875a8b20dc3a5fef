import Fluent
import Foundation
import RetourCore

/// Taking a position out of its owner's cart — a use case. Its phone link ends with it: a photo
/// sent afterwards is refused as "no longer valid" instead of being kept for nothing.
struct RemovePosition {
    var userID: Int
    var positionID: Int
    var now: Date

    func run(on database: any Database) async throws {
        try await database.writeTransaction { db in
            guard let position = try await CartPosition.find(positionID, on: db), position.userID == userID,
                position.approvalID == nil
            else {
                throw Refusal.notFound()
            }
            try await Self.endPhoneLinks(of: [positionID], now: now, on: db)
            try await position.delete(on: db)
        }
    }

    /// Ends the phone links of positions that leave the cart (removed or submitted).
    static func endPhoneLinks(of positionIDs: [Int], now: Date, on db: any Database) async throws {
        guard !positionIDs.isEmpty else { return }
        try await UploadToken.query(on: db).filter(\.$positionID ~~ positionIDs).set(\.$expiresAt, to: now).update()
    }
}
