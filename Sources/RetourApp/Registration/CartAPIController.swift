import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The cart and submission through the API, and material identification for wrong deliveries.
struct CartAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.cart, use: list)
        routes.post(APIRoute.cartPositions, use: add)
        routes.delete(APIRoute.cartPosition, use: remove)
        routes.put(APIRoute.cartPosition, use: replace)
        routes.post(APIRoute.cartSubmit, use: submit)
        routes.on(.POST, APIRoute.cartBulk, body: .collect(maxSize: "2mb"), use: bulk)
        routes.get(APIRoute.cartBulkTemplate, use: bulkTemplate)
        routes.get(APIRoute.lineMaterial, use: material)
    }

    struct CartAnswer: Content {
        var positions: [PositionView]
        /// Submissions of this user that wait for a colleague's approval, or were refused lately.
        var approvals: [ApprovalView]
    }

    @Sendable func list(req: Request) async throws -> CartAnswer {
        let user = try req.requireUser()
        let positions = try await CartQueries(database: req.db).cart(of: user.requireID())
        var views: [PositionView] = []
        for position in positions { views.append(try await Cart.view(position, on: req)) }
        return CartAnswer(
            positions: views, approvals: try await ApprovalQueries(database: req.db).ofSubmitter(user, now: req.now))
    }

    @Sendable func add(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let body = try req.content.decode(PositionBody.self)
        let id = try await req.addPositions(for: user).save(try body.draft())
        guard let position = try await CartQueries(database: req.db).position(id) else { throw Refusal.notFound() }
        return try await Cart.view(position, on: req).encodeResponse(status: .created, for: req)
    }

    /// Edits a position: the whole new content, checked as if it were added.
    @Sendable func replace(req: Request) async throws -> PositionView {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self),
            let position = try await CartQueries(database: req.db).ownPosition(id, of: user.id)
        else { throw Refusal.notFound() }
        let body = try req.content.decode(PositionBody.self)
        try await req.addPositions(for: user).save(try body.draft(), replacing: try position.requireID())
        guard let updated = try await CartQueries(database: req.db).position(id) else { throw Refusal.notFound() }
        return try await Cart.view(updated, on: req)
    }

    @Sendable func remove(req: Request) async throws -> HTTPStatus {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Refusal.notFound() }
        try await req.cartChanges().remove(position: id)
        return .noContent
    }

    @Sendable func submit(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let answer = try await req.submitCart(user: user, idempotencyKey: req.headers.first(name: "Idempotency-Key"))
            .answer()
        return try await answer.encodeResponse(status: answer.status, for: req)
    }

    /// `POST /api/v1/cart/bulk` (`text/csv`, `?dryRun=true`): one answer per row, echoing its invoice
    /// and position — added, or refused with the rule engine's explanation and each field error.
    @Sendable func bulk(req: Request) async throws -> BulkRegistration.Answer {
        let user = try req.requireUser()
        guard let type = req.headers.contentType, type.type == "text", type.subType == "csv" else {
            throw Refusal(.unsupportedType, detail: Message("bulk.sendCSV"))
        }
        let dryRun = try Self.flag(req.query[String.self, at: "dryRun"], name: "dryRun")
        guard let body = req.body.data else { throw Refusal(.invalid, detail: Message("bulk.empty")) }
        let rows: [BulkRow]
        do {
            rows = try BulkCSV.read(Data(buffer: body)).rows
        } catch let refusal as BulkCSV.Refusal {
            throw Refusal(.invalid, detail: refusal.message)
        }
        return try await BulkRegistration(texts: req.texts, dryRun: dryRun)
            .run(rows, adding: req.addPositions(for: user))
    }

    /// The file to fill in: every column, two example rows, semicolons and a byte order mark so
    /// that Dutch Excel opens it as columns.
    @Sendable func bulkTemplate(req: Request) async throws -> Response {
        _ = try req.requireUser()
        let response = Response(status: .ok, body: .init(string: BulkCSV.template()))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "retour-bulk.csv")
        return response
    }

    static func flag(_ value: String?, name: String) throws -> Bool {
        switch value {
        case nil, "", "false", "0": return false
        case "true", "1": return true
        default:
            throw Refusal(
                .malformed, detail: Message("app.api.theParameterIsNotValid", ["name": .text(name)]))
        }
    }

    @Sendable func material(req: Request) async throws -> Material.Answer {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self),
            try await LineFactsQuery.line(id, scope: try user.companyScope(), on: req.db) != nil
        else { throw Refusal.notFound() }
        let code = (req.query[String.self, at: "code"] ?? "").trimmingWhitespace()
        guard !code.isEmpty, code.count <= 64 else {
            throw Refusal.invalid([
                FieldError("code", message: Message("app.registration.enterAnEanOrManufacturerCode"))
            ])
        }
        let (_, policy) = try await PolicyStore.current(on: req.db, day: req.today)
        guard let answer = try await Material.answer(code, policy: policy, on: req.db) else {
            throw Material.notFound(code)
        }
        return answer
    }
}
