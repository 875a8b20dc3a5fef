import Foundation
import RetourCore

/// The manual's fixtures plus generated lines for three resellers, dated relative to `today` so
/// that every window of the rulebook can be tried on the day the demo is loaded.
enum DemoData {
    static let password = "retour-demo-2026"

    struct Login {
        let email: String
        let role: Role
        let company: String?
    }

    static let logins = [
        Login(email: "jan@pcpartner.nl", role: .resellerAdmin, company: "PC Partner BV"),
        Login(email: "piet@pcpartner.nl", role: .resellerUser, company: "PC Partner BV"),
        Login(email: "inkoop@bytewise.nl", role: .resellerAdmin, company: "Bytewise Systems BV"),
        Login(email: "inkoop@netwerkdirect.be", role: .resellerAdmin, company: "Netwerk Direct BVBA"),
        Login(email: "rma@retour.example", role: .agent, company: nil),
        Login(email: "admin@retour.example", role: .admin, company: nil),
    ]

    /// The documents' ages in days: today, within a week, two weeks, a month, two months, over a year.
    static let ages = [0, 3, 10, 20, 40, 400]

    static func batch(today: CalendarDay) -> ImportBatch {
        var batch = ImportBatch()
        batch.companies = [
            CompanyRecord(
                number: "100200", name: "PC Partner BV", email: "inkoop@pcpartner.nl",
                address: Address(street: "Stationsweg 1", postcode: "3511 AA", city: "Utrecht", country: "NL")),
            CompanyRecord(
                number: "100300", name: "Bytewise Systems BV", email: "inkoop@bytewise.nl",
                address: Address(
                    street: "Kanaalweg 14", postcode: "2903 LS", city: "Capelle aan den IJssel", country: "NL")),
            CompanyRecord(
                number: "100400", name: "Netwerk Direct BVBA", email: "inkoop@netwerkdirect.be",
                address: Address(street: "Noorderlaan 120", postcode: "2030", city: "Antwerpen", country: "BE")),
        ]
        let companyNumbers = [
            "PC Partner BV": "100200", "Bytewise Systems BV": "100300", "Netwerk Direct BVBA": "100400",
        ]
        let names = [
            "jan@pcpartner.nl": "Jan de Vries", "piet@pcpartner.nl": "Piet Jansen",
            "inkoop@bytewise.nl": "Sanne Bakker",
            "inkoop@netwerkdirect.be": "Lotte Peeters", "rma@retour.example": "Rita Mulder",
            "admin@retour.example": "Arjen Admin",
        ]
        batch.users = logins.map {
            UserRecord(
                email: $0.email, name: names[$0.email] ?? $0.email, company: $0.company.flatMap { companyNumbers[$0] },
                role: $0.role, password: password, pointer: JSONPointer())
        }

        batch.brands = [
            brand(
                "LOGITECH", doa: 14,
                returns: Self.returns(
                    "Logitech Europe SA", "Rue du Centre 12", "1015", "Lausanne", "CH", days: 365, fee: 250)),
            brand("SAMSUNG", doa: 30),
            brand(
                "SEAGATE", doa: 14,
                returns: Self.returns(
                    "Seagate RMA Centre", "Koolhovenlaan 1", "1119 NB", "Schiphol-Rijk", "NL", days: 180, fee: 0)),
            brand("LENOVO", doa: 14, warranty: 36),
            brand("NETGEAR", doa: nil), brand("MICROSOFT", doa: nil),
            brand(
                "HP", doa: 30,
                returns: Self.returns(
                    "HP Returns Europe", "Startbaan 16", "1187 XR", "Amstelveen", "NL", days: 365, fee: 500,
                    basis: .currentPrice)),
            brand("APC", doa: nil),
            brand("ULTIMAKER", doa: 14), brand("ADOBE", doa: nil),
            BrandRecord(
                name: "ACER", doaDays: 14, warrantyMonths: 24, warrantyHandling: .directService,
                doaHandling: .directService,
                serviceCentre: ServiceCentre(
                    company: "ACER COMPUTER BV", street: "Europalaan 89", postcode: "NL-5232 BC",
                    city: "'s-Hertogenbosch",
                    url: "http://www.acer.com/gc/nl/NL/content/")),
        ]

        batch.articles = [
            article(
                "1948782", "LOGITECH HD Webcam C930e", "LOGITECH", model: "960-000972", ean: "5099206045200",
                price: "71.50", purchase: "60.00"),
            article(
                "4036185", "SAMSUNG 970 EVO Plus SSD 500GB NVMe", "SAMSUNG", model: "MZ-V7S500BW", ean: "8801643628093",
                price: "54.95"),
            article(
                "3024017", "SEAGATE Surv. Skyhawk 3TB HDD", "SEAGATE", model: "ST3000VX009", ean: "8719706010301",
                price: "63.21", purchase: "52.00"),
            article(
                "4224506", "SEAGATE Expansion Desktop External 10TB", "SEAGATE", model: "STKP10000400",
                ean: "3660619040438", price: "153.84"),
            article(
                "4256321", "LENOVO IdeaCentre 3 3250U 8/512GB", "LENOVO", model: "11JN000QMH", ean: "0196380366985",
                price: "333.97"),
            article(
                "3777802", "NETGEAR 24P GE High-Pwr PoE+ Smt Switch", "NETGEAR", model: "GS728TXP-300EUS",
                ean: "0606449138227", price: "412.00"),
            article(
                "47281", "MS Azure Subscription", "MICROSOFT", model: "AZURE-SUB-1Y", ean: nil, serialised: false,
                kind: .licence, price: nil),
            article(
                "4301177", "ACER Aspire 5 A515-57 15.6\" i5 16GB 512GB", "ACER", model: "NX.KN4EH.00A",
                ean: "4711121628106", price: "649.00"),
            article(
                "4188810", "HP EliteBook 840 G9 i7 16GB 512GB", "HP", model: "6F6Z3EA", ean: "0196548419034",
                price: "1249.00", purchase: "1090.00"),
            article("2990431", "APC Back-UPS 700VA", "APC", model: "BX700UI", ean: "0731304286646", price: "89.90"),
            article(
                "4410032", "LOGITECH M185 Wireless Mouse", "LOGITECH", model: "910-002238", ean: "5099206027291",
                serialised: false, price: "9.95"),
            article(
                "4502219", "ULTIMAKER S3 3D Printer", "ULTIMAKER", model: "9671", ean: "8717936330124",
                kind: .threeDPrinter, price: "4195.00"),
            article(
                "4120056", "ADOBE Acrobat Pro 2020 NL", "ADOBE", model: "65310845", ean: nil, serialised: false,
                kind: .software, price: "459.00"),
            article(
                "4633108", "SAMSUNG ViewFinity S8 32\" 4K (speciaal besteld)", "SAMSUNG", model: "LS32B800PXU",
                ean: "8806094525218", specialOrder: true, price: "429.00"),
        ]
        let articles = Dictionary(uniqueKeysWithValues: batch.articles.map { ($0.number, $0) })

        var invoices: [InvoiceRecord] = []
        // The manual's documents (rulebook §6), dated relative to today.
        // Bytewise's order of ten weeks ago, whose defects went back to their manufacturers (`DemoRecovery`).
        invoices.append(
            invoice(
                DemoRecovery.invoice, company: "100300", date: today.adding(days: -70), customerOrder: "BW-2207",
                order: "7045300950", deliveryNote: "6071000950",
                lines: [
                    line(100, articles["1948782"]!, quantity: 1, serials: ["DEMO-LOGI-0001"]),
                    line(200, articles["4188810"]!, quantity: 1, serials: ["DEMO-HP-0001"]),
                    line(300, articles["3024017"]!, quantity: 1, serials: ["DEMO-SEA-0001"]),
                ]))
        invoices.append(
            invoice(
                "0962405087", company: "100200", date: today.adding(days: -3), customerOrder: "PO-4411",
                order: "7045364094",
                deliveryNote: "6071053724",
                lines: [
                    line(100, articles["1948782"]!, quantity: 1, customerItem: "WEBCAM-01", serials: ["2119LZ90X2V9"])
                ]))
        invoices.append(
            invoice(
                "0962405086", company: "100200", date: today.adding(days: -3), customerOrder: "PO-4412",
                order: "7045333716",
                deliveryNote: "6071053725",
                lines: [line(100, articles["1948782"]!, quantity: 1, serials: ["2119LZ90X2W4"])]))
        // A brand without DOA (the NETGEAR switch).
        invoices.append(
            invoice(
                "0962405090", company: "100200", date: today.adding(days: -3), customerOrder: "PO-4413",
                order: "7045333790",
                deliveryNote: "6071053731",
                lines: [line(100, articles["3777802"]!, quantity: 1, serials: ["4TR1957E00312"])]))
        // The LENOVO of the manual's too-much-delivered and transport-damage screens (L722–L860): its
        // keep offers 332,30 and 300,57 can be tried while the four-day window is open.
        invoices.append(
            invoice(
                "0962405251", company: "100200", date: today.adding(days: -1), customerOrder: "PO-4418",
                order: "7045371251",
                deliveryNote: "6071054251",
                lines: [
                    line(
                        100, articles["4256321"]!, quantity: 15,
                        serials: [
                            "SYL01BPY7", "SYL01BPYM", "SYL01BPYR", "SYL01BPYX", "SYL01BPZ1", "SYL01BPZA", "SYL01BPZC",
                            "SYL01BPZE", "SYL01BPZH", "SYL01BQ00", "SYL01BQ0S", "SYL01BQ0X", "SYL01BQ13", "SYL01BQ15",
                            "SYL01BQZE",
                        ])
                ]))
        invoices.append(
            invoice(
                "0962350553", company: "100200", date: today.adding(days: -10), customerOrder: "PO-4398",
                order: "7045290011",
                deliveryNote: "6071049981",
                // The manual lists S4EVNM0R820837, …839, …841: every other number.
                lines: [
                    line(
                        100, articles["4036185"]!, quantity: 8,
                        serials: stride(from: 837, through: 851, by: 2).map { "S4EVNM0R820\($0)" })
                ]))
        invoices.append(
            invoice(
                "0962277446", company: "100200", date: today.adding(days: -9), customerOrder: "PO-4371",
                order: "7045211873",
                deliveryNote: "6071041220",
                lines: [
                    // The manual's wrong delivery and product complaint (15 days, open); its serials first.
                    line(
                        100, articles["3024017"]!, quantity: 10,
                        serials: [
                            "ZTT2YCBT", "ZTT2YCR2", "ZTT2YJZN", "ZTT2YK0A", "ZTT2YK1C", "ZTT2YK2F", "ZTT2YK3H",
                            "ZTT2YK4M", "ZTT2YK5P", "ZTT2YK6S",
                        ])
                ]))
        // The same Skyhawk bought earlier: twenty days, past the 15-day returns, within buy back.
        invoices.append(
            invoice(
                "0962277401", company: "100200", date: today.adding(days: -20), customerOrder: "PO-4360",
                order: "7045211801",
                deliveryNote: "6071041201",
                lines: [
                    line(
                        100, articles["3024017"]!, quantity: 10,
                        serials: (1...10).map { "ZTT2XA\(String(format: "%02d", $0))" })
                ]))
        invoices.append(
            invoice(
                "0912025689", company: "100200", date: today.adding(days: -29), customerOrder: "PO-4350",
                order: "7045180034",
                deliveryNote: "6071037765",
                lines: [line(100, articles["4256321"]!, quantity: 15, serials: (701...715).map { "SYL01BN\($0)" })]))
        invoices.append(
            invoice(
                "0962411120", company: "100200", date: today, customerOrder: "PO-4420", order: "7045371200",
                deliveryNote: "6071054410",
                lines: [
                    line(100, articles["47281"]!, quantity: 5, serials: []),
                    line(200, articles["4301177"]!, quantity: 2, serials: ["NXKN4EH00A2291", "NXKN4EH00A2292"]),
                ]))
        invoices.append(
            invoice(
                "0961554021", company: "100200", date: today.adding(days: -400), customerOrder: "PO-3902",
                order: "7044011290",
                deliveryNote: "6070911023",
                lines: [line(100, articles["4224506"]!, quantity: 2, serials: ["NAA4K1LX", "NAA4K1LY"])]))
        invoices.append(
            invoice(
                "0962300917", company: "100200", date: today.adding(days: -40), customerOrder: "PO-4333",
                order: "7045150301",
                deliveryNote: "6071030019",
                lines: [
                    line(100, articles["4502219"]!, quantity: 1, serials: ["UM-S3-88231"]),
                    line(200, articles["4120056"]!, quantity: 3, serials: []),
                    line(300, articles["4633108"]!, quantity: 1, serials: ["0CJ9HNAW600122"]),
                ]))

        // Generated documents for all three companies, at each of the ages above.
        var random = SeededGenerator(seed: 20_211_208)
        let everyday = [
            "4036185", "3024017", "4224506", "4256321", "4188810", "2990431", "4410032", "1948782", "3777802",
        ]
        var invoiceNumber = 970_000_000
        var orderNumber = 7_046_000_000
        var noteNumber = 6_072_000_000
        for company in ["100200", "100300", "100400"] {
            for age in ages {
                for _ in 0..<4 {
                    invoiceNumber += 1
                    orderNumber += 1
                    noteNumber += 1
                    var lines: [LineRecord] = []
                    for index in 0..<Int.random(in: 3...6, using: &random) {
                        let article = articles[everyday[Int.random(in: 0..<everyday.count, using: &random)]]!
                        let quantity = Int.random(
                            in: 1...(article.price.map { $0.cents > 50_000 } == true ? 3 : 12), using: &random)
                        let serials =
                            article.serialised
                            ? (0..<quantity).map { _ in randomSerial(&random) } : []
                        lines.append(line((index + 1) * 100, article, quantity: quantity, serials: serials))
                    }
                    invoices.append(
                        invoice(
                            "0\(invoiceNumber)", company: company,
                            date: today.adding(days: -age - Int.random(in: 0...1, using: &random) * (age > 0 ? 1 : 0)),
                            customerOrder: "PO-\(company.suffix(3))-\(invoiceNumber % 10_000)", order: "\(orderNumber)",
                            deliveryNote: "\(noteNumber)", lines: lines))
                }
            }
        }
        batch.invoices = invoices
        return batch
    }

