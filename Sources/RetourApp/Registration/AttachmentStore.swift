import Crypto
import Fluent
import Foundation
import RetourCore
import Vapor

/// Stores uploads under content-addressed names outside the web root and hands them out only to
/// their company and to the distributor's staff.
enum AttachmentStore {
    struct Stored: Content {
        var id: String
        var filename: String
        var size: Int
        var contentType: String
    }

    /// Checks and stores one file; 413 when too large, 415 when not an accepted type.
    static func store(
        _ data: ByteBuffer, filename rawName: String?, userID: Int, companyID: Int?, uploadToken: String? = nil,
        request: Request
    ) async throws -> Attachment {
        guard data.readableBytes <= FileKind.maximumBytes else {
            throw Problem(
                .payloadTooLarge, nl: "Een bestand is hoogstens 20 MB.", en: "A file may be at most 20 MB.",
                errors: [
                    FieldError("file", nl: "Het bestand is groter dan 20 MB.", en: "The file is larger than 20 MB.")
                ])
        }
        let bytes = Array(data.readableBytesView)
        guard !bytes.isEmpty, let kind = FileKind.detect(bytes) else {
            throw Problem(
                .unsupportedMediaType, nl: "Geaccepteerde bestandsformaten: DOC, DOCX, PDF, JPG, JPEG, PNG.",
                en: "Accepted file types: DOC, DOCX, PDF, JPG, JPEG, PNG.",
                errors: [
                    FieldError(
                        "file", nl: "Dit bestand is geen DOC, DOCX, PDF, JPG of PNG.",
                        en: "This file is not a DOC, DOCX, PDF, JPG or PNG.")
                ])
        }
        let hash = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let directory = request.config.filesDirectory + "/" + hash.prefix(2)
        let path = directory + "/" + hash
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try await request.fileio.writeFile(data, at: path)
        }
        let attachment = Attachment()
        attachment.id = UUID().uuidString.lowercased()
        attachment.companyID = companyID
        attachment.userID = userID
        attachment.uploadToken = uploadToken
        attachment.sha256 = hash
        attachment.filename = cleanName(rawName, kind: kind)
        attachment.size = bytes.count
        attachment.contentType = kind.contentType
        attachment.isImage = kind.isImage
        attachment.createdAt = request.now
        try await attachment.create(on: request.db)
        return attachment
    }

    /// A display name without paths or control characters.
    static func cleanName(_ raw: String?, kind: FileKind) -> String {
        let base = (raw ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(base.filter { !$0.isNewline && $0.asciiValue.map { $0 >= 32 } ?? true }.prefix(120))
        return cleaned.isEmpty ? "file.\(kind.rawValue)" : cleaned
    }

    /// The attachment if `user` may see it: its company's, or any for the distributor's staff.
    static func visible(_ id: String, to user: User, on database: any Database) async throws -> Attachment? {
        guard id.count <= 64, let attachment = try await Attachment.find(id, on: database) else { return nil }
        if user.role.seesAllCompanies { return attachment }
        return attachment.companyID != nil && attachment.companyID == user.companyID ? attachment : nil
    }

    static func download(_ attachment: Attachment, request: Request) async throws -> Response {
        let path = request.config.filesDirectory + "/" + attachment.sha256.prefix(2) + "/" + attachment.sha256
        let response = try await request.fileio.asyncStreamFile(at: path)
        response.headers.replaceOrAdd(name: .contentType, value: attachment.contentType)
        let ascii = attachment.filename.filter { $0.isASCII && $0 != "\"" }
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(ascii)\"")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }
}

/// `POST /api/v1/attachments` and `GET /api/v1/attachments/{id}`.
struct AttachmentsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.on(.POST, "attachments", body: .collect(maxSize: "21mb"), use: upload)
        routes.get("attachments", ":id", use: download)
    }

    struct Upload: Content {
        var file: File
    }

    @Sendable func upload(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let upload = try? req.content.decode(Upload.self) else {
            throw Problem(
                .badRequest, nl: "Stuur het bestand als multipart-veld \"file\".",
                en: "Send the file as multipart field \"file\".")
        }
        let stored = try await AttachmentStore.store(
            upload.file.data, filename: upload.file.filename, userID: try user.requireID(), companyID: user.companyID,
            request: req)
        return try await AttachmentStore.Stored(
            id: stored.id ?? "", filename: stored.filename, size: stored.size, contentType: stored.contentType
        ).encodeResponse(status: .created, for: req)
    }

    @Sendable func download(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id"),
            let attachment = try await AttachmentStore.visible(id, to: user, on: req.db)
        else { throw Problem.notFound() }
        return try await AttachmentStore.download(attachment, request: req)
    }
}
