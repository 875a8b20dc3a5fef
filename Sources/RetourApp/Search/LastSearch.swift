import Foundation
import Vapor

/// The reseller's last search, kept in a cookie of the browser (not the session, so a search writes
/// nothing on the server), so that "Meer posities toevoegen" returns to those results.
enum LastSearch {
    static let cookieName = "retour_last_search"
    /// The search page's own parameters: nothing else is carried back.
    static let parameters: Set<String> = [
        "number", "numberType", "period", "from", "to", "kind", "page", "periodChosen",
    ]
    static let maximumLength = 1_000

    static func remember(_ req: Request, in response: Response) {
        guard let query = req.url.query, !query.isEmpty, query.count <= maximumLength,
            let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)
        else { return }
        response.cookies[cookieName] = HTTPCookies.Value(
            string: encoded, maxAge: 12 * 3_600, path: "/", isSecure: req.application.config.secureCookies,
            isHTTPOnly: true, sameSite: .lax)
    }

    /// The search page with the last search's parameters, or the search page itself.
    static func address(_ req: Request) -> String {
        let search = PageRoute.search.path()
        guard let stored = req.cookies[cookieName]?.string, stored.count <= 3 * maximumLength,
            let query = stored.removingPercentEncoding,
            let items = URLComponents(string: "?" + query)?.queryItems?.filter({ parameters.contains($0.name) }),
            !items.isEmpty
        else { return search }
        var components = URLComponents()
        components.path = search
        components.queryItems = items
        return components.string ?? search
    }
}
