import Fluent
import Foundation
import RetourCore
import Vapor

/// `/api/v1/api-keys`: a reseller's purchasing department makes keys for its company's systems
/// (`read`, `register`), an administrator for the ERP (`import`, `read_all`).
struct APIKeysController: RoleRouteCollection {
    func boot(_ routes: RoleRoutes) throws {
        let keys = routes.keyMakers.grouped("api-keys")
        keys.post(use: create)
        keys.get(use: list)
        keys.get(":id", use: show)
        keys.delete(":id", use: revoke)
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
            role = key.roleName
            status = key.revokedAt != nil ? "revoked" : key.stands(for: maker) ? "active" : "ended"
        }
    }

    struct KeyList: Content {
        var apiKeys: [KeyView]
        var page: Int
        var per: Int
        var total: Int
    }

    static let maximumNameLength = 100
    /// Keys that are not revoked, per company (and for the distributor's own): each has its own
    /// rate budget, so their number is bounded too.
    static let maximumPerCompany = 20

    @Sendable func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let body = try req.content.decode(CreateBody.self)
        var errors: [FieldError] = []
        let name = (body.name ?? "").trimmingWhitespace()
        if name.isEmpty || name.count > Self.maximumNameLength {
            errors.append(
                FieldError("name", message: Message("app.apikeys.nameLength", ["maximum": "\(Self.maximumNameLength)"]))
            )
        }
        let grantable = APIScope.grantable(by: user.role)
        let requested = body.scopes ?? []
        let scopes = Set(requested.compactMap(APIScope.init(rawValue:)))
        if requested.isEmpty || requested.count > APIScope.allCases.count || scopes.count != requested.count
            || !scopes.isSubset(of: grantable)
        {
            errors.append(
                FieldError(
                    "scopes",
                    message: Message(
                        "app.apikeys.chooseScopes",
                        ["scopes": .text(grantable.map(\.rawValue).sorted().joined(separator: ", "))])
                ))
        }
        guard errors.isEmpty else { throw Problem.invalid(errors) }

        let key = APIKeys.prefix + randomToken(bytes: 32)
        let record = APIKey()
        let companyID = user.role.belongsToCompany ? user.companyID : nil
        record.companyID = companyID
        record.userID = try user.requireID()
        record.roleName = user.role.rawValue
        record.name = name
        record.keyHash = Tokens.hash(key)
        record.keyPrefix = String(key.prefix(APIKeys.prefix.count + 6))
        record.scopeList = scopes.map(\.rawValue).sorted().joined(separator: " ")
        record.createdAt = req.now
        record.windowStart = 0
        record.windowCount = 0
        record.previousCount = 0
        let userID = try user.requireID()
        try await req.db.writeTransaction { db in
            // The company (or for the distributor's keys, the maker) is locked while counting, so
            // two keys made at once cannot both be the twentieth.
            if let companyID {
                try await db.lockForUpdate(Company.schema, ids: [companyID])
            } else {
                try await db.lockForUpdate(User.schema, ids: [userID])
            }
            let live = try await APIKey.query(on: db).filter(\.$companyID == companyID).filter(\.$revokedAt == nil)
                .count()
            guard live < Self.maximumPerCompany else {
                throw Problem(
                    .conflict, detail: Message("app.apikeys.tooMany", ["maximum": "\(Self.maximumPerCompany)"]))
            }
            try await record.create(on: db)
        }
        let created = Created(
            id: try record.requireID(), key: key, name: name, scopes: scopes.map(\.rawValue).sorted(),
            createdAt: record.createdAt)
        let response = try await created.encodeResponse(status: .created, for: req)
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    @Sendable func list(req: Request) async throws -> KeyList {
        let user = try req.requireUser()
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let per = try req.boundedQuery("per", in: 1...500, default: 50)
        let keys = try await visible(to: user, on: req.db).sort(\.$id, .descending)
            .paginate(PageRequest(page: page, per: per))
        let makers = try await User.query(on: req.db).filter(\.$id ~~ Set(keys.items.map(\.userID))).all()
        return KeyList(
            apiKeys: keys.items.map { key in KeyView(key, maker: makers.first { $0.id == key.userID }) },
            page: page, per: per, total: keys.metadata.total)
    }

    @Sendable func show(req: Request) async throws -> KeyView {
        let key = try await find(req)
        return KeyView(key, maker: try await User.find(key.userID, on: req.db))
    }

    /// Revoked at once everywhere (every request checks its key); kept, so its use stays on record.
    @Sendable func revoke(req: Request) async throws -> HTTPStatus {
        let key = try await find(req)
        if key.revokedAt == nil {
            key.revokedAt = req.now
            try await key.save(on: req.db)
        }
        return .noContent
    }

    private func find(_ req: Request) async throws -> APIKey {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self),
            let key = try await visible(to: user, on: req.db).filter(\.$id == id).first()
        else { throw Problem.notFound() }
        return key
    }

    /// A reseller's purchasing department sees its company's keys; an administrator every key, so
    /// that a leaked one can be revoked whoever made it.
    private func visible(to user: User, on db: any Database) -> QueryBuilder<APIKey> {
        let query = APIKey.query(on: db)
        if user.role.belongsToCompany { return query.filter(\.$companyID == user.companyID) }
        return query
    }
}
