import Fluent
import RetourCore
import Vapor

/// What every page's layout needs, plus the page's own content.
struct Page<Content: Encodable>: Encodable {
    let lang: String
    let otherLang: String
    let here: String
    /// For a page that answers a form (a POST), the address of the page the form was on. The page
    /// reaches the browser after a redirect to a one-time address (`FormAnswerMiddleware`); the
    /// browser puts this one in its place in the history, so that Reload shows that page afresh.
    let canonical: String?
    let title: String
    let nav: String
    let csrf: String
    let user: SignedInUser?
    let content: Content
}

struct SignedInUser: Encodable {
    let name: String
    let email: String
    let role: String
    let companyName: String?
    let managesSubLogins: Bool
    /// The reseller's rights, so that the menu offers only what the login may open.
    let mayView: Bool
    let mayRegister: Bool
    let mayApprove: Bool
    /// Positions in the reseller's own cart, shown beside its menu entry.
    let cartCount: Int
}

struct NoContent: Encodable {}

/// One entry of a `<select>` or a group of radio buttons.
struct SelectOption: Encodable {
    var value: String
    var label: String
    var selected: Bool
}

extension Request {
    /// Renders `template` inside the layout with the texts of the request's language.
    func renderPage<Content: Encodable>(
        _ template: String, title: String, nav: String = "", content: Content, status: HTTPStatus = .ok
    ) async throws -> Response {
        let texts = self.texts
        // Every `#t` of the page asks for the reader's language: settled once here, not worked out
        // again from the cookies and the user for each of them.
        storage[ChosenLanguageKey.self] = texts.language
        var signedIn: SignedInUser?
        if let user = auth.get(User.self) {
            let company = try await LoginQueries(database: db).company(of: user)
            let mayRegister = user.rights.contains(.register)
            let cartCount =
                user.role.belongsToCompany && mayRegister
                ? try await CartQueries(database: db).cartCount(of: user.requireID()) : 0
            signedIn = SignedInUser(
                name: user.name, email: user.email, role: user.role.rawValue, companyName: company?.name,
                managesSubLogins: user.role.managesSubLogins, mayView: user.rights.contains(.view),
                mayRegister: mayRegister,
                // The queue appears once the company asks for approvals at all.
                mayApprove: user.role.belongsToCompany && user.rights.contains(.approve)
                    && company?.submitApproval != SubmitApproval.none, cartCount: cartCount)
        }
        let canonical = method == .POST ? referringPage : nil
        let page = Page(
            lang: texts.language.rawValue,
            otherLang: texts.language == .nl ? "en" : "nl",
            here: (canonical ?? (url.path + (url.query.map { "?" + $0 } ?? ""))).addingPercentEncoding(
                withAllowedCharacters: .alphanumerics) ?? "/",
            canonical: canonical,
            title: title, nav: nav, csrf: csrfToken(), user: signedIn, content: content)
        let view = try await self.view.render(template, page)
        let response = try await view.encodeResponse(status: status, for: self)
        response.headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
        if let token = newAnonymousCSRFToken {
            response.cookies[CSRFMiddleware.cookieName] = HTTPCookies.Value(
                string: token, maxAge: 60 * 60 * 12, path: "/", isSecure: application.config.secureCookies,
                isHTTPOnly: true, sameSite: .strict)
        }
        return response
    }
}

extension Request {
    /// The page of this site the request came from (its path and query from `Referer`, still
    /// percent-encoded as they travelled, so that a `%26` in a value stays one), if any.
    var referringPage: String? {
        safeLocalPath(
            headers.first(name: .referer).flatMap { URLComponents(string: $0) }
                .map { $0.percentEncodedPath + ($0.percentEncodedQuery.map { "?" + $0 } ?? "") })
    }
}
