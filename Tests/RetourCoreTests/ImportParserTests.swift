import Foundation
import Testing

@testable import RetourCore

@Suite struct ImportParserTests {
    func parse(_ json: String) throws -> (ImportBatch, [String], [ImportReference]) {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        var parser = ImportParser()
        let batch = parser.parse(value)
        return (batch, parser.errors.map(\.pointer.description), parser.references)
    }

    @Test func readsAWholeLine() throws {
        let (batch, errors, references) = try parse(
            """
            {"invoices":[{"number":"0962405087","company":"100200","date":"2021-12-08","lines":[
              {"position":100,"article":"1948782","quantity":1,"unitPrice":"71.50",
               "deliveryNote":{"number":"6071053724","date":"2021-12-07"},"serials":["2119LZ90X2V9"]}]}]}
            """)
        #expect(errors.isEmpty)
        let line = try #require(batch.invoices.first?.lines.first)
        #expect(line.unitPrice == Money(cents: 7150))
        #expect(line.deliveryNote?.date?.iso == "2021-12-07")
        #expect(line.serials == ["2119LZ90X2V9"])
        #expect(Set(references.map(\.key)) == ["100200", "1948782"])
    }

    /// What `ImportDocument` writes, the parser reads back as it was: fixtures and generated data
    /// travel the ERP's own path.
    @Test func aWrittenDocumentReadsBackTheSame() throws {
        let address = Address(street: "Stationsweg 1", postcode: "3511 AA", city: "Utrecht", country: "NL")
        var batch = ImportBatch()
        batch.companies = [
            CompanyRecord(number: "100200", name: "PC Partner BV", email: "inkoop@pcpartner.nl", address: address),
            CompanyRecord(number: "100300", name: "Zonder Adres BV", email: nil, address: nil),
        ]
        batch.users = [
            UserRecord(
                email: "jan@pcpartner.nl", name: "Jan de Vries", company: "100200", role: .resellerAdmin,
                password: "lang-genoeg-wachtwoord", pointer: JSONPointer()),
            UserRecord(
                email: "rma@retour.example", name: "Rita Mulder", company: nil, role: .agent, password: nil,
                pointer: JSONPointer()),
        ]
        batch.brands = [
            BrandRecord(name: "NETGEAR"),
            BrandRecord(
                name: "ACER", doaDays: 14, warrantyMonths: 24, warrantyHandling: .directService, doaHandling: .credit,
                serviceCentre: ServiceCentre(
                    company: "ACER COMPUTER BV", street: "Europalaan 89", postcode: "5232 BC", city: "'s-Hertogenbosch",
                    url: nil)),
        ]
        batch.articles = [
            ArticleRecord(
                number: "1948782", description: "LOGITECH HD Webcam C930e", brand: "ACER",
                manufacturerModel: "960-000972", ean: "5099206045200", serialised: true, kind: .threeDPrinter,
                specialOrder: true, returnable: false, warrantyMonths: 36, price: Money(cents: 7_150)),
            ArticleRecord(
                number: "2", description: "Kabel", brand: "NETGEAR", manufacturerModel: nil, ean: nil,
                serialised: false,
                kind: .hardware, specialOrder: false, returnable: true, warrantyMonths: nil, price: nil),
        ]
        batch.invoices = [
            InvoiceRecord(
                number: "0962405087", company: "100200", date: CalendarDay(iso: "2021-12-08")!,
                customerOrderNumber: "PO-4411", currency: "EUR",
                lines: [
                    LineRecord(
                        position: 100, article: "1948782", quantity: 2, unitPrice: Money(cents: 7_150),
                        customerItemNumber: "WEBCAM-01",
                        deliveryNote: NumberedDate(number: "6071053724", date: CalendarDay(iso: "2021-12-07")),
                        order: NumberedDate(number: "7045364094", date: nil), deliveryAddress: address,
                        serials: ["2119LZ90X2V9", "2119LZ90X2W0"]),
                    LineRecord(
                        position: 200, article: "2", quantity: 1, unitPrice: Money(cents: 5), customerItemNumber: nil,
                        deliveryNote: nil, order: nil, deliveryAddress: nil, serials: []),
                ])
        ]
        let data = try JSONEncoder().encode(ImportDocument.json(batch))
        let (read, errors, _) = try parse(String(decoding: data, as: UTF8.self))
        #expect(errors.isEmpty)
        #expect(read.companies == batch.companies)
        #expect(read.brands == batch.brands)
        #expect(read.articles == batch.articles)
        #expect(read.invoices == batch.invoices)
        #expect(read.users.map(\.email) == batch.users.map(\.email))
        #expect(read.users.map(\.password) == batch.users.map(\.password))
        #expect(read.users.map(\.role) == batch.users.map(\.role))
        #expect(read.users.map(\.company) == batch.users.map(\.company))
    }

