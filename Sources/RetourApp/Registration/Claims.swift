import Fluent
import Foundation
import RetourCore
import SQLKit

/// What is already held on a line (rulebook §4.6): by requests about the goods that are not
/// rejected, and by a user's cart. Claims that send nothing back hold nothing.
struct LineClaims {
    var quantity = 0
    var serials: Set<String> = []
    /// A request that holds part of the line, to name it.
    var holder: String?

    static var holdingReasons: [String] { ReasonID.holdingGoods.map(\.rawValue) }

    /// SUM of a bigint is NUMERIC on PostgreSQL: cast it back to an integer.
    private static let total = SQLRaw("CAST(SUM(quantity) AS BIGINT)")

    static func requests(onLine lineID: Int, on database: any Database) async throws -> LineClaims {
        let sql = database.sql
        struct Sum: Decodable { var total: Int? }
        let statuses = RequestStatus.holdingClaims.map(\.rawValue)
        let total =
            try await sql.select().column(Self.total, as: "total").from("requests")
            .where("line_id", .equal, lineID).where("status", .in, statuses).where("reason", .in, holdingReasons)
            .first(decoding: Sum.self)?.total ?? 0
        struct Serial: Decodable { var serial: String }
        let serials = try await sql.select().column("serial").from("claimed_serials").where("line_id", .equal, lineID)
            .all(decoding: Serial.self)
        struct Number: Decodable { var number: String }
        let holder = try await sql.select().column("number").from("requests").where("line_id", .equal, lineID)
            .where("status", .in, statuses).where("reason", .in, holdingReasons).orderBy("id", .descending).limit(1)
            .first(decoding: Number.self)?.number
        return LineClaims(quantity: total, serials: Set(serials.map(\.serial)), holder: holder)
    }

    /// `requests(onLine:)` for many lines in three statements, by line id (lines nothing holds are
    /// left out).
    static func requests(onLines ids: [Int], on database: any Database) async throws -> [Int: LineClaims] {
        guard !ids.isEmpty else { return [:] }
        let sql = database.sql
        let statuses = RequestStatus.holdingClaims.map(\.rawValue)
        var claims: [Int: LineClaims] = [:]
        struct Sum: Decodable {
            var line_id: Int
            var total: Int?
        }
        for row in try await sql.select().column("line_id").column(Self.total, as: "total").from("requests")
            .where("line_id", .in, ids).where("status", .in, statuses).where("reason", .in, holdingReasons)
            .groupBy("line_id").all(decoding: Sum.self)
        {
            claims[row.line_id, default: LineClaims()].quantity = row.total ?? 0
        }
        struct Serial: Decodable {
            var line_id: Int
            var serial: String
        }
        for row in try await sql.select().column("line_id").column("serial").from("claimed_serials")
            .where("line_id", .in, ids).all(decoding: Serial.self)
        {
            claims[row.line_id, default: LineClaims()].serials.insert(row.serial)
        }
        struct Number: Decodable {
            var line_id: Int
            var number: String
        }
        // The newest holding request of each line names it, as `requests(onLine:)` does.
        for row in try await sql.select().column("line_id").column("number").from("requests")
            .where("line_id", .in, ids).where("status", .in, statuses).where("reason", .in, holdingReasons)
            .orderBy("id", .ascending).all(decoding: Number.self)
        {
            claims[row.line_id, default: LineClaims()].holder = row.number
        }
        return claims
    }

    /// The claims of `userID`'s cart on a line, leaving out the position being edited.
    static func cart(of userID: Int, onLine lineID: Int, except positionID: Int? = nil, on database: any Database)
        async throws -> LineClaims
    {
        let positions = try await CartPosition.query(on: database).filter(\.$userID == userID).filter(
            \.$lineID == lineID
        ).all()
        return held(by: positions, except: positionID)
    }

    /// What `positions` (a cart's, on one line) hold, leaving out the position being edited.
    static func held(by positions: [CartPosition], except positionID: Int? = nil) -> LineClaims {
        var claims = LineClaims()
        for position in positions
        where position.id != positionID && position.reason.holdsGoods {
            claims.quantity += position.quantity
            claims.serials.formUnion(position.serials)
        }
        return claims
    }

    static func + (lhs: LineClaims, rhs: LineClaims) -> LineClaims {
        LineClaims(
            quantity: lhs.quantity + rhs.quantity, serials: lhs.serials.union(rhs.serials),
            holder: lhs.holder ?? rhs.holder)
    }
}

extension LineFacts {
    /// These facts with what `claims` hold of the line.
    mutating func hold(_ claims: LineClaims) {
        claimedQuantity = claims.quantity
        heldBy = claims.holder
    }
}
