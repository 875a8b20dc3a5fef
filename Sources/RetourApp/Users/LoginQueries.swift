import Fluent
import Foundation
import RetourCore
import SQLKit

/// The companies and their logins as the administrator's and the purchasing department's pages
/// list them.
struct LoginQueries {
    let database: any Database

    enum Order { case name, email }

    /// A company's logins, a page at a time: by name on the administrator's page, by e-mail on the
    /// company's own.
    func logins(of companyID: Int?, by order: Order, page: PageRequest) async throws -> FluentKit.Page<User> {
        let query = User.query(on: database).filter(\.$company.$id == companyID)
        switch order {
        case .name: query.sort(\.$name).sort(\.$id)
        case .email: query.sort(\.$email)
        }
        return try await query.paginate(page)
    }

    func logins(emails: [String]) async throws -> [User] {
        try await User.query(on: database).filter(\.$email ~~ emails).all()
    }

    func login(email: String) async throws -> User? {
        try await User.query(on: database).filter(\.$email == email).first()
    }

    /// The login `id` when it belongs to `companyID`.
    func login(_ id: Int, of companyID: Int) async throws -> User? {
        guard let user = try await User.find(id, on: database), user.$company.id == companyID else { return nil }
        return user
    }

    func company(_ id: Int?) async throws -> Company? {
        guard let id else { return nil }
        return try await Company.find(id, on: database)
    }

    /// The login's company: as it was read with the login (the session's one query for both), or
    /// read now.
    func company(of user: User) async throws -> Company? {
        if let loaded = user.$company.value { return loaded }
        return try await company(user.companyID)
    }

    struct CompanyRow: Codable {
        var id: Int
        var number: String
        var name: String
        var city: String?
        var country: String?
        var logins: Int
    }

    /// Companies whose number is `query` or whose name holds it, whatever the case; by name, with
    /// how many logins each has. All of them when `query` is empty.
    func companies(matching query: String, page: Int, per: Int) async throws -> (rows: [CompanyRow], total: Int) {
        struct CountRow: Decodable { var count: Int }
        let pattern = "%" + query.lowercased().filter { $0 != "%" && $0 != "_" } + "%"
        let filter: SQLQueryString =
            query.isEmpty ? "" : " WHERE c.number = \(bind: query) OR LOWER(c.name) LIKE \(bind: pattern)"
        let sql = database.sql
        let total =
            try await sql.raw("SELECT COUNT(*) AS count FROM companies c" + filter).first(decoding: CountRow.self)?
            .count ?? 0
        let rows = try await sql.raw(
            """
            SELECT c.id, c.number, c.name, c.city, c.country,
                   (SELECT COUNT(*) FROM users u WHERE u.company_id = c.id) AS logins
            FROM companies c
            """ + filter + " ORDER BY c.name, c.id LIMIT \(literal: per) OFFSET \(literal: (page - 1) * per)"
        ).all(decoding: CompanyRow.self)
        return (rows, total)
    }
}
