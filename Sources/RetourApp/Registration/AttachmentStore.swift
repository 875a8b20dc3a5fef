import Crypto
import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// Hands stored uploads out only to their company and to the distributor's staff (`StoreUploads`
/// keeps them).
enum AttachmentStore {
    struct Stored: Content {
        var id: String
        var filename: String
        var size: Int
        var contentType: String
    }

    /// Where streamed uploads wait, on the same file system as the stored files so that keeping one
    /// is a rename.
    static func temporaryDirectory(_ config: AppConfig) -> String { config.filesDirectory + "/tmp" }

    /// RFC 6266: an ASCII fallback name and the real one in UTF-8 (`filename*`).
    static func contentDisposition(_ filename: String, inline: Bool = false) -> String {
        let ascii = String(filename.map { $0.isASCII && $0 != "\"" && $0 != "\\" && !$0.isNewline ? $0 : "_" })
        let encoded =
            filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: ".-_")))
            ?? ascii
        return "\(inline ? "inline" : "attachment"); filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }

    /// A display name without paths, control characters or direction overrides (which make
    /// `photo\u{202E}gpj.exe` read as `photoexe.jpg`). Browsers send a quote in a file name as `%22`
    /// and line breaks as `%0A`/`%0D` (the HTML standard's multipart encoding): read back once, so
    /// that the download's own encoding does not encode them a second time.
    static func cleanName(_ raw: String?, kind: FileKind) -> String {
        let unescaped = (raw ?? "").replacingOccurrences(of: "%22", with: "\"")
            .replacingOccurrences(of: "%0A", with: "").replacingOccurrences(of: "%0D", with: "")
        let base = unescaped.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let kept = base.unicodeScalars.filter { $0.value >= 0x20 && !TypedText.hasInvisibleControls(String($0)) }
        let cleaned = String(String(String.UnicodeScalarView(kept)).prefix(120))
        return cleaned.trimmingWhitespace().isEmpty ? "file.\(kind.rawValue)" : cleaned
    }

    /// The attachment if `user` may see it: its company's, or any for the distributor's staff.
    static func visible(_ id: String, to user: User, on database: any Database) async throws -> Attachment? {
        guard id.count <= 64, let attachment = try await Attachment.find(id, on: database) else { return nil }
        switch try user.companyScope() {
        case .allCompanies: return attachment
        case .company(let own): return attachment.companyID == own ? attachment : nil
        }
    }

    static func download(_ attachment: Attachment, request: Request) async throws -> Response {
        let response = try await request.response(
            sending: request.application.fileStore.content(of: attachment.sha256, now: request.now, on: request.db))
        response.headers.replaceOrAdd(name: .contentType, value: attachment.contentType)
        response.headers.replaceOrAdd(name: .contentDisposition, value: contentDisposition(attachment.filename))
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }
}

/// `POST /api/v1/attachments` and `GET /api/v1/attachments/{id}`.
struct AttachmentsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        // Streamed to disk by `UploadStream`, which guards the multipart syntax itself.
        routes.on(.POST, APIRoute.attachments, body: .stream, use: upload).userInfo[BodyLimit.streamsUploadKey] = true
        routes.get(APIRoute.attachment, use: download)
    }

    struct Upload: Content {
        var file: File
    }

    @Sendable func upload(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try await UploadStream.read(
            req, csrf: nil, maximumFiles: 1, directory: AttachmentStore.temporaryDirectory(req.config))
        guard let file = form.files.first(where: { $0.field == "file" }) else {
            form.discard()
            throw Refusal(
                .malformed, detail: Message("app.registration.sendTheFileAsMultipartField"))
        }
        let result = try await req.storeUploads(user: user, companyID: user.companyID).run([file.arrived])
        guard let attachment = result.files.first else {
            throw Refusal(
                result.overQuota ? .tooManyAttempts : .unsupportedType,
                detail: result.errors.first?.message ?? Message("app.registration.fileRefused"), errors: result.errors)
        }
        return try await AttachmentStore.Stored(
            id: attachment.id, filename: attachment.filename, size: attachment.size,
            contentType: attachment.contentType
        ).encodeResponse(status: .created, for: req)
    }

    @Sendable func download(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id"),
            let attachment = try await AttachmentStore.visible(id, to: user, on: req.db)
        else { throw Refusal.notFound() }
        return try await AttachmentStore.download(attachment, request: req)
    }
}
