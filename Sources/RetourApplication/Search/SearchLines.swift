import Foundation
import RetourCore

/// Finding invoice lines by period or by one of the eight kinds of number, within what the user may
/// see (a reseller its own company, an agent every company): the JSON API and the search page ask
/// the same question and get the same answer.
public struct SearchLines: Sendable {
    public var store: any LineSearchStore
    public var scope: CompanyScope
    public var today: CalendarDay

    public init(store: any LineSearchStore, scope: CompanyScope, today: CalendarDay) {
        self.store = store
        self.scope = scope
        self.today = today
    }

    /// The search as typed, checked: every invalid field named at once, and nothing read.
    public func check(_ input: LineSearchInput) -> Result<LineSearch, ValidationErrors> {
        input.validated(today: today)
    }

    /// The page `input` asks for, or the refusal naming every invalid field.
    public func run(_ input: LineSearchInput) async throws -> LineSearchResult {
        switch check(input) {
        case .success(let search): return try await run(search)
        case .failure(let errors): throw Refusal.invalid(errors.errors)
        }
    }

    public func run(_ search: LineSearch) async throws -> LineSearchResult {
        try await store.search(search, scope: scope)
    }

    /// One line the user may see; another company's is not found, as if it did not exist.
    public func line(id: Int) async throws -> LineView {
        guard let line = try await store.line(id: id, scope: scope) else { throw Refusal.notFound() }
        return line
    }
}
