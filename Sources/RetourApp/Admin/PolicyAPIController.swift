import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// Policies for administrators through the API: the version in force, the versions, a new
/// version, and a what-if of a draft.
struct PolicyAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.policies, use: list)
        routes.post(APIRoute.policies, use: create)
        routes.post(APIRoute.policiesWhatIf, use: whatIf)
    }

    struct VersionView: Content {
        var version: Int
        var effectiveFrom: String
        var note: String?
        var createdAt: Date
    }

    struct PolicyList: Content {
        var current: Int
        var policy: Policy
        var versions: [VersionView]
    }

    struct NewVersion: Content {
        var policy: Policy
        var effectiveFrom: String?
        var note: String?
    }

    struct WhatIfRequest: Content {
        var policy: Policy
        var days: Int?
    }

    struct WhatIfAnswer: Content {
        struct Change: Content {
            var reason: String
            var allowedToRefused: Int
            var refusedToAllowed: Int
        }

        var lines: Int
        var changes: [Change]
    }

    @Sendable func list(req: Request) async throws -> PolicyList {
        let (version, policy) = try await PolicyStore.current(on: req.db, day: req.today)
        let versions = try await PolicyQueries(database: req.db).versions(limit: 100)
        return PolicyList(
            current: version, policy: policy,
            versions: versions.map {
                VersionView(
                    version: $0.version, effectiveFrom: $0.effectiveFrom, note: $0.note, createdAt: $0.createdAt)
            })
    }

    @Sendable func create(req: Request) async throws -> Response {
        let admin = try req.requireUser()
        let body = try Self.decodePolicy(NewVersion.self, req)
        let record = try await PublishPolicy(
            store: req.rulesStore, actorID: try admin.requireID(), now: req.now, today: req.today
        ).run(body.policy, effectiveFrom: body.effectiveFrom, note: body.note)
        return try await VersionView(
            version: record.version, effectiveFrom: record.effectiveFrom.iso, note: record.note,
            createdAt: record.createdAt
        ).encodeResponse(status: .created, for: req)
    }

    /// Well-formed JSON that is no complete policy (a section or value missing) is refused by the
    /// policy's rules, 422, naming what is missing; broken JSON stays a 400.
    private static func decodePolicy<Body: Decodable>(_ type: Body.Type, _ req: Request) throws -> Body {
        do {
            return try req.content.decode(type)
        } catch let error as DecodingError {
            // Only a missing part is the policy's fault; a wrong type or broken JSON stays a 400.
            switch error {
            case .keyNotFound, .valueNotFound: break
            default: throw error
            }
            throw Refusal(
                .invalid,
                detail: Message("app.admin.incompletePolicy", ["detail": .text(error.plainDescription)]))
        }
    }

    @Sendable func whatIf(req: Request) async throws -> WhatIfAnswer {
        let body = try Self.decodePolicy(WhatIfRequest.self, req)
        let days = body.days ?? 30
        var errors = body.policy.problems()
        if !(1...730).contains(days) { errors.append(FieldError("days", message: Message("app.admin.1To730Days"))) }
        guard errors.isEmpty else { throw Refusal.invalid(errors) }
        let (_, current) = try await PolicyStore.current(on: req.db, day: req.today)
        let lines = try await LineFactsQuery.invoiced(
            since: req.today.adding(days: -days), limit: PolicyAdminController.whatIfLineLimit, on: req.db)
        let result = WhatIf.compare(lines.facts, current: current, draft: body.policy, today: req.today)
        return WhatIfAnswer(
            lines: result.lines,
            changes: result.changes.map {
                .init(
                    reason: $0.reason.rawValue, allowedToRefused: $0.allowedToRefused,
                    refusedToAllowed: $0.refusedToAllowed)
            })
    }
}

extension Policy: Content {}
