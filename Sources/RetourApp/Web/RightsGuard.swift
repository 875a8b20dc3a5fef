import RetourCore
import Vapor

/// Checks a reseller's rights (`UserRight.needed`) before any route runs, for the pages and the
/// API alike: 403, naming the missing right and who grants it.
struct RightsGuard: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let user = request.auth.get(User.self), user.role.belongsToCompany,
            let right = UserRight.needed(method: request.method.rawValue, path: request.url.path),
            !user.rights.contains(right)
        {
            throw Refusal(
                .forbidden,
                detail: Message(
                    "rights.missing",
                    ["right": .message(right.name)]))
        }
        return try await next.respond(to: request)
    }
}
