import Foundation
import RetourCore

/// Data at a distributor's scale, for benchmarks anyone can reproduce: `retour demo --lines N
/// [--companies M]` writes an import document and loads it through the import, like the ERP's.
/// Skewed as a real customer base is (one reseller holds 4 % of the lines), thousands of articles
/// of hundreds of brands, two years of invoices, serial numbers on serialised articles. The same
/// arguments give the same data.
struct GeneratedData {
    var lines: Int
    var companies: Int
    var today: CalendarDay
    var seed: UInt64 = 2026

    static let articleCount = 5_000
    static let brandCount = 300
    /// The password of the generated logins.
    static let password = "retour-bench-2026"

    /// The login of the reseller that holds the most lines, for benchmarks of its searches.
    static let bigResellerLogin = "inkoop@reseller0.example"

    static let logins = [bigResellerLogin, "inkoop@reseller1.example", "admin@bench.example"]

    static func companyNumber(_ index: Int) -> String { "R" + String(100_000 + index) }

    /// Writes the document to `path`, an invoice at a time.
    func write(to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let file = FileHandle(forWritingAtPath: path)
        else { throw CocoaError(.fileWriteUnknown) }
        defer { try? file.close() }
        var random = SeededGenerator(seed: seed)
        var pending = Data()
        func emit(_ text: String) throws {
            pending.append(contentsOf: text.utf8)
            if pending.count > 1 << 20 {
                try file.write(contentsOf: pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        func emit(_ value: JSONValue) throws {
            try emit(String(decoding: try Self.encoder.encode(value), as: UTF8.self))
        }

        var batch = ImportBatch()
        batch.companies = (0..<companies).map { index in
            CompanyRecord(
                number: Self.companyNumber(index), name: "Reseller \(index) BV",
                email: "inkoop@reseller\(index).example",
                address: Address(
                    street: "Handelsweg \(index % 200 + 1)", postcode: "\(1000 + index % 8000) AB", city: "Utrecht",
                    country: "NL"))
        }
        // Few logins: each one's password costs a bcrypt hash at import.
        batch.users = [
            UserRecord(
                email: Self.bigResellerLogin, name: "Inkoop Reseller 0", company: Self.companyNumber(0),
                role: .resellerAdmin, password: Self.password, pointer: JSONPointer()),
            UserRecord(
                email: Self.logins[1], name: "Inkoop Reseller 1", company: Self.companyNumber(1),
                role: .resellerAdmin, password: Self.password, pointer: JSONPointer()),
            UserRecord(
                email: Self.logins[2], name: "Bench Admin", company: nil, role: .admin,
                password: Self.password, pointer: JSONPointer()),
        ]
        batch.brands = (0..<Self.brandCount).map { index in
            BrandRecord(name: "BRAND\(index)", doaDays: index % 3 == 0 ? nil : 14, warrantyMonths: 24)
        }
        let kinds: [ArticleKind] = [
            .hardware, .hardware, .hardware, .hardware, .hardware, .hardware, .software, .licence,
        ]
        batch.articles = (0..<Self.articleCount).map { index in
            ArticleRecord(
                number: String(1_000_000 + index), description: "Article \(index) of BRAND\(index % Self.brandCount)",
                brand: "BRAND\(index % Self.brandCount)", manufacturerModel: "MM-\(index)",
                ean: String(8_700_000_000_000 + index), serialised: index % 3 == 0, kind: kinds[index % kinds.count],
                specialOrder: index % 50 == 0, returnable: true, warrantyMonths: nil,
                price: Money(cents: Int64(100 + (index * 7_919) % 200_000)))
        }
        // The master data as the writer makes it, then the invoices one at a time behind it.
        guard case .object(var master) = ImportDocument.json(batch) else { return }
        master["invoices"] = nil
        let head = String(decoding: try Self.encoder.encode(JSONValue.object(master)), as: UTF8.self)
        try emit(String(head.dropLast()) + ",\"invoices\":[")
        var written = 0
        var invoiceIndex = 0
        while written < lines {
            // One reseller holds 4 % of the lines; the others share the rest evenly.
            let company =
                companies == 1 || Int.random(in: 0..<100, using: &random) < 4
                ? 0 : Int.random(in: 1..<companies, using: &random)
            let count = min(lines - written, Int.random(in: 1...19, using: &random))
            let date = today.adding(days: -Int.random(in: 0..<730, using: &random))
            var invoiceLines: [LineRecord] = []
            for position in 0..<count {
                let articleIndex = Int.random(in: 0..<Self.articleCount, using: &random)
                let serialised = articleIndex % 3 == 0
                let quantity =
                    serialised ? Int.random(in: 1...3, using: &random) : Int.random(in: 1...20, using: &random)
                let serials =
                    serialised ? (0..<quantity).map { "S\(invoiceIndex)X\(position)X\($0)" } : []
                invoiceLines.append(
                    LineRecord(
                        position: (position + 1) * 10, article: String(1_000_000 + articleIndex), quantity: quantity,
                        unitPrice: Money(cents: Int64(100 + (articleIndex * 7_919) % 200_000)),
                        customerItemNumber: "CI-\(articleIndex)",
                        deliveryNote: NumberedDate(number: String(6_000_000_000 + invoiceIndex), date: date),
                        order: NumberedDate(number: String(7_000_000_000 + invoiceIndex), date: date.adding(days: -1)),
                        deliveryAddress: nil, serials: serials))
            }
            var invoice = ImportBatch()
            invoice.invoices = [
                InvoiceRecord(
                    number: String(9_000_000_000 + invoiceIndex), company: Self.companyNumber(company), date: date,
                    customerOrderNumber: "PO-\(invoiceIndex)", currency: "EUR", lines: invoiceLines)
            ]
            if case .object(let sections) = ImportDocument.json(invoice),
                case .array(let records)? = sections["invoices"],
                let record = records.first
            {
                if invoiceIndex > 0 { try emit(",") }
                try emit(record)
            }
            written += count
            invoiceIndex += 1
        }
        try emit("]}")
        try file.write(contentsOf: pending)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
