import Foundation
import RetourApplication
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    @Suite struct BulkRegistrationTests {
        static func send(
            _ app: Application, _ csv: Data, token: String, query: String = "", type: String = "text/csv"
        ) async throws -> TestingHTTPResponse {
            var headers: HTTPHeaders = ["Content-Type": type, "Accept-Language": "nl"]
            headers.bearerAuthorization = BearerAuthorization(token: token)
            return try await app.testing().sendRequest(
                .POST, "/api/v1/cart/bulk\(query)", headers: headers, body: ByteBuffer(data: csv))
        }

        /// As Dutch Excel saves it: a byte order mark, semicolons, a quoted cell with a semicolon and
        /// a line break. Row 2 is a good commercial return; row 3 names no line of the company; row 4
        /// lacks the fault of a defect; row 5 claims the serials row 2 took.
        static let dutchExcel = Data(
            ("\u{FEFF}invoice;position;reason;quantity;serials;sealedDeclaration;fault;description\r\n"
                + "0962350553;100;commercial_return;2;S4EVNM0R820837 S4EVNM0R820839;ja;;\r\n"
                + "0999999999;1;defect;;;;no_response;x\r\n"
                + "0962405087;100;defect;;2119LZ90X2V9;;;\"Geen beeld; scherm\nblijft zwart\"\r\n"
                + "0962350553;100;commercial_return;1;S4EVNM0R820837;ja;;\r\n").utf8)

        /// The dry run says, row by row, what would happen — with the rule engine's reason and each
        /// field error — and stores nothing; the real run does exactly that, in one transaction.
        @Test func aDryRunSaysWhatTheUploadWillDoAndStoresNothing() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let dry = try await Self.send(app, Self.dutchExcel, token: jan, query: "?dryRun=true")
                #expect(dry.status == .ok, "\(dry.body.string)")
                let answer = try dry.json()
                let rows = answer["rows"] as? [[String: Any]] ?? []
                #expect(rows.map { $0["row"] as? Int } == [2, 3, 4, 5])
                #expect(
                    rows.map { $0["invoice"] as? String } == ["0962350553", "0999999999", "0962405087", "0962350553"])
                #expect(rows.map { $0["position"] as? Int } == [100, 1, 100, 100])
                #expect(rows.map { $0["status"] as? String } == ["added", "refused", "refused", "refused"])
                #expect(answer["dryRun"] as? Bool == true)
                #expect(answer["added"] as? Int == 1)
                #expect((rows[1]["message"] as? String)?.contains("0999999999") == true)
                #expect(((rows[2]["errors"] as? [[String: Any]]) ?? []).contains { $0["field"] as? String == "fault" })
                #expect((rows[3]["message"] as? String)?.isEmpty == false)
                let cart = try await app.get("/api/v1/cart", token: jan).json()
                #expect((cart["positions"] as? [Any])?.isEmpty == true)

                let real = try await Self.send(app, Self.dutchExcel, token: jan)
                #expect(real.status == .ok)
                let done = try real.json()
                #expect(done["dryRun"] as? Bool == false)
                #expect(
                    (done["rows"] as? [[String: Any]] ?? []).map { $0["status"] as? String } == [
                        "added", "refused", "refused", "refused",
                    ])
                let positions = try await app.get("/api/v1/cart", token: jan).json()["positions"] as? [[String: Any]]
                #expect(positions?.count == 1)
                #expect(positions?.first?["serials"] as? [String] == ["S4EVNM0R820837", "S4EVNM0R820839"])
                #expect(
                    positions?.first?["id"] as? Int == (done["rows"] as? [[String: Any]])?.first?["cartPosition"]
                        as? Int)
                // Uploaded again: the cart already holds row 2's serials.
                let twice = try await Self.send(app, Self.dutchExcel, token: jan, query: "?dryRun=true").json()
                #expect((twice["rows"] as? [[String: Any]])?.first?["status"] as? String == "refused")
                // The quoted cell kept its semicolon and line break.
                let again = try await Self.send(
                    app,
                    Data(
                        ("invoice;position;reason;serials;fault;description\n"
                            + "0962405087;100;defect;2119LZ90X2V9;no_response;\"Geen beeld; scherm\nblijft zwart\"\n")
                            .utf8),
                    token: jan)
                #expect((try again.json()["added"] as? Int) == 1, "\(again.body.string)")
                let defect = try await app.get("/api/v1/cart", token: jan).json()["positions"] as? [[String: Any]]
                let fields = defect?.last?["fields"] as? [String: Any]
                #expect(fields?["description"] as? String == "Geen beeld; scherm\nblijft zwart")
            }
        }

        /// A bulk upload reads what requests hold of its lines once for all rows: the same as the
        /// check of one position reads, line by line — and a row claiming a serial a request holds
        /// is refused, naming the serial.
        @Test func rowsSeeWhatRequestsAlreadyHold() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                _ = try await FollowUpTests.submitCommercialReturn(app, jan)
                _ = try await FollowUpTests.submitCommercialReturnOfAnotherLine(app, jan)
                let ids = try await InvoiceLine.query(on: app.db).all().compactMap(\.id)
                let together = try await LineClaims.requests(onLines: ids, on: app.db)
                for id in ids {
                    let alone = try await LineClaims.requests(onLine: id, on: app.db)
                    let batched = together[id] ?? LineClaims()
                    #expect(batched.quantity == alone.quantity && batched.serials == alone.serials, "line \(id)")
                    #expect(batched.holder == alone.holder, "line \(id)")
                }
                #expect(together.values.contains { !$0.serials.isEmpty })

                let csv = Data(
                    ("invoice;position;reason;quantity;serials;sealedDeclaration\n"
                        + "0962350553;100;commercial_return;1;S4EVNM0R820837;ja\n"
                        + "0962350553;100;commercial_return;1;S4EVNM0R820841;ja\n").utf8)
                let answer = try await Self.send(app, csv, token: jan, query: "?dryRun=true").json()
                let rows = answer["rows"] as? [[String: Any]] ?? []
                #expect(rows.map { $0["status"] as? String } == ["refused", "added"])
                let errors = (rows.first?["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
                #expect(errors == ["Serienummer S4EVNM0R820837 is al aangevraagd."])
                #expect(rows.first?["message"] as? String == "Deze hoeveelheid of serienummers zijn al aangevraagd.")
            }
        }

        /// Commas, Windows-1252 from plain Excel "CSV", case in column names; and what is refused
        /// as a whole with a reason: another type, unknown columns, too many rows, no file.
        @Test func filesAreReadAsSpreadsheetsWriteThemAndBadOnesRefused() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let western = try #require(
                    "Invoice,Position,Reason,Serials,Fault,Description\n0962405087,100,defect,2119LZ90X2V9,no_response,Scherm geeft café-kleuren\n"
                        .data(using: .windowsCP1252))
                let read = try await Self.send(app, western, token: jan, query: "?dryRun=true")
                #expect(try read.json()["added"] as? Int == 1, "\(read.body.string)")

                let json = try await Self.send(app, Data("{}".utf8), token: jan, type: "application/json")
                #expect(json.status == .unsupportedMediaType)
                let unknown = try await Self.send(
                    app, Data("invoice;position;reason;colour\n1;1;defect;red\n".utf8), token: jan)
                #expect(unknown.status == .unprocessableEntity)
                #expect((try unknown.json()["detail"] as? String)?.contains("colour") == true)
                let missing = try await Self.send(app, Data("invoice;reason\n1;defect\n".utf8), token: jan)
                #expect((try missing.json()["detail"] as? String)?.contains("position") == true)
                let many =
                    "invoice;position;reason\n" + String(repeating: "1;1;defect\n", count: BulkRow.maximumRows + 1)
                #expect(try await Self.send(app, Data(many.utf8), token: jan).status == .unprocessableEntity)
                #expect(try await Self.send(app, Data(), token: jan).status != .ok)
                #expect(
                    try await Self.send(app, Self.dutchExcel, token: jan, query: "?dryRun=maybe").status == .badRequest)
                let unclosed = try await Self.send(
                    app, Data("invoice;position;reason\n\"1;1;defect\n".utf8), token: jan)
                #expect(unclosed.status == .unprocessableEntity)
                // Agents have no cart.
                let agent = try await app.token("rma@retour.example")
                #expect(try await Self.send(app, Self.dutchExcel, token: agent).status == .forbidden)
            }
        }

        /// Excel's "Unicode text" is UTF-16 with a byte order mark: read like UTF-8. UTF-16 without
        /// one is refused as "not text" with what to save instead, not with a wrong reason; a
        /// control character in a cell is refused as it is in a JSON body (issue 20).
        @Test func utf16IsReadAndControlCharactersAreRefusedAsInJSON() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let text =
                    "invoice\tposition\treason\tserials\tfault\tdescription\r\n"
                    + "0962405087\t100\tdefect\t2119LZ90X2V9\tno_response\tGeen beeld\r\n"
                let withMark = try #require(("\u{FEFF}" + text).data(using: .utf16LittleEndian))
                let read = try await Self.send(app, withMark, token: jan, query: "?dryRun=true")
                #expect(try read.json()["added"] as? Int == 1, "\(read.body.string)")
                let withoutMark = try #require(text.data(using: .utf16LittleEndian))
                let refused = try await Self.send(app, withoutMark, token: jan, query: "?dryRun=true")
                #expect(refused.status == .unprocessableEntity)
                #expect((try refused.json()["detail"] as? String)?.contains("UTF-8") == true, "\(refused.body.string)")

                let escape = "\u{1B}[31m"
                let csv = text.replacingOccurrences(of: "Geen beeld", with: "Geen \(escape)beeld")
                let row = try await Self.send(app, Data(csv.utf8), token: jan, query: "?dryRun=true")
                #expect(try row.json()["added"] as? Int == 0, "\(row.body.string)")
                #expect(row.body.string.contains("description"))
                let line = try await RegistrationTests.webcam(app, jan)
                let json = try await RegistrationTests.add(
                    app,
                    #"{"line":\#(line),"reason":"defect","serials":["2119LZ90X2V9"],"fields":{"fault":"no_response","description":"Geen \u001b[31mbeeld \u202e"}}"#,
                    token: jan)
                #expect(json.status == .unprocessableEntity, "\(json.body.string)")
                #expect(try json.problemFields().contains { $0.hasSuffix("description") })
            }
        }

        /// On the cart page: the template to download, a check that shows each row's outcome and
        /// stores nothing, then adding.
        @Test func theCartPageChecksAndAddsAFile() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let page = try await browser.get("/cart").body.string
                #expect(page.contains(#"id="bulk-form""#))
                #expect(page.contains("Meerdere posities uit een bestand"))
                let template = try await browser.get("/cart/bulk-template.csv")
                #expect(template.status == .ok)
                // In the reader's language on the page; the API's template keeps the contract's names.
                #expect(template.body.string.contains("factuur;positie;reden;aantal;serienummers"))

                let file = [UInt8](Self.dutchExcel)
                let checked = try await browser.postMultipart(
                    "/cart/bulk", [("file", "retouren.csv", file), ("mode", nil, Array("check".utf8))])
                #expect(checked.status == .ok)
                let html = checked.body.string
                #expect(html.contains("Gecontroleerd, nog niets opgeslagen: 1 kunnen worden toegevoegd, 3 geweigerd."))
                #expect(html.contains("0999999999"))
                #expect(html.contains(#"class="bulk-refused""#))
                #expect(html.contains(#"id="cart-empty""#))

                let added = try await browser.postMultipart(
                    "/cart/bulk", [("file", "retouren.csv", file), ("mode", nil, Array("add".utf8))])
                #expect(added.body.string.contains("1 toegevoegd aan de winkelwagen, 3 geweigerd."))
                #expect(added.body.string.contains(#"id="submit-cart""#))
                // No file chosen: said so on the page.
                let none = try await browser.postMultipart("/cart/bulk", [("mode", nil, Array("check".utf8))])
                #expect(none.status == .unprocessableEntity)
                #expect(none.body.string.contains("Kies eerst een CSV-bestand."))
            }
        }

        /// The page's template is the reseller's own: titled in Dutch, two of the reseller's lines as
        /// the screen shows them, reasons by their labels. Uploaded unchanged, both rows can be added;
        /// the checked file is kept for adding it, and a mistake names its column in Dutch.
        @Test func thePagesTemplateWorksUploadedUnchangedAndTheCheckedFileIsKept() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let template = try await browser.get("/cart/bulk-template.csv")
                let rows = template.body.string.split(separator: "\r\n")
                #expect(rows.count == 3, "\(rows)")
                #expect(rows.dropFirst().contains { $0.contains(";Commerciële retour;") || $0.contains(";Defect;") })
                let checked = try await browser.postMultipart(
                    "/cart/bulk",
                    [
                        ("file", "sjabloon.csv", Array(template.body.readableBytesView)),
                        ("mode", nil, Array("check".utf8)),
                    ])
                let html = checked.body.string
                #expect(
                    html.contains("Gecontroleerd, nog niets opgeslagen: 2 kunnen worden toegevoegd, 0 geweigerd."),
                    "\(html)")
                #expect(html.contains("Kan worden toegevoegd") && !html.contains("Toegevoegd aan winkelwagen"))
                #expect(try await CartPosition.query(on: app.db).count() == 0)
                // Adding sends the checked file again: nothing to choose a second time.
                let carried = try #require(
                    html.firstRange(of: #"name="checked" value=""#).map { range in
                        String(html[range.upperBound...].prefix { $0 != "\"" })
                    })
                let added = try await browser.postMultipart(
                    "/cart/bulk",
                    [
                        ("checked", nil, Array(carried.utf8)), ("checkedName", nil, Array("sjabloon.csv".utf8)),
                        ("mode", nil, Array("add".utf8)),
                    ])
                #expect(added.body.string.contains("2 toegevoegd aan de winkelwagen, 0 geweigerd."))
                #expect(try await CartPosition.query(on: app.db).count() == 2)

                // A label, a position with its "#", and a mistake named by its Dutch column.
                let typed = "factuur;positie;reden;aantal\r\n0962350553;#100;Commerciële retour;abc\r\n"
                let wrong = try await browser.postMultipart(
                    "/cart/bulk", [("file", "fout.csv", Array(typed.utf8)), ("mode", nil, Array("check".utf8))])
                #expect(wrong.body.string.contains("<li>aantal: "), "\(wrong.body.string)")
                #expect(!wrong.body.string.contains("Onbekende reden"))
            }
        }

        /// The template has every column and reads back as two rows; a register key uploads too.
        @Test func theTemplateReadsBackAndAKeyMayUpload() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let template = try await app.get("/api/v1/cart/bulk-template.csv", token: jan)
                #expect(template.status == .ok)
                #expect(template.headers.contentType?.subType == "csv")
                let (header, rows) = try BulkCSV.read(Data(buffer: template.body))
                #expect(header == BulkRow.fixedColumns + BulkRow.fieldColumns)
                #expect(rows.count == 2)
                #expect(header.contains("subReason") && header.contains("positionReference"))
                let (_, key) = try await APIKeyTests.makeKey(app, jan, #"{"name":"Excel","scopes":["register"]}"#)
                let uploaded = try await Self.send(app, Data(buffer: template.body), token: key, query: "?dryRun=true")
                #expect(uploaded.status == .ok, "\(uploaded.body.string)")
                #expect((try uploaded.json()["rows"] as? [Any])?.count == 2)
            }
        }
    }
}
