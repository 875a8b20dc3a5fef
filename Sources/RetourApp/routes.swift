import Fluent
import RetourApplication
import RetourCore
import Vapor

func routes(_ app: Application) throws {
    OperationsController.register(on: app)
    MetricsController.register(on: app)

    do {  // HTML pages: sessions, CSRF, the signed-in user
        let web = app.grouped(
            app.sessions.middleware, SessionUserMiddleware(), RightsGuard(), AnonymousBodyLimitMiddleware(),
            CSRFMiddleware())
        try web.register(collection: LoginController())
        try web.register(collection: PasswordController())
        try web.register(collection: OIDCController())
        web.get(PageRoute.language, use: LanguageController.switchLanguage)
        web.post(PageRoute.language, use: LanguageController.switchLanguage)

        // Visitors without a session go to the login page first; then one guard per role.
        let pages = RoleRoutes(web.grouped(RedirectToLoginMiddleware()))
        pages.signedIn.get(PageRoute.start, use: StartPage.show)
        try pages.signedIn.register(collection: SearchPageController())
        try pages.signedIn.register(collection: ReasonsFragmentController())
        try pages.register(FollowUpPageController())
        try pages.register(RegistrationPageController())
        try pages.register(CartPageController())
        try pages.register(ApprovalsController(surface: .pages))
        try pages.resellerAdmin.register(collection: SubLoginController())
        try pages.keyMakers.register(collection: IntegrationsPageController())
        try pages.signedIn.register(collection: AccountController())
        try pages.admin.register(collection: PolicyAdminController())
        try pages.admin.register(collection: ExclusionsPageController())
        try pages.admin.register(collection: CompaniesPageController())
        try pages.admin.register(collection: DistributorPageController())
        try pages.admin.register(collection: VendorTermsPageController())
        try pages.admin.register(collection: MailAdminController())
        try pages.admin.register(collection: WebhookAdminController())
        try pages.register(StatsController(surface: .pages))
        try pages.backOffice.register(collection: VendorClaimsPageController())
        try pages.backOffice.register(collection: RecoveryDashboardController())

        // The phone upload page: no login; the secret key in its address is the credential.
        try app.register(collection: PhoneUploadController())
    }

    do {  // JSON API v1: bearer tokens
        let api = app.grouped(
            BearerAuthenticator(), APIKeyScopeMiddleware(), RightsGuard(), AnonymousBodyLimitMiddleware())
        api.get(APIRoute.openAPI, use: OpenAPIController.document)
        try api.register(collection: TokenController())
        try api.register(collection: PasswordResetAPIController())
        let roles = RoleRoutes(api)
        try roles.admin.register(collection: ImportController(maximumBytes: app.config.importMaximumBytes))
        try roles.admin.register(collection: PolicyAPIController())
        try roles.signedIn.register(collection: LinesController())
        try roles.signedIn.register(collection: ReasonsAPIController())
        try roles.signedIn.register(collection: AttachmentsAPIController())
        try roles.reseller.register(collection: CartAPIController())
        try roles.register(RequestsAPIController())
        try roles.register(VendorRecoveryAPIController())
        try roles.register(ApprovalsController(surface: .api))
        try roles.register(APIKeysController())
        try roles.register(WebhooksController())
        try roles.register(StatsController(surface: .api))
        try roles.signedIn.register(collection: EventsController())
    }
}

extension Request {
    /// The browser sent a session cookie, but no one is signed in with it: the session has ended
    /// (idle too long, or signed out elsewhere), and the login page says so.
    var sessionExpired: Bool {
        !auth.has(User.self) && cookies[application.sessions.configuration.cookieName] != nil
    }
}

/// Sends anonymous visitors of a page to the login page, and back afterwards.
struct RedirectToLoginMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.auth.has(User.self) else {
            let target = request.url.path + (request.url.query.map { "?" + $0 } ?? "")
            return request.redirect(to: .login(next: target, expired: request.sessionExpired))
        }
        return try await next.respond(to: request)
    }
}

struct StartContent: Encodable {
    var waiting: String?
    var waitingLink: String?
}

/// `/`: the manual's start page with its three buttons for resellers; the distributor's staff land
/// on their own work — agents on the queue, administrators on the rules.
enum StartPage {
    @Sendable static func show(req: Request) async throws -> Response {
        let user = try req.requireUser()
        switch user.role {
        case .agent: return req.redirect(to: .backOffice)
        case .admin: return req.redirect(to: .adminPolicies())
        default:
            // A question of the agent waits for an answer: said first, with the way to it.
            var content = StartContent()
            if let company = user.companyID, user.rights.contains(.view) {
                let waiting = try await RequestQueries.waitingForAnswer(company: company, on: req.db)
                if waiting > 0 {
                    content.waiting = req.texts(
                        waiting == 1 ? "start.waitingForAnswer.one" : "start.waitingForAnswer.many",
                        ["count": "\(waiting)"])
                    content.waitingLink =
                        PageRoute.status.path() + "?status=" + RequestQueries.Conversation.waitingForAnswer.rawValue
                }
            }
            return try await req.renderPage("start", title: req.texts["start.title"], content: content)
        }
    }
}

enum LanguageController {
    /// Remembers the chosen language in a cookie and returns to the page the user came from. The
    /// signed-in user's own language (e-mails and the API answer in it) changes only by the form
    /// (POST, with its CSRF token): a link on another site can switch nobody's stored language.
    @Sendable static func switchLanguage(req: Request) async throws -> Response {
        guard let code = req.parameters.get("code"), let language = Language(rawValue: code) else {
            throw Refusal.notFound()
        }
        let back =
            safeLocalPath(req.method == .POST ? (try? req.content.get(String.self, at: "next")) : nil)
            ?? safeLocalPath(req.query[String.self, at: "next"]) ?? "/"
        if req.method == .POST, req.auth.has(User.self) { try await req.ownAccount().chooseLanguage(language) }
        let response = req.redirect(to: back)
        response.cookies["lang"] = HTTPCookies.Value(
            string: language.rawValue, maxAge: 60 * 60 * 24 * 365, path: "/", isHTTPOnly: true, sameSite: .lax)
        return response
    }
}

/// Only same-site paths are followed after login or a language switch, never another host.
/// The candidate is judged as a browser would read it: percent-decoded (repeatedly), with tabs,
/// newlines and other control characters removed, and backslashes read as slashes.
func safeLocalPath(_ candidate: String?) -> String? {
    guard let candidate, candidate.utf8.count < 2000 else { return nil }
    var decoded = candidate
    for _ in 0..<3 {
        guard let once = decoded.removingPercentEncoding, once != decoded else { break }
        decoded = once
    }
    let seenByBrowser = String(
        String.UnicodeScalarView(decoded.unicodeScalars.filter { !$0.properties.generalCategory.isControl })
    )
    .replacingOccurrences(of: "\\", with: "/")
    guard seenByBrowser.hasPrefix("/"), !seenByBrowser.hasPrefix("//"),
        !candidate.unicodeScalars.contains(where: { $0.properties.generalCategory.isControl }),
        !candidate.contains("\\"), candidate.hasPrefix("/"), !candidate.hasPrefix("//")
    else { return nil }
    return candidate
}

extension Unicode.GeneralCategory {
    fileprivate var isControl: Bool { self == .control || self == .format }
}
