import Foundation
import PostgresNIO
import RetourCore
import Vapor

struct ProblemDocument: Content {
    struct Item: Content {
        let field: String
        let message: String
    }

    let type: String
    let title: String
    let status: Int
    let detail: String
    let errors: [Item]
}

/// Turns every error into a clear answer: problem+json under `/api/`, an error page elsewhere.
/// Anything unexpected is logged and answered as a 500 without internals.
struct ProblemMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return await answer(error, for: request)
        }
    }

    /// What a status means, in the reader's language.
    static func said(_ status: HTTPResponseStatus, _ t: Translations) -> String {
        switch status.code {
        case 404: t["error.status.notFound"]
        case 405: t["error.status.methodNotAllowed"]
        case 401, 403: t["error.status.forbidden"]
        case 400..<500: t["error.status.badRequest"]
        default: t["app.api.somethingWentWrong"]
        }
    }

    func answer(_ error: any Error, for request: Request) async -> Response {
        var status = HTTPResponseStatus.internalServerError
        let t = request.texts
        var detail = t["app.api.somethingWentWrong"]
        var items: [ProblemDocument.Item] = []
        var headers = HTTPHeaders()
        var error = error
        if let postgres = error as? PSQLError,
            ["22021", "22P05", "54000"].contains(postgres.serverInfo?[.sqlState] ?? "")
        {
            error = Refusal.unstorableText
        }
        switch error {
        case let problem as Refusal:
            status = problem.status
            detail = problem.detail.text(t)
            items = problem.errors.map { .init(field: $0.field, message: $0.message.text(t)) }
            if let seconds = problem.retryAfter {
                headers.replaceOrAdd(name: .retryAfter, value: String(max(1, seconds)))
            }
        case let abort as any AbortError:
            status = abort.status
            // An error without words of its own (a page that does not exist) is said in the reader's
            // language, not with the status's English phrase.
            detail = abort.reason == abort.status.reasonPhrase ? Self.said(status, t) : abort.reason
            headers = abort.headers
            if status == .payloadTooLarge {
                detail = t["app.api.tooLarge"]
            }
        case let unavailable where DatabaseUnavailable.matches(unavailable):
            status = .serviceUnavailable
            headers.replaceOrAdd(name: .retryAfter, value: String(DatabaseUnavailable.retryAfterSeconds))
            detail = t["app.api.unavailable"]
            request.logger.warning("database unavailable: \(String(reflecting: unavailable))")
        case is MoneyOverflow:
            status = .unprocessableEntity
            detail = t["app.api.amountTooLarge"]
        case let decoding as DecodingError:
            status = .badRequest
            detail = t("app.api.malformed", ["detail": decoding.plainDescription])
        default:
            request.logger.report(error: error)
        }
        if status.code >= 500 && status != .serviceUnavailable {
            request.logger.error(
                "answered \(status.code) for \(request.method) \(request.url.path): \(String(reflecting: error))")
        }

        // Routes that answer JSON to the page's own script answer their errors as JSON too.
        let answersJSON = request.route.map { PageRoute.registerMaterial.matches($0) } ?? false
        if request.surface.answersMachines || answersJSON {
            let document = ProblemDocument(
                type: "about:blank", title: status.reasonPhrase, status: Int(status.code), detail: detail, errors: items
            )
            let response = Response(status: status, headers: headers)
            response.headers.contentType = HTTPMediaType(type: "application", subType: "problem+json")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
            response.body = .init(data: (try? encoder.encode(document)) ?? Data())
            if status == .unauthorized { response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer") }
            return response
        }

        struct ErrorContent: Encodable {
            let status: Int
            let detail: String
            let errors: [String]
        }
        let content = ErrorContent(status: Int(status.code), detail: detail, errors: items.map(\.message))
        // Without a database the layout cannot be filled in (it reads the user): a plain page then.
        if status != .serviceUnavailable,
            let page = try? await request.renderPage("error", title: "\(status.code)", content: content, status: status)
        {
            page.headers.add(contentsOf: headers)
            return page
        }
        let response = Response(status: status, headers: headers, body: .init(string: Self.plainPage(status, detail)))
        response.headers.contentType = .html
        return response
    }
}

extension ProblemMiddleware {
    /// A page that needs nothing but the message itself.
    static func plainPage(_ status: HTTPResponseStatus, _ detail: String) -> String {
        let escaped = detail.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        return """
            <!doctype html><html lang="nl"><head><meta charset="utf-8"><title>\(status.code)</title>\
            <meta name="viewport" content="width=device-width, initial-scale=1"></head>\
            <body><h1>Retour</h1><p>\(escaped)</p></body></html>
            """
    }
}

extension DecodingError {
    /// Which field was wrong, in words a client can act on.
    var plainDescription: String {
        func path(_ context: Context) -> String {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "the body" : path
        }
        switch self {
        case .typeMismatch(_, let context): return "\(path(context)) has the wrong type"
        case .valueNotFound(_, let context): return "\(path(context)) is missing"
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : path(context) + "."
            return "\(parent)\(key.stringValue) is missing"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context)) is not valid"
        @unknown default: return "the body is not valid"
        }
    }
}
