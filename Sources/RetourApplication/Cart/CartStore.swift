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

    // Adding positions.

    /// Locks the invoice lines, in a fixed order: what a check decides on cannot change before the
    /// commit, and two transactions on the same lines wait for each other.
    func lockLines(_ ids: [Int]) async throws
    /// Reads at once what the checks of many positions on `lines` read, for the rest of the
    /// transaction (a bulk upload, after locking its lines). Positions saved afterwards are counted.
    func preload(lines: [Int], companyID: Int, cartOwner: Int, on day: CalendarDay) async throws
    /// The company's lines by invoice number (upper case) and position.
    func lineIDs(invoices: [String], companyID: Int) async throws -> [LineKey: Int]
    /// The company's line, nil when it is not the company's.
    func line(_ id: Int, companyID: Int) async throws -> CheckedLine?
    /// The positions in `owner`'s cart (held for approval or not) on a line.
    func cartPositions(of owner: Int, onLine line: Int) async throws -> [HeldPosition]
    /// The requests about a line for `reason` that are neither rejected nor closed.
    func openRequests(onLine line: Int, reason: ReasonID) async throws -> [OpenRequest]
    func policy(on day: CalendarDay) async throws -> PolicyInForce
    func companyAddress(_ companyID: Int) async throws -> CompanyAddress?
    func file(_ id: String) async throws -> FileFacts?
    func replacementTerms(onLine line: Int) async throws -> ReplacementTerms
    /// The article with `code` as its EAN, article or manufacturer number; nil for none.
    func material(_ code: String) async throws -> ReceivedMaterial?
    /// Keeps `position` in `owner`'s cart, as position `replacing` (an edit) or a new one.
    func savePosition(_ position: PreparedPosition, line: Int, owner: PositionOwner, replacing: Int?, at: Date)
        async throws -> Int

    // Phone links: the QR code's key, with which a phone adds photos to a position being filled in.

    /// Whether a link with `token` exists (used or not).
    func phoneLinkExists(_ token: String) async throws -> Bool
    func openPhoneLink(_ token: String, owner: PositionOwner, line: Int, until: Date) async throws
    /// Joins `owner`'s link `token` to the position it filled in: photos sent later join it too.
    func joinPhoneLink(_ token: String, owner: Int, toPosition position: Int) async throws
}

/// Whose cart a position goes to.
public struct PositionOwner: Sendable, Hashable {
    public var userID: Int
    /// Nil for the distributor's staff, who register nothing.
    public var companyID: Int?

    public init(userID: Int, companyID: Int?) {
        self.userID = userID
        self.companyID = companyID
    }
}

/// An invoice line named by its invoice's number and its position.
public struct LineKey: Sendable, Hashable {
    public var invoice: String
    public var position: Int

    public init(invoice: String, position: Int) {
        self.invoice = invoice.uppercased()
        self.position = position
    }
}
