import FluentPostgresDriver
import NIOCore
import RetourApplication
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
/// the database's work for a search (pgbench of the week's search at 10 M lines on 2026-12-04: 220
/// tps simple, 350 prepared). PostgresNIO prepares only statements whose text is known by their
/// type, once per connection: every reseller's search by period or number grouped by invoice has
/// one; grouping by delivery note or order, an agent's search of every company, and SQLite take
/// `LineQuery.statement`. Their rows are read by position (`PostgresCells`).
enum PreparedSearch {
    /// The page and count of `search`, or nil when it has no prepared shape here.
    static func run(_ search: LineSearch, scope: CompanyScope, on database: any Database) async throws
        -> [PostgresRow]?
    {
        guard let postgres = database as? any PostgresDatabase, let chosen = shape(of: search, scope: scope)
        else { return nil }
        var bindings = PostgresBindings()
        for value in chosen.values {
            switch value {
            case .number(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            }
        }
        return try await chosen.run(bindings, postgres)
    }

    /// The serials, claimed serials and claimed quantities of `ids` (see `FollowUps`), one
    /// statement for any number of lines: the ids travel as one array.
    static func followUps(of ids: [Int], on database: any Database) async throws -> [PostgresRow]? {
        guard let postgres = database as? any PostgresDatabase else { return nil }
        var bindings = PostgresBindings()
        bindings.append(ids)
        bindings.append(RequestStatus.holdingClaims.map(\.rawValue))
        bindings.append(LineClaims.holdingReasons)
        return try await execute(Statement<FollowUpsOfLines>(bindings: bindings), on: postgres)
    }

    /// A value bound to a placeholder.
    enum Value: Equatable {
        case number(Int)
        case text(String)
    }

    /// The statement `search` runs as, with the values of its placeholders in order, or nil when
    /// it has no prepared shape (`make bench` hands both to pgbench: the database's limit for
    /// Retour's own SQL).
    static func statement(of search: LineSearch, scope: CompanyScope) -> (sql: String, values: [Value])? {
        shape(of: search, scope: scope).map { ($0.sql, $0.values) }
    }

    /// The follow-ups' statement with its values but the ids, which come first.
    static var followUpsStatement: (sql: String, values: [[String]]) {
        (FollowUpsOfLines.sql, [RequestStatus.holdingClaims.map(\.rawValue), LineClaims.holdingReasons])
    }

    private struct Chosen {
        var sql: String
        var values: [Value]
        var run: (PostgresBindings, any PostgresDatabase) async throws -> [PostgresRow]
    }

    private static func shape(of search: LineSearch, scope: CompanyScope) -> Chosen? {
        guard case .company(let companyID) = scope, search.kind == .invoice else { return nil }
        let paging: [Value] = [.number(search.per), .number(search.offset)]
        func chosen<Shape: PreparedShape>(_: Shape.Type, _ values: [Value]) -> Chosen {
            Chosen(sql: Shape.sql, values: [.number(companyID)] + values + paging) { bindings, postgres in
                try await execute(Statement<Shape>(bindings: bindings), on: postgres)
            }
        }
        switch (search.dates, search.numberType, search.number) {
        case (let dates?, nil, nil):
            return chosen(ByInvoicePeriod.self, [.text(dates.lowerBound.iso), .text(dates.upperBound.iso)])
        case (nil, let type?, let number?):
            let value = [Value.text(number.uppercased())]
            switch type {
            case .invoice: return chosen(ByNumber.Invoice.self, value)
            case .customerOrder: return chosen(ByNumber.CustomerOrder.self, value)
            case .deliveryNote: return chosen(ByNumber.DeliveryNote.self, value)
            case .order: return chosen(ByNumber.Order.self, value)
            case .article: return chosen(ByNumber.Article.self, value)
            case .manufacturerModel: return chosen(ByNumber.ManufacturerModel.self, value)
            case .ean: return chosen(ByNumber.EAN.self, value)
            case .serial: return chosen(ByNumber.Serial.self, value)
            }
        default:
            return nil
        }
    }

    private static func execute<Shape>(_ statement: Statement<Shape>, on postgres: any PostgresDatabase)
        async throws -> [PostgresRow]
    {
        try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                var rows: [PostgresRow] = []
                for try await row in try await connection.execute(statement, logger: connection.logger) {
                    rows.append(row)
                }
                return rows
            }
        }.get()
    }
}

/// A row's cells read in order, each decoded to the type asked for.
struct PostgresCells {
    struct MissingColumn: Error {}

    private var iterator: PostgresRow.Iterator

    init(_ row: PostgresRow) { iterator = row.makeIterator() }

    mutating func next<Value: PostgresDecodable>(_: Value.Type = Value.self) throws -> Value {
        guard let cell = iterator.next() else { throw MissingColumn() }
        return try cell.decode(Value.self)
    }
}

/// One prepared statement per shape: PostgresNIO names and caches a statement by its type, and
/// reads its name and text on every execution — so each shape keeps both as stored constants.
private struct Statement<Shape: PreparedShape>: PostgresPreparedStatement {
    static var name: String { Shape.name }
    static var sql: String { Shape.sql }
    var bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

private protocol PreparedShape: Sendable {
    /// Unique among the shapes, under PostgreSQL's 63 bytes.
    static var name: String { get }
    static var sql: String { get }
}

/// A reseller's invoice lines of a period ($1 company, $2 from, $3 to, $4 limit, $5 offset).
private enum ByInvoicePeriod: PreparedShape {
    static let name = "retour_by_invoice_period"
    static let sql = LineQuery.shape(
        kind: .invoice, filter: LineQuery.filter(kind: .invoice, company: "$1", dates: ("$2", "$3"), number: nil),
        limit: "$4", offset: "$5")
}

/// A reseller's invoice lines by one kind of number ($1 company, $2 the number upper-cased, $3
/// limit, $4 offset).
private enum ByNumber {
    static func sql(_ type: NumberType) -> String {
        LineQuery.shape(
            kind: .invoice, filter: LineQuery.filter(kind: .invoice, company: "$1", dates: nil, number: (type, "$2")),
            limit: "$3", offset: "$4")
    }

    enum Invoice: PreparedShape {
        static let name = "retour_by_invoice_number"
        static let sql = ByNumber.sql(.invoice)
    }
    enum CustomerOrder: PreparedShape {
        static let name = "retour_by_customer_order"
        static let sql = ByNumber.sql(.customerOrder)
    }
    enum DeliveryNote: PreparedShape {
        static let name = "retour_by_delivery_note"
        static let sql = ByNumber.sql(.deliveryNote)
    }
    enum Order: PreparedShape {
        static let name = "retour_by_order"
        static let sql = ByNumber.sql(.order)
    }
    enum Article: PreparedShape {
        static let name = "retour_by_article"
        static let sql = ByNumber.sql(.article)
    }
    enum ManufacturerModel: PreparedShape {
        static let name = "retour_by_manufacturer_model"
        static let sql = ByNumber.sql(.manufacturerModel)
    }
    enum EAN: PreparedShape {
        static let name = "retour_by_ean"
        static let sql = ByNumber.sql(.ean)
    }
    enum Serial: PreparedShape {
        static let name = "retour_by_serial"
        static let sql = ByNumber.sql(.serial)
    }
}

/// What the search shows of its lines besides the lines ($1 line ids, $2 holding statuses, $3
/// holding reasons).
private enum FollowUpsOfLines: PreparedShape {
    static let name = "retour_follow_ups_of_lines"
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
