import Fluent
import Foundation
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
        reseller.get(PageRoute.cartBulkTemplate, use: CartAPIController().bulkTemplate)
        routes.signedIn.get(PageRoute.requestConfirmation, use: confirmation)
    }

    private func ownPosition(_ req: Request) async throws -> (User, CartPosition) {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self),
            let position = try await CartPosition.find(id, on: req.db),
            position.userID == user.id, position.approvalID == nil
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
        let line = try await InvoiceLine.find(position.lineID, on: req.db)
        let article = try await line?.articleRecord(on: req.db)
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
        let problems = Cart.addressProblems(address)
        guard problems.isEmpty else {
            var errors: [String: String] = [:]
            for problem in problems {
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
        position.returnAddress = address
        try await position.save(on: req.db)
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
        let (user, position) = try await ownPosition(req)
        try await RemovePosition(userID: try user.requireID(), positionID: try position.requireID(), now: req.now)
            .run(on: req.db)
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
        /// The user's submissions waiting for (or recently refused) a colleague's approval.
        var approvals: [ApprovalsController.Shown]
        var maySubmit: Bool
        var notice: String?
    }

    struct BulkForm: Content {
        var file: File?
        /// `check`: a dry run; `add`: into the cart.
        var mode: String?
    }

    /// The cart page's upload of a spreadsheet: checked first or added at once, the rows' outcomes
    /// shown above the cart.
    @Sendable func bulk(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(BulkForm.self)
        guard let file = form.file, file.data.readableBytes > 0 else {
            return try await renderCart(
                req, user: user, problem: Refusal(.invalid, detail: Message("bulk.chooseFile")))
        }
        do {
            let rows = try BulkCSV.read(Data(buffer: file.data)).rows
            let answer = try await BulkRegistration(
                user: user, now: req.now, today: req.today, countryNames: req.application.translationCatalog.all,
                texts: req.texts, dryRun: form.mode != "add"
            ).run(rows, on: req.db)
            return try await renderCart(req, user: user, bulk: answer)
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

    private func renderCart(
        _ req: Request, user: User, problem: Refusal? = nil, bulk: BulkRegistration.Answer? = nil
    ) async throws -> Response {
        let t = req.texts
        let positions = try await CartPosition.inCart(of: user.requireID(), on: req.db).sort(\.$id).all()
        var rows: [Row] = []
        for position in positions {
            let (_, warning) = try await Cart.deadline(of: position, today: req.today, texts: t, on: req.db)
            let line = try await InvoiceLine.find(position.lineID, on: req.db)
            let article = try await line?.articleRecord(on: req.db)
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
                errors: problem?.errors.map { $0.message.text(t) } ?? [], bulk: bulk,
                approvals: ApprovalsController.shown(
                    try await ApprovalView.ofSubmitter(user, now: req.now, texts: t, on: req.db), req),
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
            answer = try await req.submitCart(user: user, idempotencyKey: key).run(on: req.db)
        } catch let problem as Refusal {
            return try await renderCart(req, user: user, problem: problem)
        }
        if answer.approval != nil { return req.redirect(to: PageRoute.cart.path() + "?waiting=1") }
        var requests: [ReturnRequest] = []
        for submitted in answer.requests {
            if let record = try await ReturnRequest.query(on: req.db).filter(\.$number == submitted.number).first() {
                requests.append(record)
            }
        }
        return try await ConfirmationPage.render(requests, on: req, status: .created)
    }

    /// The confirmation of a submission, opened again from the overview.
    @Sendable func confirmation(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let number = req.parameters.get("number"),
            let record = try await RequestQueries.find(number, for: user, on: req.db)
        else { throw Refusal.notFound() }
        return try await ConfirmationPage.render(
            try await ConfirmationPage.submission(of: record, on: req.db), on: req, status: .ok)
    }
}