    /// A manufacturer that takes units back within `days` of the invoice, less a fee in basis points.
    private static func returns(
        _ company: String, _ street: String, _ postcode: String, _ city: String, _ country: String, days: Int,
        fee: Int, basis: VendorReturnTerms.CreditBasis = .purchasePrice
    ) -> VendorReturnTerms {
        VendorReturnTerms(
            accepts: true, withinDays: days, creditBasis: basis, handlingFeeBasisPoints: fee,
            address: VendorAddress(company: company, street: street, postcode: postcode, city: city, country: country))
    }

    private static func brand(_ name: String, doa: Int?, warranty: Int = 24, returns: VendorReturnTerms? = nil)
        -> BrandRecord
    {
        BrandRecord(
            name: name, doaDays: doa, warrantyMonths: warranty, warrantyHandling: .credit, doaHandling: .credit,
            serviceCentre: nil, vendorReturns: returns)
    }

    private static func article(
        _ number: String, _ description: String, _ brand: String, model: String, ean: String?, serialised: Bool = true,
        kind: ArticleKind = .hardware, specialOrder: Bool = false, price: String?, purchase: String? = nil
    ) -> ArticleRecord {
        ArticleRecord(
            number: number, description: description, brand: brand, manufacturerModel: model, ean: ean,
            serialised: serialised, kind: kind, specialOrder: specialOrder, returnable: true, warrantyMonths: nil,
            price: price.flatMap { Money(decimal: $0) }, purchasePrice: purchase.flatMap { Money(decimal: $0) })
    }

