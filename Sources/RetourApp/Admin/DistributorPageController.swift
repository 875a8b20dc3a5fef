import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The administrator's page for the distributor's own data: the return address on return forms,
/// packing lists and mails, and the seller on credit notes.
struct DistributorPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.adminDistributor, use: show)
        routes.post(PageRoute.adminDistributor, use: save)
    }

    struct FormContent: Encodable {
        var returnAddress: String
        var sellerName: String
        var sellerStreet: String
        var sellerPostcode: String
        var sellerCity: String
        var sellerCountry: String
        var sellerVAT: String
        var sellerEmail: String
    }

    struct Content: Encodable {
        var form: FormContent
        var errors: [String: String]
        var notice: String?
        var fromInstallation: Bool
    }

    @Sendable func show(req: Request) async throws -> Response {
        let stored = try await DatabaseDistributorStore(database: req.db).stored()
        let form = ChangeDistributor.Form(stored ?? Distributor(req.config))
        let notice = req.query[String.self, at: "saved"] == "1" ? req.texts["admin.distributor.saved"] : nil
        return try await render(req, form, notice: notice, fromInstallation: stored == nil)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let fields = try req.content.decode([String: String].self)
        let form = ChangeDistributor.Form(
            returnAddress: fields["returnAddress"] ?? "", sellerName: fields["sellerName"] ?? "",
            sellerStreet: fields["sellerStreet"] ?? "", sellerPostcode: fields["sellerPostcode"] ?? "",
            sellerCity: fields["sellerCity"] ?? "", sellerCountry: fields["sellerCountry"] ?? "",
            sellerVAT: fields["sellerVAT"] ?? "", sellerEmail: fields["sellerEmail"] ?? "")
        do {
            _ = try await ChangeDistributor(
                store: DatabaseDistributorStore(database: req.db), actorID: try req.requireUser().requireID(),
                now: req.now
            ).run(form)
            return req.redirect(to: PageRoute.adminDistributor.path() + "?saved=1")
        } catch let refusal as Refusal where !refusal.errors.isEmpty {
            var errors: [String: String] = [:]
            for error in refusal.errors where errors[error.field] == nil {
                errors[error.field] = error.message.text(req.texts)
            }
            return try await render(req, form, errors: errors, fromInstallation: false, status: .unprocessableEntity)
        }
    }

    private func render(
        _ req: Request, _ form: ChangeDistributor.Form, errors: [String: String] = [:], notice: String? = nil,
        fromInstallation: Bool, status: HTTPStatus = .ok
    ) async throws -> Response {
        let content = Content(
            form: FormContent(
                returnAddress: form.returnAddress, sellerName: form.sellerName, sellerStreet: form.sellerStreet,
                sellerPostcode: form.sellerPostcode, sellerCity: form.sellerCity, sellerCountry: form.sellerCountry,
                sellerVAT: form.sellerVAT, sellerEmail: form.sellerEmail),
            errors: errors, notice: notice, fromInstallation: fromInstallation)
        return try await req.renderPage(
            "distributor", title: req.texts["admin.distributor.title"], nav: "distributor", content: content,
            status: status)
    }
}
