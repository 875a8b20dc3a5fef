import FluentPostgresDriver
import NIOCore
import RetourCore
import SQLKit

/// Text a statement is written in: plain SQL for a prepared statement, or SQLKit's query string
/// with bound values.
protocol StatementText {
    init(_ text: String)
    static func + (lhs: Self, rhs: Self) -> Self
}

extension String: StatementText {}
extension SQLQueryString: StatementText {}

/// The searches resellers run most, as prepared statements on PostgreSQL: planning is about half of
/// the database's work for a search (pgbench of `bench/search-1w.sql`: 220 tps simple, 350
/// prepared, at 10 M lines). PostgresNIO prepares only statements whose text is known by their
/// type, once per connection; the other shapes, and SQLite, take `LineQuery.statement`.
enum PreparedSearch {
    /// The page and count of `search`, or nil when it has no prepared shape here.
    static func run(_ search: LineSearch, scope: CompanyScope, on database: any Database) async throws
        -> [any SQLRow]?
    {
        guard let postgres = database as? any PostgresDatabase, case .company(let companyID) = scope,
            search.kind == .invoice
        else { return nil }
        var bindings = PostgresBindings()
        bindings.append(companyID)
        switch (search.dates, search.numberType, search.number) {
        case (let dates?, nil, nil):
            bindings.append(dates.lowerBound.iso)
            bindings.append(dates.upperBound.iso)
            return try await execute(Statement<ByInvoicePeriod>(bindings: paged(bindings, search)), on: postgres)
        case (nil, .serial?, let number?):
            bindings.append(number.uppercased())
            return try await execute(Statement<BySerial>(bindings: paged(bindings, search)), on: postgres)
        case (nil, .invoice?, let number?):
            bindings.append(number.uppercased())
            return try await execute(Statement<ByInvoiceNumber>(bindings: paged(bindings, search)), on: postgres)
        default:
            return nil
        }
    }

    /// The serials, claimed serials and claimed quantities of `ids` (see `FollowUps`), one
    /// statement for any number of lines: the ids travel as one array.
    static func followUps(of ids: [Int], on database: any Database) async throws -> [any SQLRow]? {
        guard let postgres = database as? any PostgresDatabase else { return nil }
        var bindings = PostgresBindings()
        bindings.append(ids)
        bindings.append(RequestStatus.holdingClaims.map(\.rawValue))
        bindings.append(LineClaims.holdingReasons)
        return try await execute(Statement<FollowUpsOfLines>(bindings: bindings), on: postgres)
    }

    private static func paged(_ bindings: PostgresBindings, _ search: LineSearch) -> PostgresBindings {
        var bindings = bindings
        bindings.append(search.per)
        bindings.append(search.offset)
        return bindings
    }

    private static func execute<Shape>(_ statement: Statement<Shape>, on postgres: any PostgresDatabase)
        async throws -> [any SQLRow]
    {
        let rows = try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                var rows: [PostgresRow] = []
                for try await row in try await connection.execute(statement, logger: connection.logger) {
                    rows.append(row)
                }
                return rows
            }
        }.get()
        return rows.map { $0.sql() }
    }
}

/// One prepared statement per shape: PostgresNIO names and caches a statement by its type.
private struct Statement<Shape: PreparedShape>: PostgresPreparedStatement {
    // PostgreSQL cuts names at 63 bytes: the default, the type's full name, would make them all one.
    static var name: String { "retour_\(Shape.self)" }
    static var sql: String { Shape.sql }
    var bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

private protocol PreparedShape: Sendable {
    static var sql: String { get }
}

/// A reseller's invoice lines of a period ($1 company, $2 from, $3 to, $4 limit, $5 offset).
private enum ByInvoicePeriod: PreparedShape {
    static let sql = LineQuery.shape(
        kind: .invoice, filter: "l.company_id = $1 AND l.invoice_date >= $2 AND l.invoice_date <= $3",
        limit: "$4", offset: "$5")
}

/// A reseller's lines holding a serial number ($1 company, $2 the number upper-cased).
private enum BySerial: PreparedShape {
    static let sql = LineQuery.shape(
        kind: .invoice,
        filter: "+l.company_id = $1 AND l.invoice_date IS NOT NULL AND "
            + "l.id IN (SELECT line_id FROM serial_numbers WHERE UPPER(number) = $2)",
        limit: "$3", offset: "$4")
}

/// A reseller's lines of one invoice ($1 company, $2 the number upper-cased).
private enum ByInvoiceNumber: PreparedShape {
    static let sql = LineQuery.shape(
        kind: .invoice,
        filter: "l.company_id = $1 AND l.invoice_date IS NOT NULL AND UPPER(l.invoice_number) = $2",
        limit: "$3", offset: "$4")
}

/// What the search shows of its lines besides the lines ($1 line ids, $2 holding statuses, $3
/// holding reasons).
private enum FollowUpsOfLines: PreparedShape {
    static let sql = """
        SELECT line_id, 0 AS kind, number AS value, 0 AS amount, id AS ordering
          FROM serial_numbers WHERE line_id = ANY($1)
        UNION ALL
        SELECT line_id, 1, serial, 0, 0 FROM claimed_serials WHERE line_id = ANY($1)
        UNION ALL
        SELECT line_id, 2, '', CAST(SUM(quantity) AS BIGINT), 0 FROM requests
         WHERE line_id = ANY($1) AND status = ANY($2) AND reason = ANY($3)
         GROUP BY line_id
        ORDER BY kind, ordering
        """
}
