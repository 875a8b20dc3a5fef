import Fluent
import Foundation
import RetourCore

/// The policy's versions, brands and articles as the administrator's pages and the API show them.
struct PolicyQueries {
    let database: any Database

    /// The newest versions first.
    func versions(limit: Int) async throws -> [PolicyVersion] {
        try await PolicyVersion.query(on: database).sort(\.$version, .descending).limit(limit).all()
    }

    /// The number the next stored version will get.
    func nextVersion() async throws -> Int {
        (try await PolicyVersion.query(on: database).max(\.$version) ?? 0) + 1
    }

    /// The policy of a stored version (the standard policy where it is gone): a request is settled
    /// under the version it was decided under.
    func policy(version: Int) async throws -> Policy {
        guard let stored = try await PolicyVersion.query(on: database).filter(\.$version == version).first()
        else { return .standard }
        return try PolicyStore.decode(stored.document)
    }

    /// The brands by name, a page at a time.
    func brands(page: PageRequest) async throws -> FluentKit.Page<Brand> {
        try await Brand.query(on: database).sort(\.$name).paginate(page)
    }

    /// The articles of `numbers` that are known, with their brands.
    func articles(_ numbers: [String]) async throws -> [Article] {
        try await Article.query(on: database).filter(\.$number ~~ numbers).with(\.$brand).all()
    }
}
