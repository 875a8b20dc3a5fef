import Foundation
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

/// `scripts/ubl-check.sh`: the UBL 2.1 schema (xmllint) and the EN 16931 rules (Saxon); the
/// findings when it refuses.
func ublFindings(_ xml: String) throws -> (valid: Bool, findings: String) {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("retour-ubl-\(UUID()).xml")
    try Data(xml.utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [root.appendingPathComponent("scripts/ubl-check.sh").path, file.path]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus == 0, text)
}

/// The text of the first `<cbc:tag …>` element.
func ublValue(_ xml: String, _ tag: String) -> String? {
    guard let start = xml.range(of: "<cbc:\(tag)"), let close = xml[start.upperBound...].range(of: ">"),
        let end = xml[close.upperBound...].range(of: "</cbc:\(tag)>")
    else { return nil }
    return String(xml[close.upperBound..<end.lowerBound])
}

extension AppTests {
    /// One at a time: the first run builds the checker's virtual environment.
    @Suite(.serialized) struct UBLTests {
        static func xml(_ app: Application, _ number: String, token: String) async throws -> TestingHTTPResponse {
            try await app.get("/api/v1/requests/\(number)/credit-note.xml", token: token)
        }

        /// The request page links the UBL file next to the PDF, and the reseller's browser gets it
        /// as the API gives it (issue 22).
        @Test func theRequestPageLinksTheUBLCreditNote() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let number = try await FollowUpTests.submitCommercialReturn(app, jan)
                _ = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/receipt", #"{"quantity":2,"condition":"as_expected"}"#,
                    token: agent)
                _ = try await FollowUpTests.post(app, "/api/v1/requests/\(number)/credit", token: agent)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let page = try await browser.get("/requests/\(number)")
                #expect(page.body.string.contains(#"href="/requests/\#(number)/credit-note.xml""#))
                let file = try await browser.get("/requests/\(number)/credit-note.xml")
                #expect(file.status == .ok)
                #expect(file.headers.contentType?.subType == "xml")
                #expect(file.body.string == (try await Self.xml(app, number, token: jan)).body.string)
                // Another company's reseller does not get it.
                let other = Browser(app)
                try await other.login("inkoop@bytewise.nl")
                #expect(try await other.get("/requests/\(number)/credit-note.xml").status == .notFound)
            }
        }

        /// A credit with the return fee: the schema and the EN 16931 rules accept it, and its
        /// numbers are the PDF's — 2 × 54.95, less 10.99, is 98.91 plus 21 % VAT (20.77): 119.68.
        @Test func aCreditNoteIsValidUBLWithThePDFsNumbers() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let number = try await FollowUpTests.submitCommercialReturn(app, jan)
                #expect(try await Self.xml(app, number, token: jan).status == .notFound)
                _ = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/receipt", #"{"quantity":2,"condition":"as_expected"}"#,
                    token: agent)
                #expect(
                    try await FollowUpTests.post(app, "/api/v1/requests/\(number)/credit", token: agent).status == .ok)

                let answer = try await Self.xml(app, number, token: jan)
                #expect(answer.status == .ok)
                #expect(answer.headers.contentType?.subType == "xml")
                #expect(answer.headers.first(name: .cacheControl)?.contains("no-store") == true)
                #expect(answer.headers.first(name: .contentDisposition)?.contains("filename*=UTF-8''") == true)
                let xml = answer.body.string
                let (valid, findings) = try ublFindings(xml)
                #expect(valid, "\(findings)\n\(xml)")
                #expect(xml.contains("<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\""))
                #expect(ublValue(xml, "ID") == "CN2026-000001")
                #expect(ublValue(xml, "CreditNoteTypeCode") == "381")
                #expect(ublValue(xml, "LineExtensionAmount") == "109.90")
                #expect(ublValue(xml, "AllowanceTotalAmount") == "10.99")
                #expect(ublValue(xml, "TaxExclusiveAmount") == "98.91")
                #expect(ublValue(xml, "TaxAmount") == "20.77")
                #expect(ublValue(xml, "PayableAmount") == "119.68")
                #expect(ublValue(xml, "BuyerReference") == number)
                #expect(xml.contains("<cbc:RegistrationName>PC Partner BV</cbc:RegistrationName>"))
                #expect(xml.contains("<cac:InvoiceDocumentReference><cbc:ID>0962350553</cbc:ID>"))

                // The PDF shows the same amounts.
                var headers = HTTPHeaders()
                headers.bearerAuthorization = BearerAuthorization(token: jan)
                headers.add(name: .acceptLanguage, value: "en")
                let pdf = try await app.testing().sendRequest(
                    .GET, "/api/v1/requests/\(number)/credit-note.pdf", headers: headers)
                let text = try pdfText(Data(buffer: pdf.body))
                for amount in ["98.91", "20.77", "119.68"] { #expect(text.contains(amount), "\(amount) in \(text)") }

                // Another company: not found; an API key with read scope: readable.
                let other = try await app.token("inkoop@bytewise.nl")
                #expect(try await Self.xml(app, number, token: other).status == .notFound)
                let (_, key) = try await APIKeyTests.makeKey(app, jan, #"{"name":"Boekhouding","scopes":["read"]}"#)
                #expect(try await Self.xml(app, number, token: key).status == .ok)
            }
        }

        /// An agent's own amount is an allowance with its reason; kept goods charged to the reseller
        /// are an invoice (380). Both pass the schema and the rules.
        @Test func adjustedCreditsAndChargesAreValidToo() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let number = try await FollowUpTests.submitCommercialReturn(app, jan)
                _ = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/receipt", #"{"quantity":2,"condition":"opened"}"#, token: agent)
                let credited = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/credit",
                    #"{"amount":"80.00","reason":"Doos beschadigd & <open>"}"#,
                    token: agent)
                #expect(credited.status == .ok, "\(credited.body.string)")
                let xml = try await Self.xml(app, number, token: jan).body.string
                let (valid, findings) = try ublFindings(xml)
                #expect(valid, "\(findings)\n\(xml)")
                #expect(ublValue(xml, "TaxExclusiveAmount") == "80.00")
                #expect(ublValue(xml, "AllowanceTotalAmount") == "29.90")
                #expect(xml.contains("Doos beschadigd &amp; &lt;open&gt;"))

                let line = try await RegistrationTests.webcam(app, jan)
                let kept = try await RegistrationTests.submitOne(
                    app,
                    #"{"line": \#(line), "reason": "wrong_delivery", "quantity": 1, "fields": {"variant": "mismatch", "materialCode": "STKP10000400", "keepReceived": true, "wantOriginal": true}}"#,
                    token: jan)
                _ = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(kept)/decision", #"{"decision":"approve"}"#, token: agent)
                #expect(
                    try await FollowUpTests.post(app, "/api/v1/requests/\(kept)/credit", token: agent).status == .ok)
                let invoice = try await Self.xml(app, kept, token: jan).body.string
                let checked = try ublFindings(invoice)
                #expect(checked.valid, "\(checked.findings)\n\(invoice)")
                #expect(ublValue(invoice, "InvoiceTypeCode") == "380")
                #expect(ublValue(invoice, "TaxExclusiveAmount") == "153.07")
            }
        }

        /// The checker refuses what is wrong: a total that does not add up.
        @Test func theCheckerRefusesABrokenDocument() throws {
            let document = UBLDocument(
                kind: .creditNote, number: "CN1", issueDate: CalendarDay(iso: "2026-03-16")!, currency: "EUR",
                buyerReference: "R1", invoiceReference: ("INV1", nil), note: nil,
                seller: AppConfig().seller,
                buyer: .init(name: "B", street: "S 1", postcode: "1000 AA", city: "A", countryCode: "NL"),
                lines: [
                    .init(quantity: 1, unitPrice: Money(cents: 1_000), name: "X", description: nil, articleNumber: "1")
                ],
                adjustments: [], vatBasisPoints: 2_100, vat: Money(cents: 210))
            let good = try document.xml()
            #expect(try ublFindings(good).valid)
            let broken = good.replacingOccurrences(
                of: "<cbc:PayableAmount currencyID=\"EUR\">12.10</cbc:PayableAmount>",
                with: "<cbc:PayableAmount currencyID=\"EUR\">13.10</cbc:PayableAmount>")
            #expect(broken != good)
            let (valid, findings) = try ublFindings(broken)
            #expect(!valid)
            #expect(findings.contains("BR-CO-16"), "\(findings)")
        }
    }
}
