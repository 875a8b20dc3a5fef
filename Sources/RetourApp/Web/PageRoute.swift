import Foundation
import Vapor

/// Every address of the pages, one case per route: the pattern is written here once and used to
/// register the route (`get(.request, use:)`), to build links and redirects (`SitePath`) and in the
/// views (`#route("request", number)`). `RouteTests` check that the app registers exactly these.
enum PageRoute: String, RoutePattern, Sendable {
    static let surface = Surface.pages

    case start = "/"
    case login = "/login"
    case logout = "/logout"
    case oidcLogin = "/login/oidc"
    case oidcCallback = "/login/oidc/callback"
    case passwordForgot = "/password/forgot"
    case passwordReset = "/password/reset/:token"
    case language = "/lang/:code"
    case account = "/account"
    case accountSessionsEnd = "/account/sessions/end"
    case accountKeyRevoke = "/account/keys/:id/revoke"

    case search = "/search"
    case lineReasons = "/search/lines/:id/reasons"
    case register = "/register/:line"
    case registerMaterial = "/register/:line/material"
    case registerUploads = "/register/uploads/:token"
    case attachment = "/attachments/:id"
    case phoneUpload = "/m/:token"
    case cart = "/cart"
    case cartPositionAddress = "/cart/positions/:id/address"
    case cartPositionAdded = "/cart/positions/:id/added"
    case cartPositionDelete = "/cart/positions/:id/delete"
    case cartSubmit = "/cart/submit"
    case cartBulk = "/cart/bulk"
    case cartBulkTemplate = "/cart/bulk-template.csv"
    case approvals = "/approvals"
    case approval = "/approvals/:id"

    case status = "/status"
    case archive = "/archive"
    case request = "/requests/:number"
    case requestConfirmation = "/requests/:number/confirmation"
    case requestCreditNote = "/requests/:number/credit-note.pdf"
    case requestCreditNoteXML = "/requests/:number/credit-note.xml"
    case requestReturnForm = "/requests/:number/return-form.pdf"
    case requestMessages = "/requests/:number/messages"
    case requestExtend = "/requests/:number/extend"
    case requestDecision = "/requests/:number/decision"
    case requestReceipt = "/requests/:number/receipt"
    case requestCredit = "/requests/:number/credit"
    case requestClose = "/requests/:number/close"
    case requestDisposition = "/requests/:number/disposition"
    case requestReplacement = "/requests/:number/replacement"

    case backOffice = "/backoffice"
    case stats = "/backoffice/stats"
    case statsCSV = "/backoffice/stats.csv"
    case recovery = "/backoffice/recovery"
    case recoveryCSV = "/backoffice/recovery.csv"
    case vendorClaims = "/backoffice/vendor-claims"
    case vendorClaim = "/backoffice/vendor-claims/:number"
    case vendorClaimSend = "/backoffice/vendor-claims/:number/send"
    case vendorClaimCredit = "/backoffice/vendor-claims/:number/credit"
    case vendorClaimWriteOff = "/backoffice/vendor-claims/:number/write-off"
    case vendorClaimPacket = "/backoffice/vendor-claims/:number/packet.zip"
    case vendorClaimPackingList = "/backoffice/vendor-claims/:number/packing-list.pdf"

    case users = "/users"
    case userDisable = "/users/:id/disable"
    case userEnable = "/users/:id/enable"
    case userResetPassword = "/users/:id/reset-password"
    case userInvite = "/users/:id/invite"
    case userRights = "/users/:id/rights"
    case usersApproval = "/users/approval"
    case integrations = "/integrations"
    case integrationKeys = "/integrations/keys"
    case integrationKeyRevoke = "/integrations/keys/:id/revoke"
    case integrationWebhooks = "/integrations/webhooks"
    case integrationWebhook = "/integrations/webhooks/:id"
    case integrationWebhookRotate = "/integrations/webhooks/:id/rotate"
    case integrationWebhookDelete = "/integrations/webhooks/:id/delete"
    case integrationWebhookRetry = "/integrations/webhooks/:id/deliveries/:delivery/retry"

