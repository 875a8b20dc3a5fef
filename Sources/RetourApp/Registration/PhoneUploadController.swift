import Fluent
import Foundation
import RetourCore
import Vapor

/// The page a phone opens by scanning the form's QR code: it uploads photos and documents for
/// one registration without logging in, for half an hour. The unguessable key in the address is
/// the only credential, so it also stands in for the CSRF token.
struct PhoneUploadController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("m", ":token", use: show)
        routes.on(.POST, "m", ":token", body: .collect(maxSize: "120mb"), use: upload)
    }

    struct Content: Encodable {
        var token: String
        var files: [String]
        var notice: String?
        var error: String?
    }

    struct UploadForm: Codable {
        var files: [File]?
    }

    @Sendable func show(req: Request) async throws -> Response {
        let (token, record) = try await valid(req)
        return try await render(req, token: token, record: record)
    }

    @Sendable func upload(req: Request) async throws -> Response {
        let (token, record) = try await valid(req)
        let form = (try? req.content.decode(UploadForm.self)) ?? UploadForm()
        var stored = 0
        var problems: [String] = []
        for file in form.files ?? [] where file.data.readableBytes > 0 {
            do {
                _ = try await AttachmentStore.store(
                    file.data, filename: file.filename, userID: record.userID, companyID: record.companyID,
                    uploadToken: record.tokenHash, request: req)
                stored += 1
            } catch let problem as Problem {
                problems.append("\(file.filename): \(problem.detail.text(in: req.language))")
            }
        }
        let t = req.texts
        return try await render(
            req, token: token, record: record, notice: stored > 0 ? t("phone.uploaded", ["count": "\(stored)"]) : nil,
            error: problems.isEmpty ? (stored == 0 ? t["phone.none"] : nil) : problems.joined(separator: " "),
            status: problems.isEmpty && stored > 0 ? .ok : .unprocessableEntity)
    }

    private func valid(_ req: Request) async throws -> (String, UploadToken) {
        let token = req.parameters.get("token") ?? ""
        guard token.count <= 64,
            let record = try await UploadToken.query(on: req.db).filter(\.$tokenHash == Tokens.hash(token)).first()
        else { throw Problem.notFound() }
        guard record.expiresAt > req.now else {
            throw Problem(
                .gone, nl: "Deze uploadlink is verlopen. Scan de QR-code op het formulier opnieuw.",
                en: "This upload link has expired. Scan the QR code on the form again.")
        }
        return (token, record)
    }

    private func render(
        _ req: Request, token: String, record: UploadToken, notice: String? = nil, error: String? = nil,
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let files = try await Attachment.query(on: req.db).filter(\.$uploadToken == record.tokenHash).sort(\.$createdAt)
            .all()
        return try await req.renderPage(
            "phone", title: req.texts["phone.title"],
            content: Content(token: token, files: files.map(\.filename), notice: notice, error: error), status: status)
    }
}
