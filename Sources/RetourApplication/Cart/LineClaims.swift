import RetourCore

/// What is already held on a line (rulebook §4.6): by requests about the goods that are not
/// rejected, and by a user's cart. Claims that send nothing back hold nothing.
public struct LineClaims: Sendable, Hashable {
    public var quantity = 0
    public var serials: Set<String> = []
    /// A request that holds part of the line, to name it.
    public var holder: String?

    public init(quantity: Int = 0, serials: Set<String> = [], holder: String? = nil) {
        self.quantity = quantity
        self.serials = serials
        self.holder = holder
    }

    /// What `positions` (a cart's, on one line) hold, leaving out the position being edited.
    public static func held(by positions: [HeldPosition], except positionID: Int? = nil) -> LineClaims {
        var claims = LineClaims()
        for position in positions where position.id != positionID && position.reason.holdsGoods {
            claims.quantity += position.quantity
            claims.serials.formUnion(position.serials)
        }
        return claims
    }

    public static func + (lhs: LineClaims, rhs: LineClaims) -> LineClaims {
        LineClaims(
            quantity: lhs.quantity + rhs.quantity, serials: lhs.serials.union(rhs.serials),
            holder: lhs.holder ?? rhs.holder)
    }
}

/// A cart position as far as it holds part of its line.
public struct HeldPosition: Sendable, Hashable {
    public var id: Int
    public var reason: ReasonID
    public var quantity: Int
    public var serials: [String]
    public var fields: [String: JSONValue]

    public init(id: Int, reason: ReasonID, quantity: Int, serials: [String], fields: [String: JSONValue]) {
        self.id = id
        self.reason = reason
        self.quantity = quantity
        self.serials = serials
        self.fields = fields
    }
}

extension LineFacts {
    /// These facts with what `claims` hold of the line.
    public mutating func hold(_ claims: LineClaims) {
        claimedQuantity = claims.quantity
        heldBy = claims.holder
    }
}
