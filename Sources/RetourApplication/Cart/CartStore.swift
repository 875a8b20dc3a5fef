import Foundation
import RetourCore

/// A position in a cart as the cart's use cases decide on it.
public struct CartPositionState: Sendable, Hashable {
    public var id: Int
    public var ownerID: Int
    /// Held for a colleague's approval (four eyes): out of the owner's hands until decided.
    public var waitsForApproval: Bool
    public var returnAddress: Address

    public init(id: Int, ownerID: Int, waitsForApproval: Bool, returnAddress: Address) {
        self.id = id
        self.ownerID = ownerID
        self.waitsForApproval = waitsForApproval
        self.returnAddress = returnAddress
    }
}

/// What the cart's use cases need from storage; its implementation is the only code that writes
/// the positions for them.
public protocol CartStore: Sendable {
    /// Runs `work` in one write transaction: what it locks stays locked until it returns, and
    /// nothing it wrote is kept if it throws.
    func transaction<T: Sendable>(_ work: @escaping @Sendable (any CartWork) async throws -> T) async throws -> T
}

/// The steps of a cart use case inside one transaction.
public protocol CartWork: Sendable {
    /// The position `id`, its row locked; nil when there is none.
    func lockPosition(_ id: Int) async throws -> CartPositionState?
    func setReturnAddress(ofPosition id: Int, to address: Address) async throws
    func deletePosition(_ id: Int) async throws
    /// Ends the phone upload links of the positions at `at`: a photo sent afterwards is refused.
    func endPhoneLinks(ofPositions ids: [Int], at: Date) async throws
}
