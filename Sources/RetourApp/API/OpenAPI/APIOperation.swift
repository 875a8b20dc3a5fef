import Foundation
import RetourCore
import Vapor

/// One operation of the API as the OpenAPI document describes it: its address is an `APIRoute`, its
/// body and answers are the Swift types the handler decodes and encodes, so neither can drift from
/// the code. Only what no type says is written here: the summary, the query parameters and which
/// refusals the operation gives.
struct APIOperation {
    enum Body {
        /// A JSON body, described from the type the handler decodes.
        case json(any Decodable.Type)
        /// A body described by a schema already derived (the reason forms' one-of).
        case schema(JSONSchema)
        /// A multipart upload of one file.
        case file
        case csv
    }

    enum Answer {
        case json(any Decodable.Type)
        case schema(JSONSchema)
        case empty(String)
        /// Bytes in one of these content types.
        case bytes(String, [String])
    }

    var method: HTTPMethod
    /// The route's pattern, as registered: `/api/v1/requests/:number`.
    var pattern: String
    var id: String
    var summary: String
    var security = true
    var query: [JSONSchema] = []
    var headers: [JSONSchema] = []
    /// The schemas of path parameters whose name alone does not say it (see `pathSchema(_:)`).
    var pathSchemas: [String: JSONSchema] = [:]
    var body: Body?
    var answers: [Int: Answer]
    /// Refusals beside those every operation can give (see `responses`).
    var refusals: [Int] = []

    init(
        _ method: HTTPMethod, _ route: APIRoute, _ id: String, _ summary: String, security: Bool = true,
        query: [JSONSchema] = [], headers: [JSONSchema] = [], pathSchemas: [String: JSONSchema] = [:],
        body: Body? = nil, answers: [Int: Answer], refusals: [Int] = []
    ) {
        self.init(
            method, pattern: route.rawValue, id, summary, security: security, query: query, headers: headers,
            pathSchemas: pathSchemas, body: body, answers: answers, refusals: refusals)
    }

    init(
        _ method: HTTPMethod, _ route: OperationsRoute, _ id: String, _ summary: String, security: Bool = true,
        answers: [Int: Answer], refusals: [Int] = []
    ) {
        self.init(
            method, pattern: route.rawValue, id, summary, security: security, answers: answers, refusals: refusals)
    }

    private init(
        _ method: HTTPMethod, pattern: String, _ id: String, _ summary: String, security: Bool,
        query: [JSONSchema] = [], headers: [JSONSchema] = [], pathSchemas: [String: JSONSchema] = [:],
        body: Body? = nil, answers: [Int: Answer], refusals: [Int]
    ) {
        self.method = method
        self.pattern = pattern
        self.id = id
        self.summary = summary
        self.security = security
        self.query = query
        self.headers = headers
        self.pathSchemas = pathSchemas
        self.body = body
        self.answers = answers
        self.refusals = refusals
    }

    /// `/api/v1/requests/:number` → `/api/v1/requests/{number}`.
    var path: String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }.joined(separator: "/")
    }

    func document(_ recorder: SchemaRecorder) -> JSONSchema {
        let names = pattern.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
        var parameters = names.map { name -> JSONSchema in
            ["name": name, "in": "path", "required": true, "schema": pathSchemas[name] ?? Self.pathSchema(name)]
        }
        parameters += query + headers
        var operation: JSONSchema = [
            "operationId": id, "summary": summary, "responses": responses(recorder),
        ]
        if !parameters.isEmpty { operation["parameters"] = parameters }
        switch body {
        case .json(let type):
            operation["requestBody"] = Self.content("application/json", recorder.schema(of: type, .request))
        case .schema(let schema): operation["requestBody"] = Self.content("application/json", schema)
        case .file:
            let file: JSONSchema = [
                "type": "object", "properties": ["file": ["type": "string", "format": "binary", "minLength": 1]],
                "required": ["file"],
            ]
            operation["requestBody"] = Self.content("multipart/form-data", file)
        case .csv: operation["requestBody"] = Self.content("text/csv", ["type": "string"])
        case nil: break
        }
        if !security { operation["security"] = [JSONSchema]() }
        return operation
    }

    private func responses(_ recorder: SchemaRecorder) -> JSONSchema {
        var all: JSONSchema = [:]
        // Answers every operation can give: malformed or unsafe input (400), a database that is away
        // (503); with a token, none or another role (401, 403); with a body, too large or the wrong type.
        var problems = Set(refusals + [400, 503])
        if security { problems.formUnion([401, 403]) }
        if body != nil { problems.formUnion([413, 415]) }
        let problem: JSONSchema = [
            "description": "Refusal details (RFC 9457)",
            "content": ["application/problem+json": ["schema": recorder.schema(of: ProblemDocument.self, .response)]],
        ]
        for status in problems { all[String(status)] = problem }
        for (status, answer) in answers {
            switch answer {
            case .json(let type):
                all[String(status)] = [
                    "description": "OK",
                    "content": [
                        "application/json": ["schema": recorder.schema(of: type, .response)]
                    ],
                ]
            case .schema(let schema):
                all[String(status)] = ["description": "OK", "content": ["application/json": ["schema": schema]]]
            case .empty(let description): all[String(status)] = ["description": description]
            case .bytes(let description, let types):
                all[String(status)] = [
                    "description": description,
                    "content": Dictionary(
                        uniqueKeysWithValues: types.map { type -> (String, Any) in
                            let schema: JSONSchema =
                                type.hasPrefix("text/") || type.hasSuffix("xml")
                                ? ["type": "string"] : ["type": "string", "format": "binary"]
                            return (type, ["schema": schema])
                        }),
                ]
            }
        }
        return all
    }

    private static func content(_ type: String, _ schema: JSONSchema) -> JSONSchema {
        ["required": true, "content": [type: ["schema": schema]]]
    }

    /// A path parameter by its name: a row id, or a request's or claim's number.
    static func pathSchema(_ name: String) -> JSONSchema {
        switch name {
        case "number": return ["type": "string", "pattern": "^[A-Za-z0-9-]{1,40}$"]
        default: return ["type": "integer", "minimum": 1, "maximum": 2_147_483_647]
        }
    }

    /// A query parameter. Text holds no control characters (the input-sanity check answers 400).
    static func query(_ name: String, pattern: String? = nil) -> JSONSchema {
        parameter(name, ["type": "string", "pattern": pattern ?? "^[^\\u0000-\\u001F\\u007F]*$"])
    }

    static func query(_ name: String, oneOf values: [String]) -> JSONSchema {
        parameter(name, ["type": "string", "enum": values])
    }

    static func query(_ name: String, in range: ClosedRange<Int>) -> JSONSchema {
        parameter(name, ["type": "integer", "minimum": range.lowerBound, "maximum": range.upperBound])
    }

    static func query(day name: String) -> JSONSchema {
        parameter(name, ["type": "string", "format": "date"])
    }

    /// A day as the forms send it: a date, or empty when the field was left blank.
    static func query(dayOrBlank name: String) -> JSONSchema {
        query(name, pattern: "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")
    }

    private static func parameter(_ name: String, _ schema: JSONSchema) -> JSONSchema {
        ["name": name, "in": "query", "required": false, "schema": schema]
    }

    static func paging(per maximum: Int) -> [JSONSchema] {
        [query("page", in: Limits.page), query("per", in: 1...maximum)]
    }
}

/// A schema made of other types' schemas, for a type whose JSON is not its `Decodable` shape.
protocol SchemaComposed {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema
}
