import Fluent
import RetourCore
import Vapor

/// `POST /api/v1/import` for administrators and the ERP.
struct ImportController: RouteCollection {
    /// The largest import document read (`RETOUR_IMPORT_MAX_MB`), only ever from an administrator.
    let maximumBytes: Int

    func boot(routes: any RoutesBuilder) throws {
        routes.on(.POST, "import", body: .collect(maxSize: ByteCount(value: maximumBytes)), use: importDocument)
            .userInfo[BodyLimit.userInfoKey] = maximumBytes
    }

    @Sendable func importDocument(req: Request) async throws -> Response {
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw Problem(.badRequest, detail: Message("app.import.sendAJsonDocumentInThe"))
        }
        let importer = Importer(
            database: req.db, hashPassword: { [password = req.password.async] in try await password.hash($0) })
        do {
            let counts = try await importer.run(json: Data(buffer: body))
            return try await counts.encodeResponse(status: .ok, for: req)
        } catch Importer.Failure.malformed {
            throw Problem(.badRequest, detail: Message("app.import.theDocumentIsNotValidJson"))
        } catch Importer.Failure.invalid(let errors) {
            throw Problem(
                .unprocessableEntity,
                detail: Message("app.import.theDocumentHasErrorSNothing", ["errorsCount": "\(errors.count)"]),
                errors: errors.map { FieldError(field: $0.pointer.description, message: $0.message) })
        }
    }
}

extension ImportCounts: Content {}
