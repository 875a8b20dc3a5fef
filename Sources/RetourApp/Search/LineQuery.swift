import Fluent
import PostgresNIO
import RetourApplication
import RetourCore
import SQLKit
import Vapor

/// The one query behind the search page and `GET /api/v1/lines`.
enum LineQuery {
    /// `prepared`: whether PostgreSQL may run it as a prepared statement (`RETOUR_PG_PREPARED`).
    static func run(_ search: LineSearch, scope: CompanyScope, on database: any Database, prepared: Bool = true)
        async throws -> LineSearchResult
    {
        let total: Int
        let rows: [LineRow]
        if prepared, let answer = try await PreparedSearch.run(search, scope: scope, on: database) {
            var cells = answer.first.map(PostgresCells.init)
            total = try cells?.next(Int.self) ?? 0
            rows = try answer.compactMap(LineRow.init(cells:))
        } else {
            let answer = try await database.sql.raw(statement(search, scope: scope)).all()
            struct Counted: Decodable { var total: Int }
            total = try answer.first?.decode(model: Counted.self).total ?? 0
            rows = try answer.filter { try !$0.decodeNil(column: "id") }.map { try $0.decode(model: LineRow.self) }
        }

        let followUps = try await FollowUps.of(rows.map(\.id), on: database, prepared: prepared)
        var documents: [DocumentView] = []
        for row in rows {
            let price = Money(cents: row.unit_price_cents)
            let address: Address? =
                row.delivery_street.map {
                    Address(
                        street: $0, postcode: row.delivery_postcode ?? "", city: row.delivery_city ?? "",
                        country: row.delivery_country ?? "")
                }
            let lineSerials = followUps.serials[row.id] ?? []
            let line = LineView(
                id: row.id, invoice: row.invoice_number, invoiceDate: row.invoice_date, position: row.position,
                article: row.article_number, description: row.description, brand: row.brand,
                manufacturerModel: row.manufacturer_model, ean: row.ean, quantity: row.quantity,
                claimableQuantity: max(0, row.quantity - (followUps.claimedQuantities[row.id] ?? 0)),
                unitPrice: price, netAmount: try? price * row.quantity, currency: row.currency,
                customerOrderNumber: row.customer_order_number, customerItemNumber: row.customer_item_number,
                deliveryNote: row.delivery_note_number, deliveryDate: row.delivery_note_date, order: row.order_number,
                orderDate: row.order_date, deliveryAddress: address, serials: lineSerials,
                claimableSerials: lineSerials.filter { !(followUps.claimedSerials[row.id]?.contains($0) ?? false) })
            let (number, date): (String, String)
            switch search.kind {
            case .invoice: (number, date) = (row.invoice_number, row.invoice_date)
            case .deliveryNote: (number, date) = (row.delivery_note_number ?? "", row.delivery_note_date ?? "")
            case .order: (number, date) = (row.order_number ?? "", row.order_date ?? "")
            }
            if let last = documents.last, last.number == number, last.date == date {
                documents[documents.count - 1].lines.append(line)
            } else {
                documents.append(
                    DocumentView(
                        kind: search.kind.rawValue, number: number, date: date, lines: [line],
                        day: CalendarDay(iso: date)))
            }
        }
        return LineSearchResult(documents: documents, page: search.page, per: search.per, total: total)
    }

    /// The page of `search` with the number of all its matches, as one statement (also what
    /// `retour explain` shows the plan of).
    static func statement(_ search: LineSearch, scope: CompanyScope) -> SQLQueryString {
        var company: SQLQueryString? = nil
        if case .company(let companyID) = scope { company = "\(bind: companyID)" }
        let filter = filter(
            kind: search.kind, company: company,
            dates: search.dates.map { ("\(bind: $0.lowerBound.iso)", "\(bind: $0.upperBound.iso)") },
            number: search.number.flatMap { number in
                search.numberType.map { ($0, "\(bind: number.uppercased())") }
            })
        return shape(
            kind: search.kind, filter: filter, limit: "\(literal: search.per)", offset: "\(literal: search.offset)")
    }

