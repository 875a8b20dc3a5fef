import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The page a phone opens by scanning the form's QR code: it uploads photos and documents for
/// one registration without logging in, for half an hour. The unguessable key in the address is
/// the only credential, so it also stands in for the CSRF token. The key is checked before a byte
/// of the body is read; the files then stream to disk within their limits.
struct PhoneUploadController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.phoneUpload, use: show)
        // Streamed to disk by `UploadStream`, which guards the multipart syntax itself.
        routes.on(.POST, PageRoute.phoneUpload, body: .stream, use: upload).userInfo[BodyLimit.streamsUploadKey] = true
    }

    struct Content: Encodable {
        var token: String
        var lang: String
        var article: String
        var files: [String]
        var notice: String?
        var error: String?
    }

    @Sendable func show(req: Request) async throws -> Response {
        let (token, record) = try await valid(req)
        return try await render(req, token: token, record: record)
    }

    @Sendable func upload(req: Request) async throws -> Response {
        let (token, record) = try await valid(req)
        let already = try await CartQueries(database: req.db).phoneUploadCount(record.tokenHash)
        let room = req.config.filesPerPhoneLink - already
        guard room > 0 else {
            throw Refusal(
                .tooManyAttempts,
                detail: Message(
                    "app.registration.thisLinkHasReceivedFilesAlready",
                    ["filesPerPhoneLink": "\(req.config.filesPerPhoneLink)"]))
        }
        let streamed = try await UploadStream.read(
            req, csrf: nil, maximumFiles: room, directory: AttachmentStore.temporaryDirectory(req.config))
        defer { streamed.discard() }
        let result = try await StoreUploads(
            owner: FileOwner(userID: record.userID, companyID: record.companyID, uploadToken: record.tokenHash),
            store: DatabaseUploadStore(database: req.db, fileStore: req.application.fileStore), now: req.now,
            timeZone: req.config.timeZone, bytesPerDay: req.config.uploadBytesPerUserDay
        ).run(streamed.files.arrived, joining: record.positionID)
        let stored = result.files
        let t = req.texts
        let problems = result.errors.map { $0.message.text(req.texts) }
        return try await render(
            req, token: token, record: record,
            notice: stored.isEmpty
                ? nil : t(stored.count == 1 ? "phone.uploaded.one" : "phone.uploaded", ["count": "\(stored.count)"]),
            error: problems.isEmpty ? (stored.isEmpty ? t["phone.none"] : nil) : problems.joined(separator: " "),
            status: problems.isEmpty && !stored.isEmpty ? .ok : .unprocessableEntity)
    }

    private func valid(_ req: Request) async throws -> (String, UploadToken) {
        // The language of the form that showed the QR code, carried in its address.
        if let code = req.query[String.self, at: "lang"], let language = Language(rawValue: code) {
            req.storage[Request.ChosenLanguageKey.self] = language
        }
        let token = req.parameters.get("token") ?? ""
        guard token.count <= 64,
            let record = try await CartQueries(database: req.db).uploadLink(token)
        else { throw Refusal.notFound() }
        var positionGone = false
        if let positionID = record.positionID {
            positionGone = try await CartQueries(database: req.db).position(positionID) == nil
        }
        guard record.expiresAt > req.now, !positionGone else {
            throw Refusal(
                .gone, detail: Message("app.registration.thisLinkIsNoLongerValid"))
        }
        return (token, record)
    }

    private func render(
        _ req: Request, token: String, record: UploadToken, notice: String? = nil, error: String? = nil,
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let files = try await CartQueries(database: req.db).phoneUploads(record.tokenHash)
        // The article the photos are for, as the form on the computer names it.
        var article = ""
        if case (let line?, let described?) = try await CartQueries(database: req.db).line(record.lineID) {
            article = req.texts(
                "phone.article",
                ["article": described.number, "description": described.description, "invoice": line.invoiceNumber])
        }
        return try await req.renderPage(
            "phone", title: req.texts["phone.title"],
            content: Content(
                token: token, lang: req.language.rawValue, article: article, files: files.map(\.filename),
                notice: notice, error: error), status: status)
    }
}