    private static func line(
        _ position: Int, _ article: ArticleRecord, quantity: Int, customerItem: String? = nil, serials: [String]
    )
        -> LineRecord
    {
        LineRecord(
            position: position, article: article.number, quantity: quantity,
            unitPrice: article.price ?? Money(cents: 4_500),
            customerItemNumber: customerItem, deliveryNote: nil, order: nil, deliveryAddress: nil, serials: serials)
    }

    private static func invoice(
        _ number: String, company: String, date: CalendarDay, customerOrder: String, order: String,
        deliveryNote: String,
        lines: [LineRecord]
    ) -> InvoiceRecord {
        let addresses = [
            "100200": Address(street: "Stationsweg 1", postcode: "3511 AA", city: "Utrecht", country: "NL"),
            "100300": Address(
                street: "Kanaalweg 14", postcode: "2903 LS", city: "Capelle aan den IJssel", country: "NL"),
            "100400": Address(street: "Noorderlaan 120", postcode: "2030", city: "Antwerpen", country: "BE"),
        ]
        let dated = lines.map { line -> LineRecord in
            var line = line
            line.order = NumberedDate(number: order, date: date.adding(days: -2))
            line.deliveryNote = NumberedDate(number: deliveryNote, date: date.adding(days: -1))
            line.deliveryAddress = addresses[company]
            return line
        }
        return InvoiceRecord(
            number: number, company: company, date: date, customerOrderNumber: customerOrder, currency: "EUR",
            lines: dated)
    }

    private static func randomSerial(_ random: inout SeededGenerator) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
        return String((0..<12).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
    }
}
