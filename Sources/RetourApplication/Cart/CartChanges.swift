import Foundation
import RetourCore

/// What a reseller changes in their own cart besides adding: a position's return address, or the
/// position taken out. Another user's position, or one held for approval, is not found. Each step
/// locks the position it decides on.
public struct CartChanges: Sendable {
    public var ownerID: Int
    public var store: any CartStore
    public var now: Date

    public init(ownerID: Int, store: any CartStore, now: Date) {
        self.ownerID = ownerID
        self.store = store
        self.now = now
    }

    /// The address goods of the position travel from, each part trimmed; refused with every
    /// mistake at its field (`returnAddress.<part>`), nothing changed.
    @discardableResult
    public func changeReturnAddress(ofPosition id: Int, to typed: Address) async throws -> Address {
        let address = Address(
            street: typed.street.trimmingWhitespace(), postcode: typed.postcode.trimmingWhitespace(),
            city: typed.city.trimmingWhitespace(), country: typed.country.trimmingWhitespace())
        let problems = address.returnAddressProblems
        guard problems.isEmpty else { throw Refusal.invalid(problems) }
        try await store.transaction { [ownerID] work in
            guard try await work.lockPosition(id).map(Self.isFree(for: ownerID)) == true else {
                throw Refusal.notFound()
            }
            try await work.setReturnAddress(ofPosition: id, to: address)
        }
        return address
    }

    /// Takes the position out of the cart; its phone link ends with it, so that a photo sent
    /// afterwards is refused as "no longer valid" instead of being kept for nothing.
    public func remove(position id: Int) async throws {
        try await store.transaction { [ownerID, now] work in
            guard try await work.lockPosition(id).map(Self.isFree(for: ownerID)) == true else {
                throw Refusal.notFound()
            }
            try await work.endPhoneLinks(ofPositions: [id], at: now)
            try await work.deletePosition(id)
        }
    }

    private static func isFree(for owner: Int) -> (CartPositionState) -> Bool {
        { $0.ownerID == owner && !$0.waitsForApproval }
    }
}
