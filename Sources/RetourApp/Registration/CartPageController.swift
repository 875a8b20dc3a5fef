import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The steps after the form: the return address, "position added", the cart, the confirmation.
struct CartPageController: RoleRouteCollection {
    func boot(_ routes: RoleRoutes) throws {
        let reseller = routes.reseller
        reseller.get(PageRoute.cart, use: self.cart)
        reseller.get(PageRoute.cartPositionAddress, use: address)
        reseller.post(PageRoute.cartPositionAddress, use: saveAddress)
        reseller.get(PageRoute.cartPositionAdded, use: added)
        reseller.post(PageRoute.cartPositionDelete, use: remove)
        reseller.post(PageRoute.cartSubmit, use: submit)
        reseller.on(.POST, PageRoute.cartBulk, body: .collect(maxSize: "2mb"), use: bulk).userInfo[
            BodyLimit.userInfoKey] =
            2 * 1024 * 1024
        reseller.get(PageRoute.cartBulkTemplate, use: bulkTemplate)
        routes.signedIn.get(PageRoute.requestConfirmation, use: confirmation)
    }

    private func ownPosition(_ req: Request) async throws -> (User, CartPosition) {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self),
            let position = try await CartQueries(database: req.db).ownPosition(id, of: user.id)
        else { throw Refusal.notFound() }
        return (user, position)
    }

    struct AddressContent: Encodable {
        var id: Int
        /// The position the address is for, in words.
        var position: String
        var address: Address
        var countries: [SelectOption]
        var errors: [String: String]
        /// The position was edited, not added: the next page says "bijgewerkt".
        var updated: Bool

        init(
            id: Int, position: String, address: Address, errors: [String: String], catalog: TranslationCatalog,
            language: Language, updated: Bool
        ) {
            self.id = id
            self.position = position
            self.updated = updated
            self.address = address
            self.errors = errors
            let chosen = Country.find(address.country, names: catalog.all)?.code
            countries = Country.all.map {
                SelectOption(value: $0.code, label: $0.name.text(catalog[language]), selected: $0.code == chosen)
            }
        }
    }

    /// Which position an address is asked for: its invoice line, article and reason.
    private func described(_ position: CartPosition, _ req: Request) async throws -> String {
        let (line, article) = try await CartQueries(database: req.db).line(position.lineID)
        return req.texts(
            "address.position",
            [
                "invoice": line?.invoiceNumber ?? "", "position": "\(line?.position ?? 0)",
                "article": "\(article?.number ?? "") \(article?.description ?? "")",
                "reason": Reason.named(position.reason).label.text(req.texts),
            ])
    }

    @Sendable func address(req: Request) async throws -> Response {
        let (_, position) = try await ownPosition(req)
        guard position.goodsTravel else { return req.redirect(to: .cart) }
        let address = position.returnAddress
        return try await req.renderPage(
            "address", title: req.texts["address.title"], nav: "search",
            content: AddressContent(
                id: try position.requireID(), position: try await described(position, req), address: address,
                errors: [:],
                catalog: req.application.translationCatalog, language: req.language,
                updated: req.query[String.self, at: "updated"] == "1"))
    }

    @Sendable func saveAddress(req: Request) async throws -> Response {
        let (_, position) = try await ownPosition(req)
        let form = try req.content.decode(Address.self)
        let address = Address(
            street: form.street.trimmingWhitespace(), postcode: form.postcode.trimmingWhitespace(),
            city: form.city.trimmingWhitespace(),
            country: Country.find(form.country, names: req.application.translationCatalog.all)?.code
                ?? form.country.trimmingWhitespace())
        do {
            try await req.cartChanges().changeReturnAddress(ofPosition: try position.requireID(), to: address)
        } catch let refusal as Refusal where !refusal.errors.isEmpty {
            var errors: [String: String] = [:]
            for problem in refusal.errors {
                errors[String(problem.field.dropFirst("returnAddress.".count))] = problem.message.text(req.texts)
            }
            return try await req.renderPage(
                "address", title: req.texts["address.title"], nav: "search",
                content: AddressContent(
                    id: try position.requireID(), position: try await described(position, req), address: address,
                    errors: errors,
                    catalog: req.application.translationCatalog, language: req.language,
                    updated: req.query[String.self, at: "updated"] == "1"),
                status: .unprocessableEntity)
        }
        let updated = req.query[String.self, at: "updated"] == "1"
        return req.redirect(to: .cartAdded(position: try position.requireID(), updated: updated))
    }

    @Sendable func added(req: Request) async throws -> Response {
        _ = try await ownPosition(req)
        struct Content: Encodable {
            var updated: Bool
            /// "Meer posities toevoegen": back to the results the reseller came from.
            var more: String
        }
        return try await req.renderPage(
            "added", title: req.texts["added.title"], nav: "search",
            content: Content(updated: req.query[String.self, at: "updated"] == "1", more: LastSearch.address(req)))
    }

    @Sendable func remove(req: Request) async throws -> Response {
        let (_, position) = try await ownPosition(req)
        try await req.cartChanges().remove(position: try position.requireID())
        return req.redirect(to: .cart)
    }

    struct Row: Encodable {
        var id: Int
        var lineID: Int
        var reasonID: String
        var reason: String
        var line: String
        var quantity: Int
        var serials: String
        var address: String
        /// Goods go back for this position: its return address is shown and can be changed.
        var goodsTravel: Bool
        var attachments: Int
        var warning: String?
    }

    struct CartContent: Encodable {
        var rows: [Row]
        var idempotencyKey: String
        var error: String?
        var errors: [String]
        /// What the last bulk upload did (or would do), row by row.
        var bulk: BulkRegistration.Answer?
        /// The file just checked, kept for adding it.
        var checked: CheckedFile?
        /// The user's submissions waiting for (or recently refused) a colleague's approval.
        var approvals: [ApprovalsController.Shown]
        var maySubmit: Bool
        var notice: String?
    }

    struct BulkForm: Content {
        var file: File?
        /// `check`: a dry run; `add`: into the cart.
        var mode: String?
        /// The file checked last, carried by the page (base64) so that adding needs no second choice.
        var checked: String?
        var checkedName: String?
    }

    /// A checked file is carried by the page up to this size; a larger one is chosen again.
    static let carriedFileBytes = 512 * 1024

    /// The template in the reseller's language, with two of the reseller's own invoice lines as
    /// example rows (a commercial return and a defect, where one of the last two months allows them),
    /// so that it can be uploaded unchanged.
    @Sendable func bulkTemplate(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let t = req.texts
        let today = req.today
        let found = try await req.searchLines().run(
            LineSearch(
                dates: today.adding(days: -60)...today, number: nil, numberType: nil, kind: .invoice, page: 1, per: 30))
        var examples: [[String: String]] = []
        var wanted: [ReasonID] = [.commercialReturn, .defect]
        var used: Set<Int> = []
        for line in found.documents.flatMap(\.lines) where !wanted.isEmpty && line.claimableQuantity > 0 {
            let verdicts = try await LineReasons.evaluate(lineID: line.id, for: user, today: today, on: req.db).verdicts
            guard
                let reason = wanted.first(where: { wanted in
                    verdicts.contains { $0.reason == wanted && $0.refusal == nil }
                }), !used.contains(line.id)
            else { continue }
            used.insert(line.id)
            wanted.removeAll { $0 == reason }
            var row = [
                "invoice": line.invoice, "position": "\(line.position)",
                "reason": Reason.named(reason).label.text(t), "quantity": "1",
                "serials": line.serials.isEmpty ? "" : line.claimableSerials.first ?? "",
            ]
            switch reason {
            case .commercialReturn: row["sealedDeclaration"] = t["bulk.example.yes"]
            default:
                row["fault"] = "no_response"
                row["description"] = t["bulk.example.description"]
            }
            examples.append(row)
        }
        let response = Response(status: .ok, body: .init(string: BulkCSV.template(t, rows: examples)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: t["bulk.templateFile"])
        return response
    }

    /// The cart page's upload of a spreadsheet: checked first or added at once, the rows' outcomes
    /// shown above the cart.
    @Sendable func bulk(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(BulkForm.self)
        // A newly chosen file, else the one checked before (carried by the page).
        let data: Data
        let name: String
        if let file = form.file, file.data.readableBytes > 0 {
            data = Data(buffer: file.data)
            name = file.filename
        } else if let carried = form.checked.flatMap({ Data(base64Encoded: $0) }), !carried.isEmpty,
            carried.count <= Self.carriedFileBytes
        {
            data = carried
            name = form.checkedName ?? ""
        } else {
            return try await renderCart(
                req, user: user, problem: Refusal(.invalid, detail: Message("bulk.chooseFile")))
        }
        do {
            let rows = try BulkCSV.read(data, columns: BulkColumns(req.application.translationCatalog)).rows
            let dryRun = form.mode != "add"
            var answer = try await BulkRegistration(texts: req.texts, dryRun: dryRun)
                .run(rows, adding: req.addPositions(for: user))
            // The page names a column by its title in the reader's language.
            for index in answer.rows.indices {
                answer.rows[index].errors = answer.rows[index].errors.map {
                    .init(field: Self.columnTitle(of: $0.field, req.texts), message: $0.message)
                }
            }
            let carried =
                dryRun && data.count <= Self.carriedFileBytes
                ? CheckedFile(content: data.base64EncodedString(), name: String(name.prefix(200))) : nil
            return try await renderCart(req, user: user, bulk: answer, checked: carried)
        } catch let refusal as BulkCSV.Refusal {
            return try await renderCart(
                req, user: user, problem: Refusal(.invalid, detail: refusal.message))
        } catch let problem as Refusal {
            return try await renderCart(req, user: user, problem: problem)
        }
    }

    @Sendable func cart(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await renderCart(req, user: user)
    }

    /// A file that was checked, for the page to send again when the reseller adds it.
    struct CheckedFile: Encodable {
        var content: String
        var name: String
    }

    /// `fields.fault` or `quantity` → the column's title (`fout`, `aantal`).
    static func columnTitle(of field: String, _ t: Translations) -> String {
        let code = field.hasPrefix("fields.") ? String(field.dropFirst("fields.".count)) : field
        return BulkColumns.codes.contains(code) ? BulkColumns.title(code, t) : field
    }

    private func renderCart(
        _ req: Request, user: User, problem: Refusal? = nil, bulk: BulkRegistration.Answer? = nil,
        checked: CheckedFile? = nil
    ) async throws -> Response {
        let t = req.texts
        let positions = try await CartQueries(database: req.db).cart(of: user.requireID())
        var rows: [Row] = []
        for position in positions {
            let (_, warning) = try await Cart.deadline(of: position, today: req.today, texts: t, on: req.db)
            let (line, article) = try await CartQueries(database: req.db).line(position.lineID)
            let address = position.returnAddress
            rows.append(
                Row(
                    id: try position.requireID(), lineID: position.lineID, reasonID: position.reason.rawValue,
                    reason: Reason.named(position.reason).label.text(t),
                    line:
                        "\(line?.invoiceNumber ?? "") #\(line?.position ?? 0) · \(article?.number ?? "") \(article?.description ?? "")",
                    quantity: position.quantity, serials: position.serials.joined(separator: ", "),
                    address: "\(address.street), \(address.postcode) \(address.city)",
                    goodsTravel: position.goodsTravel, attachments: position.attachments.count, warning: warning))
        }
        return try await req.renderPage(
            "cart", title: req.texts["cart.title"], nav: "cart",
            content: CartContent(
                rows: rows, idempotencyKey: randomToken(bytes: 16), error: problem?.detail.text(t),
                errors: problem?.errors.map { $0.message.text(t) } ?? [], bulk: bulk, checked: checked,
                approvals: ApprovalsController.shown(
                    try await ApprovalQueries(database: req.db).ofSubmitter(user, now: req.now, texts: t), req),
                maySubmit: user.rights.contains(.submit),
                notice: problem == nil && req.query[String.self, at: "waiting"] != nil ? t["cart.waitingNotice"] : nil),
            status: problem.map { $0.status == .conflict ? .conflict : .unprocessableEntity } ?? .ok)
    }

    struct SubmitForm: Codable {
        var idempotencyKey: String?
    }

    @Sendable func submit(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(SubmitForm.self)
        let answer: SubmissionAnswer
        do {
            let key = form.idempotencyKey.flatMap { $0.isEmpty ? nil : "web-" + $0 }
            answer = try await req.submitCart(user: user, idempotencyKey: key).answer()
        } catch let problem as Refusal {
            return try await renderCart(req, user: user, problem: problem)
        }
        if answer.approval != nil { return req.redirect(to: PageRoute.cart.path() + "?waiting=1") }
        // A redirect, so that going back never offers to send the cart again.
        guard let first = answer.requests.first?.number else { return req.redirect(to: .cart) }
        return req.redirect(to: PageRoute.requestConfirmation.path(first) + "?submission=1")
    }

    /// The confirmation of one request as it stands now, opened from the overview; right after
    /// submitting (`submission=1`) that of every request submitted with it.
    @Sendable func confirmation(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let number = req.parameters.get("number"),
            let record = try await RequestQueries.find(number, for: user, on: req.db)
        else { throw Refusal.notFound() }
        let requests =
            req.query[String.self, at: "submission"] == "1"
            ? try await RequestQueries.submission(of: record, on: req.db) : [record]
        return try await ConfirmationPage.render(requests, on: req, status: .ok)
    }
}
