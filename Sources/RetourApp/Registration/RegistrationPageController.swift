import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The registration page of one line: the reasons on the left, the chosen reason's form, evidence
/// from the computer or a phone, then the return address and the cart.
struct RegistrationPageController: RoleRouteCollection {
    func boot(_ routes: RoleRoutes) throws {
        let reseller = routes.reseller
        reseller.get(PageRoute.register, use: show)
        reseller.on(.POST, PageRoute.register, body: .stream, use: add)
            .userInfo[BodyLimit.streamsUploadKey] = true
        reseller.get(PageRoute.registerUploads, use: uploads)
        reseller.get(PageRoute.registerMaterial, use: material)
        routes.signedIn.get(PageRoute.attachment, use: download)
    }

    /// What the form posts. Reason fields arrive as `f[name]`, files as `files[]`.
    struct Form: Content {
        var reason: String?
        var switchTo: String?
        var quantity: String?
        var serials: [String]?
        var serialText: String?
        var f: [String: String]?
        var attachments: [String]?
        var uploadToken: String?
        /// The cart position being edited, if any.
        var edit: Int?
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let lineID = try lineParameter(req)
        let reason = ReasonID(rawValue: req.query[String.self, at: "reason"] ?? "")
        var form = Form()
        if let id = req.query[Int.self, at: "edit"] {
            let position = try await ownPosition(id, user: user, lineID: lineID, on: req)
            form = Self.form(from: position)
        }
        return try await render(req, user: user, lineID: lineID, reason: reason, form: form, errors: [])
    }

    @Sendable func add(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let lineID = try lineParameter(req)
        let streamed = try await UploadStream.read(
            req, csrf: req.expectedCSRF, maximumFiles: 20, directory: AttachmentStore.temporaryDirectory(req.config),
            skipsOversize: true)
        var form: Form
        do { form = try streamed.decode(Form.self) } catch {
            streamed.discard()
            throw error
        }
        // Switching reasons re-renders the form with what was typed, where the fields coincide.
        if let target = form.switchTo.flatMap(ReasonID.init(rawValue:)) {
            streamed.discard()
            return try await render(req, user: user, lineID: lineID, reason: target, form: form, errors: [])
        }
        guard let reason = form.reason.flatMap(ReasonID.init(rawValue:)), form.switchTo == nil else {
            streamed.discard()
            // No reason, or one that does not exist: the choice is shown again, as a mistake.
            let error = FieldError("reason", message: Message("app.registration.chooseAReasonForTheReturn"))
            return try await render(
                req, user: user, lineID: lineID, reason: nil, form: form, errors: [error],
                status: .unprocessableEntity)
        }
        // Files from the computer are stored first, so a form with a mistake keeps them.
        var attachmentIDs = Set(form.attachments ?? [])
        let result = try await req.storeUploads(user: user, companyID: user.companyID)
            .run(streamed.files.filter { $0.field.hasPrefix("files") }.arrived)
        streamed.discard()
        let errors =
            streamed.oversize.map {
                FieldError(
                    "attachments",
                    message: Message("app.registration.fileOver20MBLeftOut", ["filename": .text($0.filename)]))
            } + result.errors
        attachmentIDs.formUnion(result.files.map(\.id))
        if let token = form.uploadToken, !token.isEmpty {
            let fromPhone = try await CartQueries(database: req.db).phoneUploads(
                Tokens.hash(token), by: user.requireID())
            attachmentIDs.formUnion(fromPhone.compactMap(\.id))
        }
        form.attachments = attachmentIDs.sorted()
        guard errors.isEmpty else {
            return try await render(
                req, user: user, lineID: lineID, reason: reason, form: form, errors: errors,
                status: .unprocessableEntity)
        }
        let (body, inputErrors) = positionBody(form, reason: reason, lineID: lineID)
        guard inputErrors.isEmpty else {
            return try await render(
                req, user: user, lineID: lineID, reason: reason, form: form, errors: inputErrors,
                status: .unprocessableEntity)
        }
        do {
            var replacing: CartPosition?
            if let id = form.edit { replacing = try await ownPosition(id, user: user, lineID: lineID, on: req) }
            let id = try await req.addPositions(for: user).save(
                try body.draft(), replacing: replacing?.requireID(), phoneLink: form.uploadToken)
            guard let position = try await CartQueries(database: req.db).position(id) else { throw Refusal.notFound() }
            // The return address matters only where goods travel back (not for a wrong invoice, a
            // licence or a shortage).
            guard position.goodsTravel else {
                return req.redirect(to: .cartAdded(position: try position.requireID(), updated: replacing != nil))
            }
            return req.redirect(to: .cartAddress(position: try position.requireID(), updated: replacing != nil))
        } catch let problem as Refusal where problem.status != .notFound {
            let shown = problem.errors.isEmpty ? [FieldError(field: "form", message: problem.detail)] : problem.errors
            return try await render(
                req, user: user, lineID: lineID, reason: reason, form: form, errors: shown,
                status: problem.status == .conflict ? .conflict : .unprocessableEntity)
        }
    }

