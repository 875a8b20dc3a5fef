import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The administrator's page for what is excluded from returns: per reason the article kinds,
/// special orders and non-returnable articles, and single articles by their number. Each change is
/// a new version of the rules in force from today (`ChangeExclusions`), audited like any other.
struct ExclusionsPageController: RouteCollection {
    static let articlesPerPage = 50

    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.adminExclusions, use: show)
        routes.post(PageRoute.adminExclusions, use: saveReasons)
        routes.post(PageRoute.adminExclusionsArticles, use: excludeArticle)
        routes.post(PageRoute.adminExclusionsArticleRemove, use: includeArticle)
    }

    struct Column: Encodable {
        var id: String
        var label: String
    }

    struct Cell: Encodable {
        var name: String
        var column: String
        var checked: Bool
    }

    struct ReasonRow: Encodable {
        var id: String
        var label: String
        var cells: [Cell]
    }

    struct ArticleRow: Encodable {
        var number: String
        var description: String
        var brand: String
    }

    struct Content: Encodable {
        var version: Int
        var columns: [Column]
        var reasons: [ReasonRow]
        var articles: [ArticleRow]
        var articleCount: Int
        var article: String
        var articleError: String?
        var errors: [String]
        var notice: String?
        var previousPage: String?
        var nextPage: String?
    }

    /// The form's columns: one per article kind, then special orders and non-returnable articles.
    static let kindColumns = ArticleKind.allCases.map { "kind_\($0.rawValue)" }
    static let otherColumns = ["specialOrders", "nonReturnable"]

    static func field(_ column: String, _ reason: ReasonID) -> String { "\(column).\(reason.rawValue)" }

    /// The heading of a kind's column (a kind added to the core must be named here).
    static func label(_ kind: ArticleKind) -> String {
        switch kind {
        case .hardware: return "admin.exclusions.kind.hardware"
        case .software: return "admin.exclusions.kind.software"
        case .licence: return "admin.exclusions.kind.licence"
        case .threeDPrinter: return "admin.exclusions.kind.3d_printer"
        }
    }

    static let otherLabels = [
        "specialOrders": "admin.exclusions.specialOrders", "nonReturnable": "admin.exclusions.nonReturnable",
    ]

    @Sendable func show(req: Request) async throws -> Response {
        let saved = try req.boundedQuery("saved", in: 1...Int(Int32.max), default: 0)
        let notice = saved > 0 ? req.texts("admin.exclusions.saved", ["version": "\(saved)"]) : nil
        return try await render(req, notice: notice)
    }

    @Sendable func saveReasons(req: Request) async throws -> Response {
        let fields = try req.content.decode([String: String].self)
        // A box is ticked ("1") or left out; anything else was not sent by this page.
        let boxes = Set(
            ReasonID.allCases.flatMap { reason in
                (Self.kindColumns + Self.otherColumns).map { Self.field($0, reason) }
            })
        if fields.contains(where: { boxes.contains($0.key) && $0.value != "1" }) {
            return try await render(
                req, typed: fields,
                errors: [FieldError("exclusions", message: Message("exclusions.aBoxIsTickedOrNot"))],
                status: .unprocessableEntity)
        }
        var exclusions: [ReasonID: ChangeExclusions.ReasonExclusions] = [:]
        for reason in ReasonID.allCases {
            func on(_ column: String) -> Bool { fields[Self.field(column, reason)] == "1" }
            exclusions[reason] = .init(
                kinds: Set(ArticleKind.allCases.filter { on("kind_\($0.rawValue)") }),
                specialOrders: on("specialOrders"), nonReturnable: on("nonReturnable"))
        }
        return try await publish(req, .reasons(exclusions), typed: fields)
    }

    struct ArticleForm: Decodable {
        var article: String?
    }

    @Sendable func excludeArticle(req: Request) async throws -> Response {
        let form = try req.content.decode(ArticleForm.self)
        return try await publish(req, .excludeArticle(form.article ?? ""), article: form.article ?? "")
    }

    @Sendable func includeArticle(req: Request) async throws -> Response {
        let form = try req.content.decode(ArticleForm.self)
        return try await publish(req, .includeArticle(form.article ?? ""))
    }

    private func publish(
        _ req: Request, _ change: ChangeExclusions.Change, typed: [String: String]? = nil, article: String = ""
    ) async throws -> Response {
        let admin = try req.requireUser()
        do {
            let published = try await ChangeExclusions(
                store: req.rulesStore, actorID: try admin.requireID(), now: req.now, today: req.today
            ).run(change)
            return req.redirect(to: .adminExclusions(saved: published.version))
        } catch let refusal as Refusal where !refusal.errors.isEmpty {
            return try await render(
                req, typed: typed, article: article, errors: refusal.errors, status: .unprocessableEntity)
        }
    }

    private func render(
        _ req: Request, typed: [String: String]? = nil, article: String = "", errors: [FieldError] = [],
        notice: String? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let t = req.texts
        let (version, policy) = try await PolicyStore.current(on: req.db, day: req.today)
        let columns =
            ArticleKind.allCases.map { Column(id: "kind_\($0.rawValue)", label: t[Self.label($0)]) }
            + Self.otherColumns.map { Column(id: $0, label: t[Self.otherLabels[$0] ?? $0]) }
        let reasons = Reason.catalogue.map { reason in
            let rules = policy[reason.id]
            func stored(_ column: String) -> Bool {
                switch column {
                case "specialOrders": return rules.excludeSpecialOrders
                case "nonReturnable": return rules.excludeNonReturnable
                default: return rules.excludedKinds.contains { "kind_\($0.rawValue)" == column }
                }
            }
            return ReasonRow(
                id: reason.id.rawValue, label: reason.label.text(t),
                cells: columns.map { column in
                    let name = Self.field(column.id, reason.id)
                    return Cell(
                        name: name, column: column.id,
                        checked: typed.map { $0[name] == "1" } ?? stored(column.id))
                })
        }
        let excluded = (policy.excludedArticles ?? []).sorted()
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let shown = Array(excluded.dropFirst((page - 1) * Self.articlesPerPage).prefix(Self.articlesPerPage))
        let known = try await PolicyQueries(database: req.db).articles(shown)
        let byNumber = Dictionary(known.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
        let articles = shown.map {
            ArticleRow(
                number: $0, description: byNumber[$0]?.description ?? "", brand: byNumber[$0]?.brand.name ?? "")
        }
        let pages = max(1, (excluded.count + Self.articlesPerPage - 1) / Self.articlesPerPage)
        let content = Content(
            version: version, columns: columns, reasons: reasons, articles: articles, articleCount: excluded.count,
            article: article, articleError: errors.first { $0.field == "article" }?.message.text(t),
            errors: errors.filter { $0.field != "article" }.map { $0.message.text(t) }, notice: notice,
            previousPage: page > 1 ? SitePath.adminExclusions(page: page - 1).path : nil,
            nextPage: pages > page ? SitePath.adminExclusions(page: page + 1).path : nil)
        return try await req.renderPage(
            "exclusions", title: t["admin.exclusions.title"], nav: "exclusions", content: content, status: status)
    }
}
