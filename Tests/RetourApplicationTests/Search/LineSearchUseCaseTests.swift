import Foundation
import RetourApplication
import RetourCore
import Testing

/// Lines of two companies as plain values; every question the search asks is written down.
actor InMemoryLineSearchStore: LineSearchStore {
    var lines: [(company: Int, line: LineView)] = []
    private(set) var asked: [(LineSearch, CompanyScope)] = []

    func add(_ line: LineView, of company: Int) { lines.append((company, line)) }

    func search(_ search: LineSearch, scope: CompanyScope) async throws -> LineSearchResult {
        asked.append((search, scope))
        let visible = lines.filter { scope.allows($0.company) }.map(\.line)
            .filter { line in search.number.map { $0.uppercased() == line.invoice.uppercased() } ?? true }
        let documents = Dictionary(grouping: visible, by: \.invoice).sorted { $0.key < $1.key }.map {
            DocumentView(kind: "invoice", number: $0.key, date: $0.value[0].invoiceDate, lines: $0.value)
        }
        return LineSearchResult(documents: documents, page: search.page, per: search.per, total: visible.count)
    }

    func line(id: Int, scope: CompanyScope) async throws -> LineView? {
        lines.first { $0.line.id == id && scope.allows($0.company) }?.line
    }
}

/// The search the API and the page share: what is typed is checked before anything is read, and a
/// reseller finds its own company's lines only.
@Suite struct LineSearchUseCaseTests {
    static let today = CalendarDay(iso: "2026-03-16")!

    static func line(_ id: Int, invoice: String) -> LineView {
        LineView(
            id: id, invoice: invoice, invoiceDate: "2026-03-12", position: 1, article: "A-\(id)", description: "Webcam",
            brand: "Logitech", manufacturerModel: nil, ean: nil, quantity: 2, claimableQuantity: 2,
            unitPrice: Money(cents: 4_990), netAmount: Money(cents: 9_980), currency: "EUR", customerOrderNumber: nil,
            customerItemNumber: nil, deliveryNote: nil, deliveryDate: nil, order: nil, orderDate: nil,
            deliveryAddress: nil, serials: [], claimableSerials: [])
    }

    static func world() async -> InMemoryLineSearchStore {
        let store = InMemoryLineSearchStore()
        await store.add(line(1, invoice: "F-100"), of: 7)
        await store.add(line(2, invoice: "F-100"), of: 7)
        await store.add(line(3, invoice: "F-200"), of: 8)
        return store
    }

    @Test func everyMistakeIsNamedAtOnceAndNothingIsRead() async throws {
        let store = await Self.world()
        let search = SearchLines(store: store, scope: .company(7), today: Self.today)
        let refusal = await #expect(throws: Refusal.self) {
            try await search.run(LineSearchInput(number: "F-100", numberType: "colour", page: "-1"))
        }
        #expect(Set(refusal?.errors.map(\.field) ?? []) == ["numberType", "page"])
        #expect(await store.asked.isEmpty)
    }

    @Test func aResellerFindsItsOwnCompanysLinesOnly() async throws {
        let store = await Self.world()
        let search = SearchLines(store: store, scope: .company(7), today: Self.today)
        let found = try await search.run(LineSearchInput(number: "f-100", numberType: "invoice"))
        #expect(found.documents.map(\.number) == ["F-100"])
        #expect(found.documents.flatMap(\.lines).map(\.id) == [1, 2])
        #expect(try await search.run(LineSearchInput(number: "F-200", numberType: "invoice")).total == 0)
        #expect(await store.asked.map(\.1) == [.company(7), .company(7)])
        #expect(try await search.line(id: 1).invoice == "F-100")
        await #expect(throws: Refusal.self, "another company's line is not found") { try await search.line(id: 3) }

        let agent = SearchLines(store: store, scope: .allCompanies, today: Self.today)
        #expect(try await agent.line(id: 3).invoice == "F-200")
    }

    @Test func aSearchWithoutPeriodOrNumberCoversTheLastWeek() async throws {
        let store = await Self.world()
        let search = SearchLines(store: store, scope: .company(7), today: Self.today)
        _ = try await search.run(LineSearchInput())
        let asked = try #require(await store.asked.first?.0)
        #expect(asked.dates == Self.today.adding(days: -7)...Self.today)
        #expect(asked.page == 1)
    }
}
