import Foundation
import RetourCore
import Vapor

/// The page addresses the code links and redirects to, with their values and query typed; the
/// paths themselves are `PageRoute`'s patterns. The addresses `../shared/spec/api.md` lists as
/// staying put (`/login`, `/search`, `/register/…`, `/cart`, `/status`, `/archive`, `/users`) keep
/// their names; a route's group in `routes.swift` says who may open it.
enum SitePath: Equatable {
    case start
    /// `expired`: the visitor came with a session that has ended, and the page says so.
    case login(next: String? = nil, expired: Bool = false)
    case search
    case cart
    case cartAddress(position: Int, updated: Bool)
    case cartAdded(position: Int, updated: Bool)
    case backOffice
    case adminPolicies(page: Int? = nil)
    case adminMails(page: Int? = nil)
    /// `saved`: the version a change of the exclusions just published.
    case adminExclusions(saved: Int? = nil, page: Int? = nil)
    case adminCompanies(query: String = "", page: Int? = nil)
    /// `done`: what was just done to the login `user` (disabled, enabled, invited).
    case adminCompany(Int, done: String? = nil, user: Int? = nil, page: Int? = nil)
    case users(page: Int? = nil)
    case request(String)
    case confirmation(String)
    case returnForm(String)
    case creditNote(String)
    case attachment(String)
    case phoneUpload(token: String, language: Language)
    case vendorClaim(String)
    case vendorTerms(brand: Int, saved: Bool)

    var path: String {
        func paged(_ route: PageRoute, _ page: Int?) -> String {
            page.map { "\(route.path())?page=\($0)" } ?? route.path()
        }
        switch self {
        case .start: return PageRoute.start.path()
        case .login(let next, let expired):
            var query =
                next.map { ["next=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")"] } ?? []
            if expired { query.append("expired=1") }
            return PageRoute.login.path() + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        case .search: return PageRoute.search.path()
        case .cart: return PageRoute.cart.path()
        case .cartAddress(let id, let updated):
            return PageRoute.cartPositionAddress.path("\(id)") + (updated ? "?updated=1" : "")
        case .cartAdded(let id, let updated):
            return PageRoute.cartPositionAdded.path("\(id)") + (updated ? "?updated=1" : "")
        case .backOffice: return PageRoute.backOffice.path()
        case .adminPolicies(let page): return paged(.adminPolicies, page)
        case .adminMails(let page): return paged(.adminMails, page)
        case .adminCompanies(let query, let page):
            let parts = [
                query.isEmpty
                    ? nil : "q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")",
                page.map { "page=\($0)" },
            ].compactMap { $0 }
            return PageRoute.adminCompanies.path() + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
        case .adminCompany(let id, let done, let user, let page):
            let parts = [done.map { "done=\($0)" }, user.map { "user=\($0)" }, page.map { "page=\($0)" }]
                .compactMap { $0 }
            return PageRoute.adminCompany.path("\(id)") + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
        case .adminExclusions(let saved, let page):
            let query = [saved.map { "saved=\($0)" }, page.map { "page=\($0)" }].compactMap { $0 }
            return PageRoute.adminExclusions.path() + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        case .users(let page): return paged(.users, page)
        case .request(let number): return PageRoute.request.path(number)
        case .vendorClaim(let number): return PageRoute.vendorClaim.path(number)
        case .vendorTerms(let brand, let saved):
            return PageRoute.adminVendorTerms.path("\(brand)") + (saved ? "?saved=1" : "")
        case .confirmation(let number): return PageRoute.requestConfirmation.path(number)
        case .returnForm(let number): return PageRoute.requestReturnForm.path(number)
        case .creditNote(let number): return PageRoute.requestCreditNote.path(number)
        case .attachment(let id): return PageRoute.attachment.path(id)
        case .phoneUpload(let token, let language):
            return PageRoute.phoneUpload.path(token) + "?lang=\(language.rawValue)"
        }
    }
}

extension Request {
    func redirect(to site: SitePath) -> Response { redirect(to: site.path) }
}
