import Foundation
import RetourApplication
import RetourCore
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

extension AppTests.OpenAPITests {
    /// The document is made from the handlers' types: nothing in it could not be derived, and a
    /// hint for a field a type does not have (a renamed field) is reported, not kept.
    @Test func theDocumentIsMadeFromTheTypesWithNothingLeftOver() throws {
        let made = OpenAPIDocument.make()
        #expect(made.problems == [])
        let schemas = try #require((made.document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let request = try #require(schemas["Request"] as? [String: Any])
        let properties = try #require(request["properties"] as? [String: Any])
        // Every field the type writes, with the enum of its values where the value is a closed set.
        #expect(Set(properties.keys) == Set(RequestView.CodingKeys.allCases.map(\.stringValue)))
        let status = try #require(properties["status"] as? [String: Any])
        #expect(status["enum"] as? [String] == RequestStatus.allCases.map(\.rawValue))
    }

    /// A type whose encoding writes a field its decoding never reads cannot be described: the
    /// recorder says so instead of leaving the field out.
    @Test func aFieldTheSchemaCannotSeeIsReported() {
        struct Drifted: Codable {
            var name: String
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Extra.self)
                try container.encode(name, forKey: .name)
                try container.encode(1, forKey: .added)
            }
            enum Extra: String, CodingKey { case name, added }
        }
        let recorder = SchemaRecorder(names: [:])
        let schema = recorder.schema(of: Drifted.self, .response)
        #expect((schema["properties"] as? [String: Any])?.keys.sorted() == ["name"])
        #expect(recorder.problems.count == 1)
        #expect(recorder.problems.first?.contains("added") == true)
    }

    /// Real answers against their schemas: every field an answer has is described, and every field
    /// the schema requires is there.
    @Test func realAnswersMatchTheirSchemas() async throws {
        try await withRetour(fixtures: true) { app in
            let document = try await app.get("/api/v1/openapi.json", token: nil).json()
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let jan = try await app.token("jan@pcpartner.nl")
            let search = try await app.get("/api/v1/lines?period=2m&per=5", token: jan).json()
            try SchemaCheck(schemas: schemas).check(search, against: ["$ref": "#/components/schemas/LineSearchResult"])
            let documents = try #require(search["documents"] as? [[String: Any]])
            let line = try #require((documents.first?["lines"] as? [[String: Any]])?.first?["id"] as? Int)
            let reasons = try await app.get("/api/v1/lines/\(line)/reasons", token: jan).json()
            try SchemaCheck(schemas: schemas).check(reasons, against: ["$ref": "#/components/schemas/Reasons"])
            let (number, _) = try await AppTests.Journeys.submitWebcamDefect(app, jan)
            let request = try await app.get("/api/v1/requests/\(number)", token: jan).json()
            try SchemaCheck(schemas: schemas).check(request, against: ["$ref": "#/components/schemas/Request"])
            let requests = try await app.get("/api/v1/requests?per=5", token: jan).json()
            try SchemaCheck(schemas: schemas).check(requests, against: ["$ref": "#/components/schemas/RequestList"])
            #expect((requests["requests"] as? [Any])?.isEmpty == false)
        }
    }
}

/// Just enough of JSON Schema to hold an answer to its schema: objects' fields, required fields,
/// lists, references and enums.
private struct SchemaCheck {
    var schemas: [String: Any]

    func check(_ value: Any, against schema: [String: Any], at path: String = "$") throws {
        if let reference = schema["$ref"] as? String {
            let name = String(reference.split(separator: "/").last ?? "")
            let named = try #require(schemas[name] as? [String: Any], "\(path): no schema \(name)")
            return try check(value, against: named, at: path)
        }
        if value is NSNull {
            #expect(schema["nullable"] as? Bool == true, "\(path) is null but not nullable")
            return
        }
        if let all = schema["allOf"] as? [[String: Any]] {
            for part in all { try check(value, against: part, at: path) }
            return
        }
        if let values = schema["enum"] as? [Any], let text = value as? String {
            #expect(values.contains { ($0 as? String) == text }, "\(path): \(text) is not among \(values)")
        }
        if let object = value as? [String: Any], let properties = schema["properties"] as? [String: Any] {
            for key in object.keys.sorted() {
                let property = try #require(properties[key] as? [String: Any], "\(path).\(key) is not described")
                try check(object[key] as Any, against: property, at: "\(path).\(key)")
            }
            for key in schema["required"] as? [String] ?? [] {
                #expect(object[key] != nil, "\(path).\(key) is required but missing")
            }
        }
        if let list = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, item) in list.enumerated() { try check(item, against: items, at: "\(path)[\(index)]") }
        }
    }
}
