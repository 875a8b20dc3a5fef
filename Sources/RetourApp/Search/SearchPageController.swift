import Fluent
import RetourCore
import Vapor

/// The "RMA-registratie" page: the search bar and the grouped result list.
struct SearchPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("search", use: show)
    }

    typealias Option = SelectOption

    struct Row: Encodable {
        var id: Int
        var deliveryNote: String
        var order: String
        var position: Int
        var article: String
        var manufacturerModel: String
        var brand: String
        var description: String
        var quantity: Int
        var customerOrderNumber: String
        var customerItemNumber: String
        var ean: String
        var price: String
        var deliveryDate: String
        var deliveryAddress: String
        var serials: [String]
    }

    struct Group: Encodable {
        var header: String
        var rows: [Row]
    }

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
        var groups: [Group]
        var summary: String
        var empty: Bool
        var previousPage: String?
        var nextPage: String?
        /// Resellers go from a chosen reason to its form; the distributor's staff only look.
        var canRegister = false
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
        let rawPeriod = input.period ?? ((input.from != nil || input.to != nil) ? "custom" : nil)
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
            customPeriod: selectedPeriod == "custom", periodChosen: periodChosen ? "1" : "", errors: [:], groups: [],
            summary: "", empty: false,
            canRegister: user.role.belongsToCompany)

        switch input.validated(today: today) {
        case .failure(let problems):
            for error in problems.errors where content.errors[error.field] == nil {
                content.errors[error.field] = error.message.text(req.texts)
            }
            return try await req.renderPage(
                "search", title: t["nav.registration"], nav: "search", content: content, status: .unprocessableEntity)
        case .success(let search):
            let result = try await LineQuery.run(search, scope: try user.companyScope(), on: req.db)
            content.groups = result.documents.map { group(for: $0, kind: search.kind, texts: t) }
            content.empty = result.total == 0
            if !content.empty {
                let first = search.offset + 1
                let last = min(search.offset + search.per, result.total)
                content.summary = t(
                    "search.summary", ["first": "\(first)", "last": "\(last)", "total": "\(result.total)"])
            }
            if search.page > 1 { content.previousPage = pageLink(req, page: search.page - 1) }
            if search.offset + search.per < result.total { content.nextPage = pageLink(req, page: search.page + 1) }
            return try await req.renderPage("search", title: t["nav.registration"], nav: "search", content: content)
        }
    }

    private func group(for document: DocumentView, kind: DocumentKind, texts t: Translations) -> Group {
        let date = CalendarDay(iso: document.date).map(t.language.format) ?? document.date
        let header = t("search.group.\(kind.rawValue)", ["number": document.number, "date": date])
        return Group(header: header, rows: document.lines.map { row(for: $0, texts: t) })
    }

    private func row(for line: LineView, texts t: Translations) -> Row {
        let language = t.language
        let unit = Money(decimal: line.unitPrice).map { language.format($0, currency: line.currency) } ?? line.unitPrice
        let net = Money(decimal: line.netAmount).map { language.format($0, currency: line.currency) } ?? line.netAmount
        let address = line.deliveryAddress.map { "\($0.street), \($0.postcode) \($0.city), \($0.country)" } ?? ""
        return Row(
            id: line.id, deliveryNote: line.deliveryNote ?? "", order: line.order ?? "", position: line.position,
            article: line.article, manufacturerModel: line.manufacturerModel ?? "", brand: line.brand,
            description: line.description, quantity: line.quantity,
            customerOrderNumber: line.customerOrderNumber ?? "", customerItemNumber: line.customerItemNumber ?? "",
            ean: line.ean ?? "", price: t("search.line.priceValue", ["net": net, "unit": unit]),
            deliveryDate: line.deliveryDate.flatMap(CalendarDay.init(iso:)).map(language.format) ?? "",
            deliveryAddress: address, serials: line.serials)
    }

    private func pageLink(_ req: Request, page: Int) -> String {
        var components = URLComponents()
        components.path = "/search"
        var items = (URLComponents(string: req.url.string)?.queryItems ?? []).filter { $0.name != "page" }
        items.append(URLQueryItem(name: "page", value: String(page)))
        components.queryItems = items
        return components.string ?? "/search"
    }
}
