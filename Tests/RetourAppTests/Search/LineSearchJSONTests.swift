import Foundation
import RetourApplication
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// The search's answer is written by hand for speed: byte for byte what the API's encoder writes.
    @Suite struct LineSearchJSONTests {
        static func line(_ id: Int, text: String, optional: String?) -> LineView {
            LineView(
                id: id, invoice: "0962405087", invoiceDate: "2026-03-13", position: 100, article: text,
                description: text, brand: "LOGITECH", manufacturerModel: optional, ean: optional, quantity: 3,
                claimableQuantity: 2, unitPrice: Money(cents: 7_150),
                netAmount: id.isMultiple(of: 2) ? nil : Money(cents: 21_450),
                currency: "EUR", customerOrderNumber: optional, customerItemNumber: optional, deliveryNote: optional,
                deliveryDate: optional, order: optional, orderDate: optional,
                deliveryAddress: optional.map {
                    Address(street: $0, postcode: "3511 AA", city: "Utrecht", country: "NL")
                },
                serials: [text, "2119LZ90X2V9"], claimableSerials: [])
        }

        @Test func theHandWrittenAnswerIsTheEncodersByteForByte() throws {
            let awkward = "Quote \" back\\slash /slash\nnew\tline\r\u{8}\u{c}\u{1}\u{1f} é 🚚 \u{7f}"
            let result = LineSearchResult(
                documents: [
                    DocumentView(
                        kind: "invoice", number: "0962405087", date: "2026-03-13",
                        lines: [
                            Self.line(1, text: awkward, optional: nil), Self.line(2, text: "plain", optional: "x/y"),
                        ]),
                    DocumentView(kind: "invoice", number: awkward, date: "2026-03-12", lines: []),
                ], page: 2, per: 50, total: 51)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
            let expected = try encoder.encode(result)
            #expect(String(decoding: result.json, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
            #expect(Data(result.json) == expected)
        }

        @Test func theAPIAnswersWithIt() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let answer = try await app.get("/api/v1/lines?numberType=invoice&number=0962405087", token: jan)
                #expect(answer.status == .ok)
                #expect(answer.headers.contentType == .json)
                let lines = try #require(try answer.json()["documents"] as? [[String: Any]]).first?["lines"]
                #expect((lines as? [[String: Any]])?.first?["serials"] as? [String] == ["2119LZ90X2V9"])
            }
        }
    }
}
