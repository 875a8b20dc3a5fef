import Foundation
import RetourApplication
import RetourCore
import Testing

/// An import on plain values: all or nothing, every error with its pointer, the invoices a chunk
/// at a time, an API key's limits, and the logins whose rights or password changed signed out.
@Suite struct ImportDataUseCaseTests {
    static func document(
        users: String =
            #"[{"email": "jan@pcpartner.nl", "name": "Jan", "company": "100200", "role": "reseller_admin"}]"#,
        invoices: [String] = [Self.invoice("F1")]
    ) -> Data {
        Data(
            """
            {"companies": [{"number": "100200", "name": "PC Partner BV"}],
             "users": \(users),
             "brands": [{"name": "LOGITECH", "warrantyMonths": 24, "warrantyHandling": "credit", "doaHandling": "credit"}],
             "articles": [{"number": "1948782", "description": "Webcam", "brand": "LOGITECH", "serialised": false,
                           "kind": "hardware"}],
             "invoices": [\(invoices.joined(separator: ","))]}
            """.utf8)
    }

    static func invoice(_ number: String, company: String = "100200") -> String {
        """
        {"number": "\(number)", "company": "\(company)", "date": "2026-03-02",
         "lines": [{"position": 1, "article": "1948782", "quantity": 2, "unitPrice": "71.50"}]}
        """
    }

    static func importing(_ store: InMemoryImportStore, resellersOnly: Bool = false) -> ImportData {
        ImportData(store: store, hashPassword: { "bcrypt(\($0))" }, resellerUsersOnly: resellersOnly)
    }

    @Test func aDocumentIsStoredWholeItsInvoicesAChunkAtATime() async throws {
        let store = InMemoryImportStore()
        let invoices = (1...(ImportData.invoicesPerChunk + 3)).map { Self.invoice("F\($0)") }
        let counts = try await Self.importing(store).run(.data(Self.document(invoices: invoices)))
        #expect(counts.companies == 1 && counts.users == 1 && counts.articles == 1)
        #expect(counts.invoices == invoices.count && counts.lines == invoices.count)
        let state = await store.state
        #expect(state.writes == 3, "the master data, then two chunks of invoices")
        #expect(state.bulkLoads == 1, "an empty history is loaded in bulk")
        #expect(state.statisticsRefreshed == [true])
        #expect(state.invited == ["jan@pcpartner.nl"], "a login without a password is invited")
        let again = try await Self.importing(store).run(.data(Self.document()))
        #expect(again.invoices == 1)
        #expect(await store.state.bulkLoads == 1, "a second import is no bulk load")
    }

    @Test func anyWrongRecordStoresNothingAndEveryErrorHasItsPointer() async throws {
        let store = InMemoryImportStore()
        let document = Self.document(invoices: [Self.invoice("F1"), Self.invoice("F2", company: "999999")])
        let failure = await #expect(throws: ImportData.Failure.self) {
            try await Self.importing(store).run(.data(document))
        }
        guard case .invalid(let errors) = failure else {
            Issue.record("invalid, not \(String(describing: failure))")
            return
        }
        #expect(errors.map(\.pointer.description) == ["/invoices/1/company"])
        let state = await store.state
        #expect(state.companies.isEmpty && state.invoices.isEmpty && state.logins.isEmpty, "all or nothing")
        await #expect(throws: ImportData.Failure.self) {
            try await Self.importing(store).run(.data(Data(#"{"companies": [{"#.utf8)))
        }
    }

    @Test func anAPIKeyImportsResellerLoginsOnly() async throws {
        let store = InMemoryImportStore()
        await store.addLogin("rma@retour.example", id: 1, role: .agent, company: nil, password: nil)
        for users in [
            #"[{"email": "new@retour.example", "name": "New", "role": "admin"}]"#,
            #"[{"email": "rma@retour.example", "name": "RMA", "company": "100200", "role": "reseller_user"}]"#,
        ] {
            let failure = await #expect(throws: ImportData.Failure.self) {
                try await Self.importing(store, resellersOnly: true).run(.data(Self.document(users: users)))
            }
            guard case .beyondTheKey = failure else {
                Issue.record("beyond the key: \(users)")
                continue
            }
        }
        #expect(await store.state.companies.isEmpty)
        _ = try await Self.importing(store, resellersOnly: true).run(.data(Self.document()))
    }

    @Test func aChangedPasswordOrRoleSignsTheLoginOutAndAnUnchangedOneCostsNoHash() async throws {
        let store = InMemoryImportStore()
        await store.addLogin("jan@pcpartner.nl", id: 7, role: .resellerAdmin, company: nil, password: "old password 1")
        func users(role: String, password: String) -> String {
            #"[{"email": "jan@pcpartner.nl", "name": "Jan", "company": "100200", "role": "\#(role)", "password": "\#(password)"}]"#
        }
        _ = try await Self.importing(store).run(
            .data(Self.document(users: users(role: "reseller_admin", password: "old password 1"))))
        #expect(await store.state.sessionsEnded.isEmpty, "sent again unchanged: nothing changes")
        _ = try await Self.importing(store).run(
            .data(Self.document(users: users(role: "reseller_admin", password: "new password 2"))))
        #expect(await store.state.sessionsEnded == [7])
        #expect(await store.state.logins["jan@pcpartner.nl"]?.passwordHash == "bcrypt(new password 2)")
        _ = try await Self.importing(store).run(
            .data(Self.document(users: users(role: "reseller_user", password: "new password 2"))))
        #expect(await store.state.sessionsEnded == [7, 7], "a new role signs out too")
        #expect(await store.state.invited.isEmpty, "a login with a password is not invited")
    }
}
