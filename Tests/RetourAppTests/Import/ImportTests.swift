import Fluent
import Foundation
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    @Suite struct ImportTests {
        static let valid = """
            {
              "companies": [{"number": "100200", "name": "PC Partner BV", "email": "inkoop@pcpartner.nl",
                             "address": {"street": "Stationsweg 1", "postcode": "3511 AA", "city": "Utrecht", "country": "NL"}}],
              "users": [{"email": "jan@pcpartner.nl", "name": "Jan de Vries", "company": "100200",
                         "role": "reseller_admin", "password": "at least 12 chars"}],
              "brands": [{"name": "ACER", "doaDays": 14, "warrantyMonths": 24,
                          "warrantyHandling": "direct_service", "doaHandling": "credit",
                          "serviceCentre": {"company": "ACER COMPUTER BV", "street": "Europalaan 89", "postcode": "5232 BC",
                                            "city": "'s-Hertogenbosch", "url": "https://www.acer.com/nl-nl/support"}},
                         {"name": "LOGITECH", "doaDays": null, "warrantyMonths": 24, "warrantyHandling": "credit", "doaHandling": "credit"}],
              "articles": [{"number": "1948782", "description": "LOGITECH HD Webcam C930e", "brand": "LOGITECH",
                            "manufacturerModel": "960-000972", "ean": "5099206045200", "serialised": true,
                            "kind": "hardware", "specialOrder": false, "returnable": true, "warrantyMonths": null, "price": "71.50"}],
              "invoices": [{"number": "0962405087", "company": "100200", "date": "2021-12-08",
                            "customerOrderNumber": "PO-4411", "currency": "EUR",
                            "lines": [{"position": 100, "article": "1948782", "quantity": 2, "unitPrice": "71.50",
                                       "customerItemNumber": "WEBCAM-01",
                                       "deliveryNote": {"number": "6071053724", "date": "2021-12-07"},
                                       "order": {"number": "7045364094", "date": "2021-12-06"},
                                       "deliveryAddress": {"street": "Stationsweg 1", "postcode": "3511 AA", "city": "Utrecht", "country": "NL"},
                                       "serials": ["2119LZ90X2V9", "2119LZ90X2W0"]}]}]
            }
            """

        @Test func importsAndCountsEverySection() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let response = try await app.postJSON("/api/v1/import", Self.valid, token: admin)
                #expect(response.status == .ok, "\(response.body.string)")
                let counts = try response.json()
                #expect(counts["companies"] as? Int == 1)
                #expect(counts["users"] as? Int == 1)
                #expect(counts["brands"] as? Int == 2)
                #expect(counts["lines"] as? Int == 1)
                #expect(counts["serials"] as? Int == 2)
                // The demo's webcam line now carries the imported quantity and serials.
                let jan = try await app.token("jan@pcpartner.nl", password: "at least 12 chars")
                let found = try await app.get("/api/v1/lines?numberType=serial&number=2119LZ90X2W0", token: jan)
                #expect(found.body.string.contains("\"quantity\":2"))
                #expect(found.body.string.contains("\"invoiceDate\":\"2021-12-08\""))
            }
        }

        /// Values with the characters PostgreSQL's `COPY` treats specially (tab, line break, carriage
        /// return, backslash, the `\N` of null) and text outside ASCII come back exactly as sent; a
        /// second import that drops a serial leaves the line exactly the document's serials.
        @Test func everyCharacterOfAValueArrivesAsSent() async throws {
            try await withRetour { app in
                let admin = try await seedAdmin(app)
                let odd = "tab\there\nnew line\r\\back\\N end é ☃"
                func document(_ serials: [String]) throws -> String {
                    let lines: [[String: Any]] = [
                        [
                            "position": 10, "article": "1948782", "quantity": 3, "unitPrice": "71.50",
                            "customerItemNumber": odd,
                            "deliveryAddress": [
                                "street": odd, "postcode": "\\N", "city": "Utrecht", "country": "NL",
                            ], "serials": serials,
                        ]
                    ]
                    var base = try JSONSerialization.jsonObject(with: Data(Self.valid.utf8)) as! [String: Any]
                    base["users"] = []
                    base["invoices"] = [
                        [
                            "number": "INV\\1", "company": "100200", "date": "2021-12-08", "customerOrderNumber": odd,
                            "currency": "EUR", "lines": lines,
                        ]
                    ]
                    return String(decoding: try JSONSerialization.data(withJSONObject: base), as: UTF8.self)
                }
                let serials = ["S\\1", "S\t2", "\\N"]
                let first = try await app.postJSON("/api/v1/import", try document(serials), token: admin)
                #expect(first.status == .ok, "\(first.body.string)")
                let sql = app.db.sql
                struct Line: Decodable, Equatable {
                    var customer_item_number: String?
                    var customer_order_number: String?
                    var delivery_street: String?
                    var delivery_postcode: String?
                    var invoice_number: String
                }
                let line = try await sql.raw(
                    "SELECT customer_item_number, customer_order_number, delivery_street, delivery_postcode, invoice_number FROM invoice_lines"
                ).first(decoding: Line.self)
                let expected = Line(
                    customer_item_number: odd, customer_order_number: odd, delivery_street: odd,
                    delivery_postcode: "\\N", invoice_number: "INV\\1")
                #expect(line == expected)
                struct Serial: Decodable { var number: String }
                func stored() async throws -> [String] {
                    try await sql.raw("SELECT number FROM serial_numbers ORDER BY id").all(decoding: Serial.self)
                        .map(\.number)
                }
                #expect(try await stored() == serials)
                let second = try await app.postJSON("/api/v1/import", try document(["\\N", "S\\1"]), token: admin)
                #expect(second.status == .ok, "\(second.body.string)")
                #expect(try await stored() == ["\\N", "S\\1"])
            }
        }

        /// The first import into an empty history builds the lines' indexes (and on PostgreSQL
        /// their foreign keys) once at the end; it leaves every index and key as it found it — also
        /// when it fails half-way.
        @Test func aFirstImportRebuildsTheIndexesItSetAside() async throws {
            try await withRetour { app in
                let admin = try await seedAdmin(app)
                let sql = app.db.sql
                struct Index: Decodable, Hashable {
                    var name: String
                    var definition: String
                }
                func indexes() async throws -> Set<Index> {
                    let query: SQLQueryString =
                        app.db.isSQLite
                        ? "SELECT name, sql AS definition FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('invoice_lines', 'serial_numbers') AND sql IS NOT NULL"
                        : """
                        SELECT indexname AS name, indexdef AS definition FROM pg_indexes
                         WHERE tablename IN ('invoice_lines', 'serial_numbers')
                        UNION ALL
                        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                         WHERE contype = 'f' AND conrelid::regclass::text IN ('invoice_lines', 'serial_numbers')
                        """
                    return Set(try await sql.raw(query).all(decoding: Index.self))
                }
                let before = try await indexes()
                #expect(before.contains { $0.name == "lines_company_invoice_date" })
                if !app.db.isSQLite {
                    #expect(before.contains { $0.definition.hasPrefix("FOREIGN KEY (article_id)") }, "\(before)")
                }
                let broken = Self.valid.replacingOccurrences(of: #""quantity": 2"#, with: #""quantity": 0"#)
                #expect(try await app.postJSON("/api/v1/import", broken, token: admin).status == .unprocessableEntity)
                #expect(try await indexes() == before, "a failed import leaves the indexes")
                #expect(try await app.postJSON("/api/v1/import", Self.valid, token: admin).status == .ok)
                #expect(try await indexes() == before, "the indexes set aside are built again")
                let jan = try await app.token("jan@pcpartner.nl", password: "at least 12 chars")
                let found = try await app.get("/api/v1/lines?numberType=serial&number=2119lz90x2w0", token: jan)
                #expect(found.body.string.contains("\"invoice\":\"0962405087\""))
            }
        }

        @Test func reimportingChangesNothing() async throws {
            try await withRetour { app in
                let admin = try await seedAdmin(app)
                let first = try await app.postJSON("/api/v1/import", Self.valid, token: admin)
                #expect(first.status == .ok)
                let before = try await tableSizes(app)
                let second = try await app.postJSON("/api/v1/import", Self.valid, token: admin)
                #expect(second.status == .ok)
                #expect(try second.json()["lines"] as? Int == 1)
                #expect(try await tableSizes(app) == before)
                #expect(before == [1, 2, 2, 1, 1, 1, 2])
                // On PostgreSQL a line sent again unchanged keeps its row version: the daily load of
                // the same history writes nothing; a changed line is written.
                if !app.db.isSQLite {
                    let sql = app.db.sql
                    struct Version: Decodable {
                        var version: String
                        var quantity: Int
                    }
                    func line() async throws -> Version? {
                        try await sql.raw("SELECT CAST(xmin AS TEXT) AS version, quantity FROM invoice_lines")
                            .first(decoding: Version.self)
                    }
                    let unchanged = try await line()
                    #expect(try await app.postJSON("/api/v1/import", Self.valid, token: admin).status == .ok)
                    #expect(try await line()?.version == unchanged?.version)
                    let changed = Self.valid.replacingOccurrences(of: #""quantity": 2"#, with: #""quantity": 3"#)
                    #expect(try await app.postJSON("/api/v1/import", changed, token: admin).status == .ok)
                    let after = try await line()
                    #expect(after?.quantity == 3)
                    #expect(after?.version != unchanged?.version)
                }
            }
        }

        @Test(arguments: [
            (
                "unknown company", #"{"invoices":[{"number":"X1","company":"999999","date":"2021-12-08","lines":[]}]}"#,
                "/invoices/0/company"
            ),
            (
                "unknown brand", #"{"articles":[{"number":"A1","description":"d","brand":"NOBRAND"}]}"#,
                "/articles/0/brand"
            ),
            (
                "unknown article",
                #"{"invoices":[{"number":"X1","company":"100200","date":"2021-12-08","lines":[{"position":1,"article":"nope","quantity":1,"unitPrice":"1.00"}]}]}"#,
                "/invoices/0/lines/0/article"
            ),
            (
                "negative quantity",
                #"{"invoices":[{"number":"X1","company":"100200","date":"2021-12-08","lines":[{"position":1,"article":"1948782","quantity":-3,"unitPrice":"1.00"}]}]}"#,
                "/invoices/0/lines/0/quantity"
            ),
            (
                "malformed date", #"{"invoices":[{"number":"X1","company":"100200","date":"8-12-2021","lines":[]}]}"#,
                "/invoices/0/date"
            ),
            (
                "malformed money",
                #"{"invoices":[{"number":"X1","company":"100200","date":"2021-12-08","lines":[{"position":1,"article":"1948782","quantity":1,"unitPrice":"1,50"}]}]}"#,
                "/invoices/0/lines/0/unitPrice"
            ),
            (
                "money as a float",
                #"{"invoices":[{"number":"X1","company":"100200","date":"2021-12-08","lines":[{"position":1,"article":"1948782","quantity":1,"unitPrice":1.5}]}]}"#,
                "/invoices/0/lines/0/unitPrice"
            ),
            (
                "duplicate position",
                #"{"invoices":[{"number":"X1","company":"100200","date":"2021-12-08","lines":[{"position":1,"article":"1948782","quantity":1,"unitPrice":"1.00"},{"position":1,"article":"1948782","quantity":1,"unitPrice":"1.00"}]}]}"#,
                "/invoices/0/lines/1/position"
            ),
            (
                "more serials than quantity",
                #"{"invoices":[{"number":"X1","company":"100200","date":"2021-12-08","lines":[{"position":1,"article":"1948782","quantity":1,"unitPrice":"1.00","serials":["A","B"]}]}]}"#,
                "/invoices/0/lines/0/serials"
            ),
            (
                "bad role", #"{"users":[{"email":"x@y.nl","name":"X","role":"boss","password":"long enough pass"}]}"#,
                "/users/0/role"
            ),
            (
                "short password",
                #"{"users":[{"email":"x@y.nl","name":"X","company":"100200","role":"reseller_user","password":"short"}]}"#,
                "/users/0/password"
            ),
            ("bad enum", #"{"brands":[{"name":"B","warrantyHandling":"sometimes"}]}"#, "/brands/0/warrantyHandling"),
            (
                "invalid EAN", #"{"articles":[{"number":"A1","description":"d","brand":"LOGITECH","ean":"12AB"}]}"#,
                "/articles/0/ean"
            ),
        ])
        func refusesEachKindOfBadRecord(_ kind: String, _ document: String, _ pointer: String) async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let before = try await tableSizes(app)
                let response = try await app.postJSON("/api/v1/import", document, token: admin)
                #expect(response.status == .unprocessableEntity, "\(kind)")
                #expect(response.headers.contentType?.description.contains("problem+json") == true)
                #expect(try response.problemFields().contains(pointer), "\(kind): \(response.body.string)")
                #expect(try await tableSizes(app) == before, "\(kind): something was stored")
            }
        }

        @Test func reportsEveryBadRecordAtOnceAndStoresNothing() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let before = try await tableSizes(app)
                let document = """
                    {"companies":[{"number":"555","name":"New BV"}],
                     "invoices":[{"number":"X1","company":"nope","date":"2021-13-01",
                                  "lines":[{"position":1,"article":"zz","quantity":0,"unitPrice":"x"},
                                           {"position":1,"article":"1948782","quantity":1,"unitPrice":"1.00"}]}]}
                    """
                let response = try await app.postJSON("/api/v1/import", document, token: admin)
                #expect(response.status == .unprocessableEntity)
                let fields = Set(try response.problemFields())
                #expect(
                    fields.isSuperset(of: [
                        "/invoices/0/company", "/invoices/0/date", "/invoices/0/lines/0/article",
                        "/invoices/0/lines/0/quantity", "/invoices/0/lines/0/unitPrice", "/invoices/0/lines/1/position",
                    ]), "\(fields)")
                #expect(try await tableSizes(app) == before)
            }
        }

        /// A document of many chunks (the import reads invoices a chunk at a time): a mistake in a
        /// late chunk is named by its place in the whole document, a number repeated across chunks
        /// is found, and nothing of the earlier chunks stays; the same document put right is stored
        /// whole, its invoices naming a company defined in the document itself.
        @Test func aLongDocumentIsReadInChunksAndStaysAllOrNothing() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let count = Importer.invoicesPerChunk * 2 + 203
                func document(badQuantityAt bad: Int?, repeatNumberAt repeated: Int?) -> String {
                    let invoices = (0..<count).map { index in
                        let number = index == repeated ? "C0" : "C\(index)"
                        let quantity = index == bad ? 0 : 1
                        return #"{"number":"\#(number)","company":"777","date":"2026-01-05","lines":[{"position":1,"#
                            + #""article":"1948782","quantity":\#(quantity),"unitPrice":"9.99","serials":["SN\#(index)"]}]}"#
                    }
                    return #"{"invoices":["# + invoices.joined(separator: ",")
                        + #"],"companies":[{"number":"777","name":"Chunk BV"}]}"#
                }
                let before = try await tableSizes(app)
                let late = count - 2
                let wrong = try await app.postJSON(
                    "/api/v1/import", document(badQuantityAt: late, repeatNumberAt: count - 1), token: admin)
                #expect(wrong.status == .unprocessableEntity)
                let fields = Set(try wrong.problemFields())
                #expect(fields.contains("/invoices/\(late)/lines/0/quantity"), "\(fields)")
                #expect(fields.contains("/invoices"), "the repeated number C0 is reported: \(fields)")
                #expect(try await tableSizes(app) == before, "nothing of the earlier chunks stays")

                let right = try await app.postJSON(
                    "/api/v1/import", document(badQuantityAt: nil, repeatNumberAt: nil), token: admin)
                #expect(right.status == .ok, "\(right.body.string)")
                #expect(try right.json()["lines"] as? Int == count)
                #expect(try right.json()["serials"] as? Int == count)
                #expect(try await Invoice.query(on: app.db).filter(\.$number == "C\(count - 1)").count() == 1)
            }
        }

        /// `retour demo --lines N`: the same arguments write the same document; it goes through the
        /// import whole, over two years, with serial numbers for serialised articles, and one of many
        /// resellers holds more lines than any other.
        @Test func generatedDataIsRealisticRepeatableAndImports() async throws {
            try await withRetour { app in
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-gen-\(UUID())")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                let generator = GeneratedData(lines: 3_000, companies: 100, today: testDay)
                let first = directory.appendingPathComponent("a.json").path
                let second = directory.appendingPathComponent("b.json").path
                try generator.write(to: first)
                try generator.write(to: second)
                #expect(FileManager.default.contentsEqual(atPath: first, andPath: second))
                let importer = Importer(
                    database: app.db, hashPassword: { [password = app.password.async] in try await password.hash($0) })
                let counts = try await importer.run(.file(first))
                #expect(counts.lines == 3_000)
                #expect(counts.companies == 100)
                #expect(counts.serials > 0)
                let lines = try await InvoiceLine.query(on: app.db).all()
                let perCompany = Dictionary(grouping: lines, by: \.companyID).mapValues(\.count)
                let big = try #require(
                    try await Company.query(on: app.db).filter(\.$number == GeneratedData.companyNumber(0)).first())
                #expect(perCompany[try big.requireID()] == perCompany.values.max())
                let days = lines.map(\.invoiceDate)
                #expect(days.allSatisfy { $0 <= testDay.iso && $0 > testDay.adding(days: -731).iso })
                #expect(days.min() ?? "" < testDay.adding(days: -600).iso, "invoices spread over two years")
                #expect(
                    try await app.token(GeneratedData.bigResellerLogin, password: GeneratedData.password).count > 10)
                if app.db.isSQLite {
                    // The import left SQLite the statistics its planner needs at this size.
                    struct Count: Decodable { var total: Int }
                    let statistics = try await app.db.sql.raw(
                        "SELECT COUNT(*) AS total FROM sqlite_stat1 WHERE tbl = 'invoice_lines'"
                    ).first(decoding: Count.self)
                    #expect(statistics?.total ?? 0 > 0)
                } else {
                    // PostgreSQL analysed the tables at the end of the import, not whenever autovacuum would.
                    struct Analysed: Decodable { var analysed: Bool }
                    let row = try await app.db.sql.raw(
                        "SELECT last_analyze IS NOT NULL AS analysed FROM pg_stat_user_tables WHERE relname = 'invoice_lines'"
                    ).first(decoding: Analysed.self)
                    #expect(row?.analysed == true)
                    // And vacuumed it, the lines being new: a search's count reads the company's
                    // date index alone, not every matching line from the table.
                    let companyID = try big.requireID()
                    let plan = try await app.db.transaction { db in
                        try await db.sql.raw("SET LOCAL enable_seqscan = off").run()
                        try await db.sql.raw("SET LOCAL enable_bitmapscan = off").run()
                        struct Step: Decodable {
                            var plan: String
                            enum CodingKeys: String, CodingKey { case plan = "QUERY PLAN" }
                        }
                        return try await db.sql.raw(
                            """
                            EXPLAIN (ANALYZE, COSTS OFF) SELECT COUNT(*) FROM invoice_lines l
                             WHERE l.company_id = \(bind: companyID) AND l.invoice_date >= \(bind: testDay.adding(days: -61).iso)
                               AND l.invoice_date <= \(bind: testDay.iso)
                            """
                        ).all(decoding: Step.self).map(\.plan)
                    }
                    #expect(plan.contains { $0.contains("Index Only Scan") }, "\(plan)")
                    #expect(plan.contains { $0.contains("Heap Fetches: 0") }, "\(plan)")
                }
            }
        }

        /// A section that is not an array — a string, a number — is a mistake the import names, not
        /// "not valid JSON", wherever it stands in the document (schemathesis found it refused).
        @Test func aSectionThatIsNoArrayIsNamed() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                for document in [
                    #"{"invoices": [], "companies": "x"}"#, #"{"companies": 7, "invoices": []}"#,
                    #"{"caf\u00e9": "x"}"#,
                ] {
                    let response = try await app.postJSON("/api/v1/import", document, token: admin)
                    #expect(response.status == .unprocessableEntity, "\(document): \(response.body.string)")
                }
            }
        }

        @Test func malformedJSONIsA400AndOnlyAdminsImport() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                #expect(try await app.postJSON("/api/v1/import", "{not json", token: admin).status == .badRequest)
                let reseller = try await app.token("jan@pcpartner.nl")
                #expect(try await app.postJSON("/api/v1/import", Self.valid, token: reseller).status == .forbidden)
                let agent = try await app.token("rma@retour.example")
                #expect(try await app.postJSON("/api/v1/import", Self.valid, token: agent).status == .forbidden)
                #expect(try await app.postJSON("/api/v1/import", Self.valid, token: nil).status == .unauthorized)
                #expect(
                    try await app.postJSON("/api/v1/import", Self.valid, token: "rt_forged").status == .unauthorized)
            }
        }

        @Test func theCommandLineImportsTheSameWay() async throws {
            try await withRetour { app in
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("retour-import-\(UUID()).json")
                try Data(Self.valid.utf8).write(to: file)
                defer { try? FileManager.default.removeItem(at: file) }
                let importer = Importer(database: app.db, hashPassword: { try await app.password.async.hash($0) })
                let counts = try await importer.run(json: try Data(contentsOf: file))
                #expect(counts.invoices == 1)
                #expect(counts.serials == 2)
                let line = try await InvoiceLine.query(on: app.db).first()
                #expect(line?.unitPriceCents == 7150)
                #expect(line?.invoiceDate == "2021-12-08")
            }
        }
    }
}

/// An admin account and its token, for tests that start from an empty database.
func seedAdmin(_ app: Application) async throws -> String {
    let hash = try await app.password.async.hash("admin password 1")
    try await User(email: "root@retour.example", name: "Root", passwordHash: hash, role: .admin, companyID: nil).create(
        on: app.db)
    return try await app.token("root@retour.example", password: "admin password 1")
}

/// Row counts of companies, users, brands, articles, invoices, lines and serials.
func tableSizes(_ app: Application) async throws -> [Int] {
    [
        try await Company.query(on: app.db).count(),
        try await User.query(on: app.db).count(),
        try await Brand.query(on: app.db).count(),
        try await Article.query(on: app.db).count(),
        try await Invoice.query(on: app.db).count(),
        try await InvoiceLine.query(on: app.db).count(),
        try await SerialNumber.query(on: app.db).count(),
    ]
}
