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

    /// Where streamed uploads wait, on the same file system as the stored files so that keeping one
    /// is a rename.
    static func temporaryDirectory(_ config: AppConfig) -> String { config.filesDirectory + "/tmp" }

    /// Checks and stores one streamed file; 415 when it is not an accepted type. The file is moved
    /// into place by a rename, so a crash never leaves a half-written file under a content address.
    static func store(
        _ file: StreamedFile, userID: Int, companyID: Int?, uploadToken: String? = nil, request: Request
    ) async throws -> Attachment {
        defer { try? FileManager.default.removeItem(atPath: file.temporaryPath) }
        guard file.size > 0, let kind = try detect(file.temporaryPath) else {
            throw Problem(
                .unsupportedMediaType, detail: Message("app.registration.acceptedFileTypesDocDocxPdf"),
                errors: [
                    FieldError(
                        "file", message: Message("app.registration.thisFileIsNotADoc"))
                ])
        }
        try request.application.fileStore.put(temporaryFile: file.temporaryPath, digest: file.sha256)
        let attachment = Attachment()
        attachment.id = UUID().uuidString.lowercased()
        attachment.companyID = companyID
        attachment.userID = userID
        attachment.uploadToken = uploadToken
        attachment.sha256 = file.sha256
        attachment.filename = cleanName(file.filename, kind: kind)
        attachment.size = file.size
        attachment.contentType = kind.contentType
        attachment.isImage = kind.isImage
        attachment.createdAt = request.now
        try await attachment.create(on: request.db)
        return attachment
    }

    /// The kind of the file at `path`, judged by its bytes. The file is mapped, not read, so a
    /// 20 MB container costs no 20 MB of memory.
    private static func detect(_ path: String) throws -> FileKind? {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        return data.withUnsafeBytes { FileKind.detect(Array($0.bindMemory(to: UInt8.self))) }
    }

    /// Bytes uploaded by `userID` since the start of the day, for the daily quota.
    static func uploadedToday(by userID: Int, request: Request) async throws -> Int {
        // The distributor's day, not the server's: the quota starts again at its midnight.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = request.config.timeZone
        let since = calendar.startOfDay(for: request.now)
        let files = try await Attachment.query(on: request.db).filter(\.$userID == userID)
            .filter(\.$createdAt >= since).all(\.$size)
        return files.reduce(0, +)
    }

    /// What became of the files of one form.
    struct StoredFiles {
        var attachments: [Attachment] = []
        /// One per refused file, so that the form can show them and keep what was stored.
        var errors: [FieldError] = []
        /// Whether a file was refused because the user's daily quota was used up.
        var overQuota = false
    }

    /// Stores the streamed files of one form for `userID`, within the daily quota.
    static func storeAll(
        _ files: [StreamedFile], userID: Int, companyID: Int?, uploadToken: String? = nil, request: Request
    ) async throws -> StoredFiles {
        var result = StoredFiles()
        var used = try await uploadedToday(by: userID, request: request)
        for file in files {
            guard used + file.size <= request.config.uploadBytesPerUserDay else {
                try? FileManager.default.removeItem(atPath: file.temporaryPath)
                let megabytes = request.config.uploadBytesPerUserDay / (1024 * 1024)
                result.overQuota = true
                result.errors.append(
                    FieldError(
                        "attachments",
                        message: Message(
                            "app.registration.youHaveUploadedMbOfFiles",
                            ["filename": "\(file.filename)", "megabytes": "\(megabytes)"])))
                continue
            }
            do {
                result.attachments.append(
                    try await store(
                        file, userID: userID, companyID: companyID, uploadToken: uploadToken, request: request))
                used += file.size
            } catch let problem as Problem {
                result.errors += problem.errors.map {
                    FieldError(
                        field: "attachments",
                        message: Message(
                            "app.registration.fileProblem",
                            ["file": "\(file.filename)", "problem": .message($0.message)]))
                }
            }
        }
        return result
    }

    /// RFC 6266: an ASCII fallback name and the real one in UTF-8 (`filename*`).
    static func contentDisposition(_ filename: String, inline: Bool = false) -> String {
        let ascii = String(filename.map { $0.isASCII && $0 != "\"" && $0 != "\\" && !$0.isNewline ? $0 : "_" })
        let encoded =
            filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: ".-_")))
            ?? ascii
        return "\(inline ? "inline" : "attachment"); filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
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
        switch try user.companyScope() {
        case .allCompanies: return attachment
        case .company(let own): return attachment.companyID == own ? attachment : nil
        }
    }

    static func download(_ attachment: Attachment, request: Request) async throws -> Response {
        let response = try await request.application.fileStore.stream(attachment.sha256, for: request)
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
        routes.on(.POST, "attachments", body: .stream, use: upload).userInfo[BodyLimit.streamsUploadKey] = true
        routes.get("attachments", ":id", use: download)
    }

    struct Upload: Content {
        var file: File
    }

    @Sendable func upload(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let userID = try user.requireID()
        let form = try await UploadStream.read(
            req, csrf: nil, maximumFiles: 1, directory: AttachmentStore.temporaryDirectory(req.config))
        guard let file = form.files.first(where: { $0.field == "file" }) else {
            form.discard()
            throw Problem(
                .badRequest, detail: Message("app.registration.sendTheFileAsMultipartField"))
        }
        let result = try await AttachmentStore.storeAll(
            [file], userID: userID, companyID: user.companyID, request: req)
        guard let attachment = result.attachments.first else {
            throw Problem(
                result.overQuota ? .tooManyRequests : .unsupportedMediaType,
                detail: result.errors.first?.message ?? Message("app.registration.fileRefused"), errors: result.errors)
        }
        return try await AttachmentStore.Stored(
            id: attachment.id ?? "", filename: attachment.filename, size: attachment.size,
            contentType: attachment.contentType
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