    /// A search's conditions with its values (bound values, or placeholders of a prepared
    /// statement): the company's, the period's (or any date) and the number's.
    static func filter<Text: StatementText>(
        kind: DocumentKind, company: Text?, dates: (from: Text, to: Text)?, number: (NumberType, Text)?
    ) -> Text {
        let (_, dateColumn) = columns(for: kind)
        var conditions: [Text] = []
        if let company {
            // A serial number names one or two lines: start from them (the unary plus keeps SQLite
            // from walking all of the company's lines instead and checking each).
            let column = number?.0 == .serial ? "+l.company_id = " : "l.company_id = "
            conditions.append(Text(column) + company)
        }
        if let dates {
            conditions.append(
                Text("\(dateColumn) >= ") + dates.from + Text(" AND \(dateColumn) <= ") + dates.to)
        } else {
            conditions.append(Text("\(dateColumn) IS NOT NULL"))
        }
        if let (type, value) = number {
            conditions.append(numberCondition(type, value: value))
        }
        return conditions.dropFirst().reduce(conditions[0]) { $0 + Text(" AND ") + $1 }
    }

    /// The text around a search's conditions, shared by the statement above and the prepared
    /// statements (`PreparedSearch`), which fill in placeholders instead of values.
    static func shape<Text: StatementText>(kind: DocumentKind, filter: Text, limit: Text, offset: Text) -> Text {
        let (numberColumn, dateColumn) = columns(for: kind)
        // The page and the number of all matches in one statement: the count is one row that the
        // page's rows join (none when the page is past the end), so a search costs two round trips
        // — this and the lines' serials and claims — instead of five. The conditions are written
        // twice rather than once in a common table: PostgreSQL materialises a table used twice,
        // which made it fetch and sort every match of two months (309 against 2 044 transactions
        // a second in pgbench, 1 M lines); so the count reads the index alone and the page stops
        // after its lines.
        let order = "\(dateColumn) DESC, \(numberColumn) DESC, l.position ASC, l.id ASC"
        let counted = Text(
            """
            SELECT counted.total, l.id, l.invoice_number, l.invoice_date, l.customer_order_number, l.position, l.quantity,
                   l.unit_price_cents, l.currency, l.customer_item_number, l.delivery_note_number,
                   l.delivery_note_date, l.order_number, l.order_date, l.delivery_street, l.delivery_postcode,
                   l.delivery_city, l.delivery_country, a.number AS article_number, a.description,
                   a.manufacturer_model, a.ean, b.name AS brand
            FROM (SELECT COUNT(*) AS total FROM invoice_lines l WHERE 
            """)
        let page = Text(
            """
            ) counted
            LEFT JOIN (SELECT l.id FROM invoice_lines l WHERE 
            """)
        let limited = Text(
            """

                       ORDER BY \(order) LIMIT 
            """)
        let lines = Text(
            """
            ) page ON 1 = 1
            LEFT JOIN invoice_lines l ON l.id = page.id
            LEFT JOIN articles a ON a.id = l.article_id
            LEFT JOIN brands b ON b.id = a.brand_id
            ORDER BY \(order)
            """)
        return counted + filter + page + filter + limited + limit + Text(" OFFSET ") + offset + lines
    }

    /// One line, if `scope` may see it.
    static func line(id: Int, scope: CompanyScope, on database: any Database) async throws -> LineView? {
        guard let line = try await InvoiceLine.find(id, on: database), scope.allows(line.companyID) else { return nil }
        let search = LineSearch(
            dates: nil, number: line.invoiceNumber, numberType: .invoice, kind: .invoice, page: 1,
            per: LineSearch.maximumPer)
        let result = try await run(search, scope: .company(line.companyID), on: database)
        return result.documents.flatMap(\.lines).first { $0.id == id }
    }

    static func columns(for kind: DocumentKind) -> (number: String, date: String) {
        switch kind {
        case .invoice: return ("l.invoice_number", "l.invoice_date")
        case .deliveryNote: return ("l.delivery_note_number", "l.delivery_note_date")
        case .order: return ("l.order_number", "l.order_date")
        }
    }

    /// Numbers match whatever their case; each comparison has its index on `UPPER(column)`.
    /// `value` is a bound value or a placeholder, upper-cased.
    static func numberCondition<Text: StatementText>(_ type: NumberType, value: Text) -> Text {
        let (before, after): (String, String)
        switch type {
        case .invoice: (before, after) = ("UPPER(l.invoice_number) = ", "")
        case .customerOrder: (before, after) = ("UPPER(l.customer_order_number) = ", "")
        case .deliveryNote: (before, after) = ("UPPER(l.delivery_note_number) = ", "")
        case .order: (before, after) = ("UPPER(l.order_number) = ", "")
        case .article: (before, after) = ("l.article_id IN (SELECT id FROM articles WHERE UPPER(number) = ", ")")
        case .manufacturerModel:
            (before, after) = ("l.article_id IN (SELECT id FROM articles WHERE UPPER(manufacturer_model) = ", ")")
        case .ean: (before, after) = ("l.article_id IN (SELECT id FROM articles WHERE UPPER(ean) = ", ")")
        case .serial: (before, after) = ("l.id IN (SELECT line_id FROM serial_numbers WHERE UPPER(number) = ", ")")
        }
        return Text(before) + value + Text(after)
    }

}

