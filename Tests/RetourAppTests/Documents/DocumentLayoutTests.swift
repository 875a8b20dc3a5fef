import Foundation
import Testing
import VaporTesting

@testable import RetourApp

/// A word of a PDF and where it sits, as `pdftotext -bbox` reads it back (points, from the top left).
struct PlacedWord {
    var text: String
    var xMin: Double
    var yMin: Double
    var xMax: Double
    var yMax: Double

    static func read(_ pdf: Data) throws -> [PlacedWord] {
        let html = try pdftotext(pdf, ["-bbox"])
        let pattern = try NSRegularExpression(
            pattern: #"<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>"#)
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
            func group(_ index: Int) -> String { String(html[Range(match.range(at: index), in: html)!]) }
            guard let xMin = Double(group(1)), let yMin = Double(group(2)), let xMax = Double(group(3)),
                let yMax = Double(group(4))
            else { return nil }
            return PlacedWord(text: group(5), xMin: xMin, yMin: yMin, xMax: xMax, yMax: yMax)
        }
    }
}

extension AppTests {
    /// The documents as printed: nothing runs off the page or over the QR code, and a credit note's
    /// lines add up to its total.
    @Suite struct DocumentLayoutTests {
        static func pdf(_ app: Application, _ path: String, token: String, language: String) async throws -> Data {
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: token)
            headers.add(name: .acceptLanguage, value: language)
            let response = try await app.testing().sendRequest(.GET, path, headers: headers)
            #expect(response.status == .ok)
            return Data(buffer: response.body)
        }

        @Test func theReturnFormsInstructionStaysLeftOfTheQRCodeInEitherLanguage() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let (number, rma) = try await Journeys.submitWebcamDefect(app, jan)
                for (language, last) in [("nl", "administratie."), ("en", "only.")] {
                    let words = try PlacedWord.read(
                        try await Self.pdf(
                            app, "/api/v1/requests/\(number)/return-form.pdf", token: jan, language: language))
                    // The QR code covers x 400–540, y 100–240; the page is 595 points wide.
                    let besideTheCode = words.filter { $0.yMax > 100 && $0.yMin < 240 && $0.text != rma }
                    #expect(!besideTheCode.isEmpty)
                    for word in besideTheCode {
                        #expect(
                            word.xMax <= 400, "\(language): \"\(word.text)\" runs into the QR code at x \(word.xMax)")
                    }
                    for word in words { #expect(word.xMax <= 550, "\(language): \"\(word.text)\" runs off the page") }
                    // The whole sentence is there, to its last word, above the number for the box.
                    let end = try #require(
                        besideTheCode.first { $0.text == last }, "\(language): \(besideTheCode.map(\.text))")
                    let big = try #require(words.first { $0.text == rma && $0.yMax - $0.yMin > 20 })
                    #expect(end.yMax < big.yMin, "\(language): the instruction runs into the RMA number")
                }
            }
        }

        @Test func aCreditNoteShowsEveryDeductionAndItsLinesAddUpToTheTotal() async throws {
            try await withRetour(fixtures: true) { app in
                let agent = try await app.token("rma@retour.example")
                let number = try await Journeys.receivedReturn(app, agent: agent)
                let credited = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/credit",
                    #"{"amount": "80.00", "reason": "Krasje op de behuizing van een van de twee"}"#, token: agent)
                #expect(credited.status == .ok, "\(credited.body.string)")
                let jan = try await app.token("jan@pcpartner.nl")
                let text = try pdfText(
                    try await Self.pdf(app, "/api/v1/requests/\(number)/credit-note.pdf", token: jan, language: "nl"))
                let lines = text.split(separator: "\n").map(String.init)
                func amount(_ line: String) -> Int? {
                    guard let range = line.range(of: #"-?[0-9.]+,[0-9]{2} EUR\s*$"#, options: .regularExpression)
                    else { return nil }
                    let digits = line[range].replacingOccurrences(of: " EUR", with: "").trimmingCharacters(
                        in: .whitespaces
                    )
                    .replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: "")
                    return Int(digits)
                }
                let header = try #require(lines.firstIndex { $0.contains("Omschrijving") })
                let totalLine = try #require(lines.firstIndex { $0.contains("Totaal excl. btw") })
                let items = lines[(header + 1)..<totalLine].compactMap(amount)
                #expect(items.count == 3, "the goods, the return fee and the adjustment: \(lines[header..<totalLine])")
                #expect(items.reduce(0, +) == 8_000)
                #expect(amount(lines[totalLine]) == 8_000)
                #expect(lines.contains { $0.contains("Return fee") && amount($0).map { $0 < 0 } == true })
                #expect(lines.contains { $0.contains("Krasje op de behuizing") && amount($0).map { $0 < 0 } == true })
            }
        }
    }
}