    @Test func referencesDefinedInTheDocumentNeedNoLookup() throws {
        let (_, errors, references) = try parse(
            """
            {"companies":[{"number":"1","name":"A"}],"brands":[{"name":"B"}],
             "articles":[{"number":"X","description":"d","brand":"B"}],
             "invoices":[{"number":"I","company":"1","date":"2021-12-08","lines":[{"position":1,"article":"X","quantity":1,"unitPrice":"1.00"}]}]}
            """)
        #expect(errors.isEmpty)
        #expect(references.isEmpty)
        let missing = ImportParser.missing(
            [ImportReference(kind: .brand, key: "Q", pointer: JSONPointer(["articles", "0", "brand"]))]) { _, _ in false
            }
        #expect(missing.map(\.pointer.description) == ["/articles/0/brand"])
        #expect(missing.first?.message.en == "Unknown brand \"Q\".")
    }

    @Test func everyProblemHasItsPointer() throws {
        let (_, errors, _) = try parse(
            """
            {"companies":[{"number":"1"}],
             "users":[{"email":"nope","name":"N","role":"agent","company":"1","password":"short"}],
             "brands":[{"name":"ACER","warrantyHandling":"direct_service","doaDays":-1}],
             "invoices":[{"number":"I","company":"1","date":"2021-12-32","currency":"euro","lines":[
               {"position":1,"article":"X","quantity":2,"unitPrice":"-1.00","serials":["A","A","B"]},
               {"position":1,"article":"X","quantity":1.5,"unitPrice":"1.00"}]}],
             "extra":[]}
            """)
        let expected: Set<String> = [
            "/companies/0/name", "/users/0/email", "/users/0/company", "/users/0/password", "/brands/0/doaDays",
            "/brands/0/serviceCentre", "/invoices/0/date", "/invoices/0/currency", "/invoices/0/lines/0/unitPrice",
            "/invoices/0/lines/0/serials/1", "/invoices/0/lines/0/serials", "/invoices/0/lines/1/position",
            "/invoices/0/lines/1/quantity", "/extra",
        ]
        #expect(Set(errors) == expected, "\(Set(errors).symmetricDifference(expected))")
    }

    @Test func theContractsDocumentsSectionIsAccepted() throws {
        let (batch, errors, _) = try parse(
            #"{"documents":[{"number":"I","company":"1","date":"2021-12-08","lines":[]}]}"#)
        #expect(errors.isEmpty)
        #expect(batch.invoices.count == 1)
        let (_, bad, _) = try parse(#"{"documents":[{"number":"I","company":"1","date":"x","lines":[]}]}"#)
        #expect(bad == ["/documents/0/date"])
    }

    @Test func duplicatesOfANaturalKeyAreRefused() throws {
        let (_, errors, _) = try parse(#"{"companies":[{"number":"1","name":"A"},{"number":"1","name":"B"}]}"#)
        #expect(errors == ["/companies"])
    }

    @Test func pointersEscapeSlashesAndTildes() {
        #expect(JSONPointer(["a/b", "c~d", "0"]).description == "/a~1b/c~0d/0")
    }
}
