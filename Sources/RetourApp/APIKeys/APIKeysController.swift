import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// `/api/v1/api-keys`: a reseller's purchasing department makes keys for its company's systems
/// (`read`, `register`), an administrator for the ERP (`import`, `read_all`).
struct APIKeysController: RoleRouteCollection {
    func boot(_ routes: RoleRoutes) throws {
        let keyMakers = routes.keyMakers
        keyMakers.post(APIRoute.apiKeys, use: create)
        keyMakers.get(APIRoute.apiKeys, use: list)
        keyMakers.get(APIRoute.apiKey, use: show)
        keyMakers.delete(APIRoute.apiKey, use: revoke)
    }

    struct CreateBody: Content {
        var name: String?
        var scopes: [String]?
    }

    struct Created: Content {
        var id: Int
        /// The key itself: shown this once, stored only as a hash.
        var key: String
        var name: String
        var scopes: [String]
        var createdAt: Date
    }

    struct KeyView: Content {
        var id: Int
        var name: String
        var prefix: String
        var scopes: [String]
        var createdAt: Date
        var lastUsedAt: Date?
        var revokedAt: Date?
        var company: Int?
        /// The role it acts in: its maker's when it was made.
        var role: String?
        /// `active`, `revoked`, or `ended` (its maker left the company, changed role or was
        /// switched off).
        var status: String

        init(_ key: APIKey, maker: User?) {
            id = key.id ?? 0
            name = key.name
            prefix = key.keyPrefix
            scopes = key.scopes.map(\.rawValue).sorted()
            createdAt = key.createdAt
            lastUsedAt = key.lastUsedAt.map { Date(timeIntervalSince1970: TimeInterval($0)) }
            revokedAt = key.revokedAt
            company = key.companyID
            role = key.role?.rawValue
            status = key.revokedAt != nil ? "revoked" : key.stands(for: maker) ? "active" : "ended"
        }
    }

    struct KeyList: Content {
        var apiKeys: [KeyView]
        var page: Int
        var per: Int
        var total: Int
    }

    @Sendable func create(req: Request) async throws -> Response {
        let body = try req.content.decode(CreateBody.self)
        let manage = try req.manageIntegrations()
        let (id, key) = try await manage.createKey(name: body.name ?? "", scopes: body.scopes ?? [])
        let record = try await IntegrationQueries.key(id, in: manage.scope, on: req.db)
        let created = Created(
            id: try record.requireID(), key: key, name: record.name, scopes: record.scopes.map(\.rawValue).sorted(),
            createdAt: record.createdAt)
        let response = try await created.encodeResponse(status: .created, for: req)
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    @Sendable func list(req: Request) async throws -> KeyList {
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let per = try req.boundedQuery("per", in: 1...500, default: 50)
        let found = try await IntegrationQueries.keysPage(
            in: try req.requireUser().companyScope(), page: PageRequest(page: page, per: per), on: req.db)
        return KeyList(
            apiKeys: found.keys.map { KeyView($0.0, maker: $0.maker) }, page: page, per: per, total: found.total)
    }

    @Sendable func show(req: Request) async throws -> KeyView {
        let (key, maker) = try await IntegrationQueries.keyWithMaker(
            try id(req), in: try req.requireUser().companyScope(), on: req.db)
        return KeyView(key, maker: maker)
    }

    @Sendable func revoke(req: Request) async throws -> HTTPStatus {
        try await req.manageIntegrations().revokeKey(try id(req))
        return .noContent
    }

    private func id(_ req: Request) throws -> Int {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Refusal.notFound() }
        return id
    }
}
