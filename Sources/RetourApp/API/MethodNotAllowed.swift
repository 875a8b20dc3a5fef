import RetourCore
import Vapor

/// An API address that exists, asked with a method it does not have, answers 405 with the methods
/// it does have (`Allow`), not 404: a client learns that the address is right and the method wrong.
/// The operators' endpoints (`/healthz`, `/readyz`, `/metrics`) are answered so too.
struct MethodNotAllowedMiddleware: AsyncMiddleware {
    /// Path patterns of the API (`api/v1/requests/:number`) and their methods, read once from the routes.
    let methods: [(pattern: [PathComponent], methods: Set<String>)]

    init(routes: Routes) {
        var methods: [String: (pattern: [PathComponent], methods: Set<String>)] = [:]
        for route in routes.all where route.surface?.answersMachines == true {
            let key = route.path.map(\.description).joined(separator: "/")
            methods[key, default: (route.path, [])].methods.insert(route.method.rawValue)
        }
        self.methods = Array(methods.values)
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let abort as any AbortError where abort.status == .notFound {
            // A route of this method that answered 404 itself (an unknown number) stays a 404.
            guard request.surface.answersMachines, let allowed = allowedMethods(for: request.url.path),
                !allowed.contains(request.method.rawValue)
            else { throw abort }
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .allow, value: allowed.sorted().joined(separator: ", "))
            throw Abort(.methodNotAllowed, headers: headers)
        }
    }

    /// The methods of the route whose pattern matches `path`, when the request's own did not.
    private func allowedMethods(for path: String) -> Set<String>? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        for (pattern, methods) in methods where pattern.count == parts.count {
            let matches = zip(pattern, parts).allSatisfy { component, part in
                if case .parameter = component { return true }
                return component.description == part
            }
            if matches { return methods }
        }
        return nil
    }
}
