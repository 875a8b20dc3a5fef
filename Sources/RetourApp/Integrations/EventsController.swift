import Fluent
import Foundation
import RetourCore
import SQLKit
import Vapor

/// `GET /api/v1/events?after=&limit=`: every event in order, for systems that poll. The cursor is
/// the last event's sequence number; events are numbered in commit order, so a page never skips
/// one that commits later.
struct EventsController: RouteCollection {
    static let maximumLimit = 500

    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.events, use: list)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let user = try req.requireUser()
        var after: Int64 = 0
        if let raw = req.query[String.self, at: "after"], !raw.isEmpty {
            guard raw.count <= 18, raw.allSatisfy(\.isASCII), let value = Int64(raw), value >= 0 else {
                throw Refusal(
                    .malformed, detail: Message("app.api.theParameterIsNotValid", ["name": "after"]),
                    errors: [FieldError("after", message: Message("app.events.cursor"))])
            }
            after = value
        }
        let limit = try req.boundedQuery("limit", in: 1...Self.maximumLimit, default: 100)
        let events = try await IntegrationQueries.events(
            after: after, in: try user.companyScope(), limit: limit, on: req.db)
        let next = events.last?.sequence ?? after
        // The bodies are stored as sent: written out as they are, not decoded and encoded again.
        let body = #"{"events":["# + events.map(\.body).joined(separator: ",") + #"],"next":""# + "\(next)" + #""}"#
        let response = Response(status: .ok, body: .init(string: body))
        response.headers.contentType = .json
        return response
    }
}