    case adminPolicies = "/admin/policies"
    case adminPoliciesWhatIf = "/admin/policies/what-if"
    case adminExclusions = "/admin/exclusions"
    case adminExclusionsArticles = "/admin/exclusions/articles"
    case adminExclusionsArticleRemove = "/admin/exclusions/articles/remove"
    case adminBrand = "/admin/brands/:id"
    case adminVendorTerms = "/admin/brands/:id/vendor-returns"
    case adminDistributor = "/admin/distributor"
    case adminCompanies = "/admin/companies"
    case adminCompany = "/admin/companies/:id"
    case adminCompanyUserDisable = "/admin/companies/:id/users/:user/disable"
    case adminCompanyUserEnable = "/admin/companies/:id/users/:user/enable"
    case adminCompanyUserInvite = "/admin/companies/:id/users/:user/invite"
    case adminMails = "/admin/mails"
    case adminMailResend = "/admin/mails/:id/resend"
    case adminWebhooks = "/admin/webhooks"
    case adminWebhookRetry = "/admin/webhooks/:id/deliveries/:delivery/retry"
}

/// A route's address pattern (`/requests/:number`), read both ways: as the components a route is
/// registered with, and filled with values into an address.
protocol RoutePattern: RawRepresentable, CaseIterable where RawValue == String {
    /// Who the routes of this enum answer; every route registered with one carries it.
    static var surface: Surface { get }
}

extension RoutePattern {
    var components: [PathComponent] { rawValue.pathComponents }

    /// The names of the pattern's parameters, in order.
    var parameters: [String] {
        rawValue.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
    }

    /// The address with `values` in place of the parameters, in order; each value escaped as one
    /// path segment. The count is the pattern's (a view that passes another count fails its test).
    func path(_ values: [String]) throws -> String {
        guard values.count == parameters.count else {
            throw RouteMisuse(description: "\(self) takes \(parameters.count) values, not \(values.count)")
        }
        var remaining = values[...]
        let segments = rawValue.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            guard segment.hasPrefix(":"), let value = remaining.popFirst() else { return String(segment) }
            return value.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? ""
        }
        return segments.joined(separator: "/")
    }

    /// The address with the values written where the call is: a wrong count is a programming error.
    func path(_ values: String...) -> String {
        // The count is known where the call is written; a wrong count is a programming error.
        do { return try path(values) } catch { preconditionFailure("\(error)") }
    }

    /// The part of the address before its first parameter (`/password/reset/`).
    var fixedPrefix: String {
        rawValue.range(of: "/:").map { String(rawValue[..<$0.lowerBound]) + "/" } ?? rawValue
    }

    /// Whether a registered route is this one.
    func matches(_ route: Route) -> Bool {
        route.path.map(\.description) == components.map(\.description)
    }

    /// The case of this name, as a view writes it (`#route("request", …)`).
    static func named(_ name: String) -> Self? { allCases.first { "\($0)" == name } }

    /// RFC 3986's unreserved characters.
    private static var unreserved: CharacterSet { CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~")) }
}

struct RouteMisuse: Error, CustomStringConvertible {
    var description: String
}

extension RoutesBuilder {
    @discardableResult
    func get<R: RoutePattern, Response: AsyncResponseEncodable>(
        _ route: R, use handler: @escaping @Sendable (Request) async throws -> Response
    ) -> Route {
        on(.GET, route, use: handler)
    }

    @discardableResult
    func post<R: RoutePattern, Response: AsyncResponseEncodable>(
        _ route: R, use handler: @escaping @Sendable (Request) async throws -> Response
    ) -> Route {
        on(.POST, route, use: handler)
    }

    @discardableResult
    func put<R: RoutePattern, Response: AsyncResponseEncodable>(
        _ route: R, use handler: @escaping @Sendable (Request) async throws -> Response
    ) -> Route {
        on(.PUT, route, use: handler)
    }

    @discardableResult
    func delete<R: RoutePattern, Response: AsyncResponseEncodable>(
        _ route: R, use handler: @escaping @Sendable (Request) async throws -> Response
    ) -> Route {
        on(.DELETE, route, use: handler)
    }

    /// The one place a route of a pattern is registered: with its surface.
    @discardableResult
    func on<R: RoutePattern, Response: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ route: R, body: HTTPBodyStreamStrategy = .collect,
        use handler: @escaping @Sendable (Request) async throws -> Response
    ) -> Route {
        let registered = on(method, route.components, body: body, use: handler)
        registered.userInfo[Surface.userInfoKey] = R.surface
        return registered
    }
}
