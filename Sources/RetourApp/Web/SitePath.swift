import Foundation
import RetourCore
import Vapor

/// Every page address the code writes — redirects, links and the phone link — built in one place.
/// The addresses `../shared/spec/api.md` lists as staying put (`/login`, `/search`, `/register/…`,
/// `/cart`, `/status`, `/archive`, `/users`) keep their names; a route's group in `routes.swift`
/// says who may open it.
enum SitePath: Equatable {
    case start
    case login(next: String? = nil)
    case search
    case cart
    case cartAddress(position: Int, updated: Bool)
    case cartAdded(position: Int, updated: Bool)
    case backOffice
    case adminPolicies(page: Int? = nil)
    case adminMails(page: Int? = nil)
    case users(page: Int? = nil)
    case request(String)
    case confirmation(String)
    case returnForm(String)
    case creditNote(String)
    case attachment(String)
    case phoneUpload(token: String, language: Language)
    case vendorClaim(String)
    case vendorTerms(brand: Int, saved: Bool)

    /// RFC 3986's unreserved characters.
    private static let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

    var path: String {
        func paged(_ base: String, _ page: Int?) -> String { page.map { "\(base)?page=\($0)" } ?? base }
        // Numbers and ids pass unchanged; anything else a path segment cannot hold is escaped.
        func escaped(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? ""
        }
        switch self {
        case .start: return "/"
        case .login(let next):
            return next.map { "/login?next=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")" }
                ?? "/login"
        case .search: return "/search"
        case .cart: return "/cart"
        case .cartAddress(let id, let updated): return "/cart/positions/\(id)/address" + (updated ? "?updated=1" : "")
        case .cartAdded(let id, let updated): return "/cart/positions/\(id)/added" + (updated ? "?updated=1" : "")
        case .backOffice: return "/backoffice"
        case .adminPolicies(let page): return paged("/admin/policies", page)
        case .adminMails(let page): return paged("/admin/mails", page)
        case .users(let page): return paged("/users", page)
        case .request(let number): return "/requests/\(escaped(number))"
        case .vendorClaim(let number): return "/backoffice/vendor-claims/\(escaped(number))"
        case .vendorTerms(let brand, let saved):
            return "/admin/brands/\(brand)/vendor-returns" + (saved ? "?saved=1" : "")
        case .confirmation(let number): return "/requests/\(escaped(number))/confirmation"
        case .returnForm(let number): return "/requests/\(escaped(number))/return-form.pdf"
        case .creditNote(let number): return "/requests/\(escaped(number))/credit-note.pdf"
        case .attachment(let id): return "/attachments/\(escaped(id))"
        case .phoneUpload(let token, let language): return "/m/\(escaped(token))?lang=\(language.rawValue)"
        }
    }
}

extension Request {
    func redirect(to site: SitePath) -> Response { redirect(to: site.path) }
}
