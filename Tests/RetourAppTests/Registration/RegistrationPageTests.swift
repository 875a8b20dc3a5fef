import Fluent
import Foundation
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    @Suite struct RegistrationPageTests {
        @Test func fromTheFormThroughTheCartToTheConfirmation() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                try await browser.get("/search?numberType=invoice&number=0962405087&kind=invoice")

                let page = try await browser.get("/register/\(line)?reason=defect")
                #expect(page.status == .ok)
                var html = page.body.string
                let day = testDay.adding(days: -3)
                #expect(
                    html.contains(
                        "Factuurnummer: 0962405087 - Factuurdatum: \(day.day)-\(day.month)-\(day.year) / Artikelnummer: 1948782 / Productomschrijving: LOGITECH HD Webcam C930e / Hoeveelheid: 1"
                    ))
                #expect(html.contains("Garantieafhandeling: Credit"))
                #expect(html.contains("Device/part does not respond"))
                #expect(
                    html.contains(
                        "Geef een gedetailleerde klachtomschrijving. Het artikel dient technisch defect te zijn."))
                #expect(html.contains("<svg"))
                #expect(html.components(separatedBy: "name=\"switchTo\"").count - 1 == ReasonID.allCases.count)

                // Switching keeps what coincides: the comment typed for buy back survives on product complaint.
                let switched = try await browser.post(
                    "/register/\(line)",
                    ["reason": "buyback", "switchTo": "product_complaint", "f[comment]": "Bewaard"])
                #expect(switched.body.string.contains(">Bewaard</textarea>"))
                #expect(switched.body.string.contains("id=\"reason-product_complaint\""))

                // An incomplete form is shown again with its errors.
                let invalid = try await browser.post("/register/\(line)", ["reason": "defect", "f[fault]": "noise"])
                #expect(invalid.status == .unprocessableEntity)
                html = invalid.body.string
                #expect(html.contains("id=\"description-error\""))
                #expect(html.contains("id=\"serials-error\""))

                let added = try await browser.post(
                    "/register/\(line)",
                    ["reason": "defect", "f[fault]": "noise", "f[description]": "Kraakt", "serials[]": "2119LZ90X2V9"])
                #expect(added.status == .seeOther, "\(added.body.string.prefix(2000))")
                let addressPath = try #require(added.headers.first(name: .location))
                let address = try await browser.get(addressPath)
                #expect(address.body.string.contains("value=\"Stationsweg 1\""))
                let badAddress = try await browser.post(
                    addressPath, ["street": "", "postcode": "3511 AA", "city": "Utrecht", "country": "NL"])
                #expect(badAddress.status == .unprocessableEntity)
                #expect(badAddress.body.string.contains("id=\"street-error\""))
                let saved = try await browser.post(
                    addressPath, ["street": "Magazijnweg 7", "postcode": "3542 AB", "city": "Utrecht", "country": "nl"])
                #expect(saved.status == .seeOther)
                let confirmation = try await browser.get(try #require(saved.headers.first(name: .location)))
                #expect(
                    confirmation.body.string.contains(
                        "De positie is succesvol toegevoegd - huidige status: Toegevoegd in de winkelmand."))
                // "Meer posities toevoegen" goes back to the results the reseller came from.
                #expect(
                    confirmation.body.string.contains(
                        "href=\"/search?numberType=invoice&amp;number=0962405087&amp;kind=invoice\" id=\"more\""))

                let cart = try await browser.get("/cart")
                #expect(cart.body.string.contains("Magazijnweg 7"))
                #expect(cart.body.string.contains("2119LZ90X2V9"))
                // The menu says how many positions wait in the cart, on every page.
                #expect(cart.body.string.contains("<span class=\"count\" id=\"nav-cart-count\">(1)</span>"))
                #expect(try await browser.get("/status").body.string.contains("id=\"nav-cart-count\">(1)"))
                // Submitting answers with a redirect: going back never offers to send the form again.
                let submitted = try await browser.post("/cart/submit", ["idempotencyKey": "abc123"])
                #expect(submitted.status == .seeOther)
                let confirmationPath = try #require(submitted.headers.first(name: .location))
                #expect(confirmationPath.hasSuffix("/confirmation?submission=1"), "\(confirmationPath)")
                html = try await browser.get(confirmationPath).body.string
                #expect(html.contains("RMA00000001"))
                #expect(html.contains("Inundatiedok 18"))
                #expect(html.contains("geeft niet automatisch recht op een credit"))
                // The same form posted again (a double click) does not submit twice.
                #expect(try await browser.post("/cart/submit", ["idempotencyKey": "abc123"]).status == .seeOther)
                #expect(try await ReturnRequest.query(on: app.db).count() == 1)
                #expect(try await browser.get("/cart").body.string.contains("id=\"cart-empty\""))
                #expect(
                    !(try await browser.get("/cart").body.string.contains("nav-cart-count")), "an empty cart: no count")
            }
        }

        @Test func aPhoneUploadsWithoutLoggingInForHalfAnHour() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let html = try await browser.get("/register/\(line)?reason=transport_damage").body.string
                #expect(html.contains("Foto van de verzenddoos of pallet van Also"))
                #expect(html.contains("48 uur"))
                let marker = try #require(html.range(of: "name=\"uploadToken\" value=\""))
                let token = String(html[marker.upperBound...].prefix { $0 != "\"" })

                // The phone: no session, no cookie.
                let phone = try await app.testing().sendRequest(.GET, "/m/\(token)")
                #expect(phone.status == .ok)
                // It names the article, in the language of the form that showed the code.
                #expect(phone.body.string.contains("Voor: 1948782 - LOGITECH HD Webcam C930e (factuur 0962405087)"))
                #expect(html.contains("/m/\(token)?lang=nl"))
                let english = try await app.testing().sendRequest(.GET, "/m/\(token)?lang=en").body.string
                #expect(english.contains("For: 1948782 - LOGITECH HD Webcam C930e (invoice 0962405087)"))
                #expect(english.contains("<h1>Add photos and documents</h1>"))
                let boundary = "phone-boundary"
                var body = ByteBuffer()
                for index in 1...3 {
                    body.writeString(
                        "--\(boundary)\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"photo\(index).jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
                    )
                    body.writeBytes([0xFF, 0xD8, 0xFF, 0xE0, UInt8(index)])
                    body.writeString("\r\n")
                }
                body.writeString("--\(boundary)--\r\n")
                let uploaded = try await app.testing().sendRequest(
                    .POST, "/m/\(token)", headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"],
                    body: body)
                #expect(uploaded.status == .ok)
                #expect(uploaded.body.string.contains("3 bestanden ontvangen."))

                // The form sees them without a reload, and they count as the three photos.
                let listed = try await browser.get("/register/uploads/\(token)")
                #expect(listed.body.string.components(separatedBy: "\"id\"").count - 1 == 3)
                let added = try await browser.post(
                    "/register/\(line)",
                    [
                        "reason": "transport_damage", "uploadToken": token, "f[damageNoted]": "yes", "f[keep]": "no",
                        "f[comment]": "Doos ingedeukt",
                    ])
                #expect(added.status == .seeOther, "\(added.body.string.prefix(3000))")
                let position = try #require(try await CartPosition.query(on: app.db).first())
                #expect(position.attachments.count == 3)

                // Half an hour later the link no longer works; an unknown link never did.
                app.clock = FixedClock(app.clock.now.addingTimeInterval(31 * 60))
                #expect(try await app.testing().sendRequest(.GET, "/m/\(token)").status == .gone)
                #expect(try await app.testing().sendRequest(.GET, "/m/nonsense").status == .notFound)
            }
        }
    }
}
