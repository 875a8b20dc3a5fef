import Fluent
import RetourCore
import Vapor

/// `POST /api/v1/import` for administrators and the ERP.
struct ImportController: RouteCollection {
    /// The largest import document read (`RETOUR_IMPORT_MAX_MB`), only ever from an administrator.
    let maximumBytes: Int

    func boot(routes: any RoutesBuilder) throws {
        // Streamed to a file, never held whole: the import reads it back a record at a time.
        routes.on(.POST, APIRoute.importDocument, body: .stream, use: importDocument).userInfo[BodyLimit.userInfoKey] =
            maximumBytes
    }

    @Sendable func importDocument(req: Request) async throws -> Response {
        let path = try await receive(req)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var importer = Importer(
            database: req.db, hashPassword: { [password = req.password.async] in try await password.hash($0) })
        importer.resellerUsersOnly = req.auth.has(APIKeyGrant.self)
        importer.invite = req.application.invitationSender()
        do {
            let counts = try await importer.run(.file(path))
            return try await counts.encodeResponse(status: .ok, for: req)
        } catch Importer.Failure.malformed {
            throw Refusal(.malformed, detail: Message("app.import.theDocumentIsNotValidJson"))
        } catch Importer.Failure.beyondTheKey(let errors) {
            throw Refusal(
                .forbidden, detail: Message("app.import.keyMakesResellersOnly"),
                errors: errors.map { FieldError(field: $0.pointer.description, message: $0.message) })
        } catch Importer.Failure.invalid(let errors) {
            throw Refusal(
                .invalid,
                detail: Message("app.import.theDocumentHasErrorSNothing", ["errorsCount": "\(errors.count)"]),
                errors: errors.map { FieldError(field: $0.pointer.description, message: $0.message) })
        }
    }
}

extension ImportController {
    /// Writes the body to a file of its own, refusing it with 413 once it passes the limit.
    private func receive(_ req: Request) async throws -> String {
        if let length = req.headers.first(name: .contentLength).flatMap(Int.init), length > maximumBytes {
            throw Abort(.payloadTooLarge)
        }
        let directory = AttachmentStore.temporaryDirectory(req.config)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/import-" + UUID().uuidString.lowercased() + ".json"
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw Abort(.internalServerError) }
        var written = 0
        do {
            defer { try? handle.close() }
            func write(_ buffer: ByteBuffer) throws {
                written += buffer.readableBytes
                guard written <= maximumBytes else { throw Abort(.payloadTooLarge) }
                try handle.write(contentsOf: buffer.readableBytesView)
            }
            if let collected = req.body.data {
                try write(collected)
            } else {
                for try await buffer in req.body { try write(buffer) }
            }
            guard written > 0 else {
                throw Refusal(.malformed, detail: Message("app.import.sendAJsonDocumentInThe"))
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return path
    }
}

extension ImportCounts: Content {}