    /// Files uploaded from the phone for this page, for the form to show without a reload.
    @Sendable func uploads(req: Request) async throws -> [AttachmentStore.Stored] {
        let user = try req.requireUser()
        let token = req.parameters.get("token") ?? ""
        let files = try await CartQueries(database: req.db).phoneUploads(Tokens.hash(token), by: user.requireID())
        return files.map { .init(id: $0.id ?? "", filename: $0.filename, size: $0.size, contentType: $0.contentType) }
    }

    @Sendable func material(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let lineID = try lineParameter(req)
        guard try await LineFactsQuery.line(lineID, scope: try user.companyScope(), on: req.db) != nil else {
            throw Refusal.notFound()
        }
        // Found or not, the answer is JSON: the page's script shows either, and clears an earlier match.
        let code = req.query[String.self, at: "code"] ?? ""
        let (_, policy) = try await PolicyStore.current(on: req.db, day: req.today)
        guard let answer = try await Material.answer(code, policy: policy, texts: req.texts, on: req.db) else {
            throw Material.notFound(code)
        }
        return try await answer.encodeResponse(for: req)
    }

    @Sendable func download(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id"),
            let attachment = try await AttachmentStore.visible(id, to: user, on: req.db)
        else { throw Refusal.notFound() }
        return try await AttachmentStore.download(attachment, request: req)
    }

    private func ownPosition(_ id: Int, user: User, lineID: Int, on req: Request) async throws -> CartPosition {
        guard let position = try await CartQueries(database: req.db).ownPosition(id, of: user.id),
            position.lineID == lineID
        else { throw Refusal.notFound() }
        return position
    }

    /// A stored position as the form would post it, to edit it.
    static func form(from position: CartPosition) -> Form {
        var fields: [String: String] = [:]
        let schema = FormSchema.of(position.reason)
        for (name, value) in position.fields {
            let kind = schema.fields.first { $0.name == name }?.kind
            switch value {
            case .bool(let flag):
                fields[name] =
                    kind == .declaration || name == AdvanceReplacement.field
                    ? (flag ? "on" : "") : (flag ? "yes" : "no")
            case .integer(let number): fields[name] = String(number)
            case .string(let text): fields[name] = text
            default: break
            }
        }
        let serials = position.serials
        return Form(
            reason: position.reason.rawValue, quantity: String(position.quantity), serials: serials,
            serialText: serials.joined(separator: ", "), f: fields,
            attachments: position.attachments, edit: position.id)
    }

    private func lineParameter(_ req: Request) throws -> Int {
        guard let id = req.parameters.get("line", as: Int.self) else { throw Refusal.notFound() }
        return id
    }

    /// The form as the API's position body: one shape, one set of checks. Numbers that are not
    /// whole numbers within bounds are errors here, never a silent default.
    func positionBody(_ form: Form, reason: ReasonID, lineID: Int) -> (PositionBody, [FieldError]) {
        var errors: [FieldError] = []
        var fields: [String: JSONValue] = [:]
        let posted = form.f ?? [:]
        for field in FormSchema.of(reason).fields {
            let raw = (posted[field.name] ?? "").trimmingWhitespace()
            switch field.kind {
            case .flag:
                if raw == "yes" { fields[field.name] = .bool(true) }
                if raw == "no" { fields[field.name] = .bool(false) }
            case .declaration:
                fields[field.name] = .bool(raw == "on" || raw == "true" || raw == "yes")
            case .integer:
                if !raw.isEmpty, let number = boundedField(raw, field.name, in: Limits.quantity, errors: &errors) {
                    fields[field.name] = .integer(Int64(number))
                }
            case .choice, .text:
                if !raw.isEmpty { fields[field.name] = .string(raw) }
            }
        }
        // Shown only where offered; the cart's check refuses it anywhere else.
        if posted[AdvanceReplacement.field] == "on" { fields[AdvanceReplacement.field] = .bool(true) }
        var serials = form.serials ?? []
        if FormSchema.of(reason).serials == .freeText {
            serials = (form.serialText ?? "").split(whereSeparator: { $0 == "," || $0.isNewline || $0 == ";" })
                .map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        }
        // A field the page did not show is not posted at all; one it showed must hold a number.
        let quantity = form.quantity.flatMap {
            boundedField($0, "quantity", in: 1...Limits.quantity.upperBound, errors: &errors)
        }
        let body = PositionBody(
            line: lineID, reason: reason.rawValue, quantity: quantity, serials: serials, fields: fields,
            attachments: form.attachments, returnAddress: nil)
        return (body, errors)
    }
}