/// A line of a search's page as the statement answers it.
private struct LineRow: Decodable {
    var id: Int
    var invoice_number: String
    var invoice_date: String
    var customer_order_number: String?
    var position: Int
    var quantity: Int
    var unit_price_cents: Int64
    var currency: String
    var customer_item_number: String?
    var delivery_note_number: String?
    var delivery_note_date: String?
    var order_number: String?
    var order_date: String?
    var delivery_street: String?
    var delivery_postcode: String?
    var delivery_city: String?
    var delivery_country: String?
    var article_number: String
    var description: String
    var manufacturer_model: String?
    var ean: String?
    var brand: String

    /// Read by position, in the statement's order (the count first); nil for the count's row of a
    /// page past the end. By name, SQLKit's decoder looked every column up for every row: 7 to
    /// 19 % of a search's time in the profile.
    init?(cells row: PostgresRow) throws {
        var cells = PostgresCells(row)
        _ = try cells.next(Int.self)
        guard let id = try cells.next(Int?.self) else { return nil }
        self.id = id
        invoice_number = try cells.next()
        invoice_date = try cells.next()
        customer_order_number = try cells.next()
        position = try cells.next()
        quantity = try cells.next()
        unit_price_cents = try cells.next()
        currency = try cells.next()
        customer_item_number = try cells.next()
        delivery_note_number = try cells.next()
        delivery_note_date = try cells.next()
        order_number = try cells.next()
        order_date = try cells.next()
        delivery_street = try cells.next()
        delivery_postcode = try cells.next()
        delivery_city = try cells.next()
        delivery_country = try cells.next()
        article_number = try cells.next()
        description = try cells.next()
        manufacturer_model = try cells.next()
        ean = try cells.next()
        brand = try cells.next()
    }
}

/// What the search shows of its lines besides the lines themselves, in one statement: their
/// serials, the serials and the quantities requests already hold (rulebook §4.6).
private struct FollowUps {
    struct Row: Decodable {
        var line_id: Int
        var kind: Int
        var value: String
        var amount: Int
    }

    var serials: [Int: [String]] = [:]
    var claimedSerials: [Int: Set<String>] = [:]
    var claimedQuantities: [Int: Int] = [:]

    static func of(_ ids: [Int], on database: any Database, prepared: Bool) async throws -> FollowUps {
        var found = FollowUps()
        guard !ids.isEmpty else { return found }
        let rows: [Row]
        if prepared, let answer = try await PreparedSearch.followUps(of: ids, on: database) {
            rows = try answer.map { row in
                var cells = PostgresCells(row)
                return Row(
                    line_id: try cells.next(), kind: try cells.next(), value: try cells.next(), amount: try cells.next()
                )
            }
        } else {
            let statuses = RequestStatus.holdingClaims.map(\.rawValue)
            rows = try await database.sql.raw(
                """
                SELECT line_id, 0 AS kind, number AS value, 0 AS amount, id AS ordering
                  FROM serial_numbers WHERE line_id IN (\(binds: ids))
                UNION ALL
                SELECT line_id, 1, serial, 0, 0 FROM claimed_serials WHERE line_id IN (\(binds: ids))
                UNION ALL
                SELECT line_id, 2, '', CAST(SUM(quantity) AS BIGINT), 0 FROM requests
                 WHERE line_id IN (\(binds: ids)) AND status IN (\(binds: statuses))
                   AND reason IN (\(binds: LineClaims.holdingReasons))
                 GROUP BY line_id
                ORDER BY kind, ordering
                """
            ).all(decoding: Row.self)
        }
        for row in rows {
            switch row.kind {
            case 0: found.serials[row.line_id, default: []].append(row.value)
            case 1: found.claimedSerials[row.line_id, default: []].insert(row.value)
            default: found.claimedQuantities[row.line_id] = row.amount
            }
        }
        return found
    }
}
