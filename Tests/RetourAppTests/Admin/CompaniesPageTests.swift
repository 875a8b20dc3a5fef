import Fluent
import Foundation
import RetourApplication
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// The administrator's pages of the reseller companies and their logins.
    @Suite struct CompaniesPageTests {
        @Test func aCompanyIsFoundByNumberOrPartOfItsNameWhateverTheCase() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = Browser(app)
                try await admin.login("admin@retour.example")
                let byName = try await admin.get("/admin/companies?q=pc%20PARTNER").body.string
                #expect(byName.contains("PC Partner BV") && !byName.contains("Bytewise"))
                let byNumber = try await admin.get("/admin/companies?q=100300").body.string
                #expect(byNumber.contains("Bytewise") && !byNumber.contains("PC Partner BV"))
                let all = try await admin.get("/admin/companies").body.string
                #expect(all.contains("PC Partner BV") && all.contains("Bytewise"))
                #expect(try await admin.get("/admin/companies?page=0").status == .badRequest)
                let jan = Browser(app)
                try await jan.login("jan@pcpartner.nl")
                #expect(try await jan.get("/admin/companies").status == .forbidden)
            }
        }

        @Test func aLoginIsDisabledEnabledAndInvitedAgainFromItsCompanysPage() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = Browser(app)
                try await admin.login("admin@retour.example")
                let company = try #require(try await Company.query(on: app.db).filter(\.$number == "100200").first())
                let companyID = try company.requireID()
                let piet = try #require(
                    try await User.query(on: app.db).filter(\.$email == "piet@pcpartner.nl").first())
                let pietID = try piet.requireID()
                let page = try await admin.get("/admin/companies/\(companyID)").body.string
                #expect(page.contains("jan@pcpartner.nl") && page.contains("piet@pcpartner.nl"))

                let signedIn = Browser(app)
                try await signedIn.login("piet@pcpartner.nl")
                #expect(try await signedIn.get("/status").status == .ok)
                let disabled = try await admin.post("/admin/companies/\(companyID)/users/\(pietID)/disable", [:])
                #expect(disabled.status == .seeOther)
                let after = try await admin.get(try #require(disabled.headers.first(name: .location))).body.string
                #expect(after.contains("piet@pcpartner.nl is uitgeschakeld en overal afgemeld."))
                #expect(try await User.find(pietID, on: app.db)?.active == false)
                #expect(try await signedIn.get("/status").status != .ok, "piet's session ended")

                #expect(
                    try await admin.post("/admin/companies/\(companyID)/users/\(pietID)/enable", [:]).status
                        == .seeOther)
                #expect(try await User.find(pietID, on: app.db)?.active == true)

                // An invitation goes again only to a login that never signed in.
                let mails = try await OutboxMail.query(on: app.db).count()
                #expect(
                    try await admin.post("/admin/companies/\(companyID)/users/\(pietID)/invite", [:]).status
                        == .notFound)
                let new = User(
                    email: "nieuw@pcpartner.nl", name: "Nieuw", passwordHash: AccountLinks.unusablePassword,
                    role: .resellerUser, companyID: companyID)
                try await new.create(on: app.db)
                let invited = try await admin.post(
                    "/admin/companies/\(companyID)/users/\(try new.requireID())/invite", [:])
                #expect(invited.status == .seeOther)
                #expect(try await OutboxMail.query(on: app.db).count() == mails + 1)

                // A login of another company is not reached through this company's address.
                let bytewise = try #require(
                    try await User.query(on: app.db).filter(\.$email == "inkoop@bytewise.nl").first())
                let other = try await admin.post(
                    "/admin/companies/\(companyID)/users/\(try bytewise.requireID())/disable", [:])
                #expect(other.status == .notFound)
                #expect(try await User.find(bytewise.id, on: app.db)?.active == true)
            }
        }
    }
}
