import Foundation
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    @Suite struct OpenAPITests {
        @Test func everyAPIRouteIsDescribed() async throws {
            try await withRetour { app in
                let response = try await app.get("/api/v1/openapi.json", token: nil)
                #expect(response.status == .ok)
                let paths = try #require(try response.json()["paths"] as? [String: [String: Any]])
                let routes = app.routes.all.filter { $0.path.first?.description == "api" }
                #expect(routes.count >= 5)
                for route in routes {
                    let path =
                        "/"
                        + route.path.map { component -> String in
                            if case .parameter(let name) = component { return "{\(name)}" }
                            return component.description
                        }.joined(separator: "/")
                    let method = route.method.rawValue.lowercased()
                    #expect(paths[path]?[method] != nil, "\(method.uppercased()) \(path) is missing from openapi.json")
                }
                // And nothing is described that does not exist.
                let described = paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" }
                }
                let real = Set(
                    routes.map { route in
                        "\(route.method.rawValue) /"
                            + route.path.map { component -> String in
                                if case .parameter(let name) = component { return "{\(name)}" }
                                return component.description
                            }.joined(separator: "/")
                    })
                for operation in described {
                    #expect(real.contains(operation), "\(operation) is described but has no route")
                }
            }
        }
    }
}
