import Fluent
import RetourApplication
import RetourCore
import Vapor

/// The "RMA-registratie" page: the search bar and the grouped result list.
struct SearchPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.search, use: show)
    }

    typealias Option = SelectOption

    struct Content: Encodable {
        var number: String
        var from: String
        var to: String
        var periods: [Option]
        var numberTypes: [Option]
        var kinds: [Option]
        var customPeriod: Bool
        var periodChosen: String
        var errors: [String: String]
        /// The result list, escaped HTML written by `SearchResultsHTML`.
        var results: String
        var summary: String
        var empty: Bool
        var previousPage: String?
        var nextPage: String?
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let t = req.texts
        var input = LineSearchInput(query: req)
        let today = req.today
        // The search bar always sends a period, the week it starts with included. A number search
        // ignores that default week, as the API does, unless the reseller chose a period.
        let periodChosen = req.query[String.self, at: "periodChosen"] == "1"
        if input.number?.trimmingWhitespace().isEmpty == false, !periodChosen,
            input.period == Period.default.rawValue
        {
            input.period = nil
        }
        // A first visit has no query: it shows the last week, as the manual's screenshot does.
        // The form sends its date fields empty; only a date typed there makes the range a free one.
        let givesDates = [input.from, input.to].contains { $0?.trimmingWhitespace().isEmpty == false }
        let rawPeriod = input.period ?? (givesDates ? "custom" : nil)
        let selectedPeriod = rawPeriod ?? (input.number?.isEmpty == false ? "" : Period.default.rawValue)

        var content = Content(
            number: input.number ?? "", from: input.from ?? "", to: input.to ?? "",
            periods: [Option(value: "", label: t["search.period.any"], selected: selectedPeriod.isEmpty)]
                + (Period.allCases.map(\.rawValue) + ["custom"]).map {
                    Option(value: $0, label: t["search.period.\($0)"], selected: $0 == selectedPeriod)
                },
            numberTypes: NumberType.allCases.map {
                Option(
                    value: $0.rawValue, label: t["search.numberType.\($0.rawValue)"],
                    selected: $0.rawValue == input.numberType)
            },
            kinds: DocumentKind.allCases.map {
                Option(
                    value: $0.rawValue, label: t["search.kind.\($0.rawValue)"],
                    selected: $0.rawValue == (input.kind ?? "invoice"))
            },
            customPeriod: selectedPeriod == "custom", periodChosen: periodChosen ? "1" : "", errors: [:], results: "",
            summary: "", empty: false)

        let lines = try req.searchLines()
        switch lines.check(input) {
        case .failure(let problems):
            for error in problems.errors where content.errors[error.field] == nil {
                content.errors[error.field] = error.message.text(req.texts)
            }
            return try await req.renderPage(
                "search", title: t["nav.registration"], nav: "search", content: content, status: .unprocessableEntity)
        case .success(let search):
            let result = try await lines.run(search)
            content.results = SearchResultsHTML(
                texts: t, canRegister: user.registersReturns,
                showsChooser: !user.role.belongsToCompany || user.registersReturns
            )
            .html(result.documents, kind: search.kind)
            content.empty = result.total == 0
            if !content.empty {
                let first = search.offset + 1
                let last = min(search.offset + search.per, result.total)
                content.summary = t(
                    "search.summary", ["first": "\(first)", "last": "\(last)", "total": "\(result.total)"])
            }
            if search.page > 1 { content.previousPage = pageLink(req, page: search.page - 1) }
            if search.offset + search.per < result.total { content.nextPage = pageLink(req, page: search.page + 1) }
            let response = try await req.renderPage(
                "search", title: t["nav.registration"], nav: "search", content: content)
            LastSearch.remember(req, in: response)
            return response
        }
    }

    private func pageLink(_ req: Request, page: Int) -> String {
        var components = URLComponents()
        components.path = PageRoute.search.path()
        var items = (URLComponents(string: req.url.string)?.queryItems ?? []).filter { $0.name != "page" }
        items.append(URLQueryItem(name: "page", value: String(page)))
        components.queryItems = items
        return components.string ?? PageRoute.search.path()
    }
}
