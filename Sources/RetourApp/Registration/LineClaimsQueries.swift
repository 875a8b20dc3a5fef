import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit

/// What requests and carts hold of a line, as stored (rulebook §4.6).
extension LineClaims {
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
        held(by: positions.map(\.held), except: positionID)
    }
}

extension CartPosition {
    /// The position as far as it holds part of its line.
    var held: HeldPosition {
        HeldPosition(id: id ?? 0, reason: reason, quantity: quantity, serials: serials, fields: fields)
    }
}
