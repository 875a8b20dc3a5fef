import Foundation
import RetourApplication
import RetourCore
import Testing

/// A reseller's own cart: a position's return address, a position taken out — never another's,
/// never one held for approval.
@Suite struct CartChangesUseCaseTests {
    static let now = Date(timeIntervalSince1970: 1_773_619_200)
    static let office = Address(street: "Stationsweg 1", postcode: "3811 AA", city: "Amersfoort", country: "NL")

    static func world() async -> (CartChanges, InMemoryCartStore) {
        let store = InMemoryCartStore()
        await store.add(CartPositionState(id: 1, ownerID: 10, waitsForApproval: false, returnAddress: office))
        await store.add(CartPositionState(id: 2, ownerID: 10, waitsForApproval: true, returnAddress: office))
        await store.add(CartPositionState(id: 3, ownerID: 11, waitsForApproval: false, returnAddress: office))
        return (CartChanges(ownerID: 10, store: store, now: now), store)
    }

    @Test func aReturnAddressIsTrimmedAndEveryMistakeNamedAtItsField() async throws {
        let (cart, store) = await Self.world()
        let warehouse = Address(street: " Havenweg 7 ", postcode: "1043 AB", city: "Amsterdam ", country: "NL")
        #expect(try await cart.changeReturnAddress(ofPosition: 1, to: warehouse).street == "Havenweg 7")
        #expect(await store.state.positions[1]?.state.returnAddress.city == "Amsterdam")

        let refusal = await #expect(throws: Refusal.self) {
            try await cart.changeReturnAddress(
                ofPosition: 1, to: Address(street: "", postcode: "1043 AB", city: "Amsterdam", country: "Atlantis"))
        }
        #expect(refusal?.errors.map(\.field) == ["returnAddress.street", "returnAddress.country"])
        #expect(await store.state.positions[1]?.state.returnAddress.street == "Havenweg 7", "nothing changed")
    }

    @Test func anotherUsersPositionOrOneHeldForApprovalIsNotFound() async throws {
        let (cart, store) = await Self.world()
        for id in [2, 3, 99] {
            await #expect(throws: Refusal.self) {
                try await cart.changeReturnAddress(ofPosition: id, to: Self.office)
            }
            await #expect(throws: Refusal.self) { try await cart.remove(position: id) }
        }
        #expect(await store.state.positions.count == 3)
        #expect(await store.state.phoneLinksEnded.isEmpty)
    }

    @Test func aPositionTakenOutEndsItsPhoneLink() async throws {
        let (cart, store) = await Self.world()
        try await cart.remove(position: 1)
        #expect(await store.position(1) == nil)
        #expect(await store.state.phoneLinksEnded == [1: Self.now])
    }
}
