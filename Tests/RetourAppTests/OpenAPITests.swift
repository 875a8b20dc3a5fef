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
                let operations: Set<String> = ["api", "healthz", "readyz", "metrics"]
                let routes = app.routes.all.filter { operations.contains($0.path.first?.description ?? "") }
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

        @Test func aWrongMethodOnARealAddressIs405WithTheAllowedOnes() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                var headers = HTTPHeaders()
                headers.bearerAuthorization = BearerAuthorization(token: jan)
                let wrong = try await app.testing().sendRequest(.PATCH, "/api/v1/cart/positions/12", headers: headers)
                #expect(wrong.status == .methodNotAllowed)
                #expect(wrong.headers.first(name: .allow) == "DELETE, PUT")
                #expect(wrong.headers.contentType?.subType == "problem+json")
                // An address that does not exist, and an existing one that finds nothing, stay 404.
                #expect(try await app.get("/api/v1/nothing-here", token: jan).status == .notFound)
                #expect(try await app.get("/api/v1/requests/RET-9999999", token: jan).status == .notFound)
            }
        }

        /// Answers schemathesis held the API to: a blank number is not "the default" for a client,
        /// an incomplete policy is refused by the policy's rules, a date is a date even beside a period.
        @Test func edgeInputsGetTheDocumentedAnswers() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let admin = try await app.token("admin@retour.example")
                #expect(try await app.get("/api/v1/lines?page=", token: jan).status == .unprocessableEntity)
                #expect(try await app.get("/api/v1/requests?page=", token: jan).status == .badRequest)
                #expect(
                    try await app.get("/api/v1/lines?period=1w&to=gisteren", token: jan).status == .unprocessableEntity)
                #expect(try await app.get("/api/v1/lines?period=1w&to=", token: jan).status == .ok)
                let incomplete = try await app.postJSON("/api/v1/policies", #"{"policy": {}}"#, token: admin)
                #expect(incomplete.status == .unprocessableEntity)
                #expect(
                    try await app.postJSON("/api/v1/policies", #"{"policy": 5}"#, token: admin).status == .badRequest)
                // The document lists the enums the API answers with.
                let document = try await app.get("/api/v1/openapi.json", token: nil).body.string
                for status in ["awaiting_goods", "informationRequested", "as_expected", "license_return"] {
                    #expect(document.contains(status), "\(status)")
                }
            }
        }
    }
}
