import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The positions behind `CartChanges`.
struct DatabaseCartStore: CartStore {
    let database: any Database

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any CartWork) async throws -> T) async throws -> T {
        try await database.writeTransaction { db in try await work(Work(db: db)) }
    }

    /// Ends the phone links of positions that leave the cart (removed or submitted).
    static func endPhoneLinks(ofPositions ids: [Int], at: Date, on db: any Database) async throws {
        guard !ids.isEmpty else { return }
        try await UploadToken.query(on: db).filter(\.$positionID ~~ ids).set(\.$expiresAt, to: at).update()
    }

    private struct Work: CartWork {
        let db: any Database

        func lockPosition(_ id: Int) async throws -> CartPositionState? {
            try await db.lockForUpdate(CartPosition.schema, ids: [id])
            return try await CartPosition.find(id, on: db).map {
                CartPositionState(
                    id: id, ownerID: $0.userID, waitsForApproval: $0.approvalID != nil,
                    returnAddress: $0.returnAddress)
            }
        }

        func setReturnAddress(ofPosition id: Int, to address: Address) async throws {
            guard let position = try await CartPosition.find(id, on: db) else { throw Refusal.notFound() }
            position.returnAddress = address
            try await position.save(on: db)
        }

        func deletePosition(_ id: Int) async throws {
            try await CartPosition.query(on: db).filter(\.$id == id).delete()
        }

        func endPhoneLinks(ofPositions ids: [Int], at: Date) async throws {
            try await DatabaseCartStore.endPhoneLinks(ofPositions: ids, at: at, on: db)
        }
    }
}

extension Request {
    /// The signed-in reseller's own cart, changed now.
    func cartChanges() throws -> CartChanges {
        CartChanges(ownerID: try requireUser().requireID(), store: DatabaseCartStore(database: db), now: now)
    }
}
