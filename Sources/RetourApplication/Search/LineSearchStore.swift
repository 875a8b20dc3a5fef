import Foundation
import RetourCore

/// What the search needs from storage; its implementation is the only code that reads the lines
/// for it.
public protocol LineSearchStore: Sendable {
    /// The page of `search` within `scope`, with the number of all its matches.
    func search(_ search: LineSearch, scope: CompanyScope) async throws -> LineSearchResult
    /// One line, if `scope` may see it.
    func line(id: Int, scope: CompanyScope) async throws -> LineView?
}
