import Foundation
import Vapor

/// `GET /api/v1/openapi.json`: the API as OpenAPI 3. A test compares it with the routes the
/// application really has, so it cannot fall behind.
enum OpenAPIController {
    @Sendable static func document(req: Request) async throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: OpenAPIDocument.make(), options: [.sortedKeys])
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = .json
        return response
    }
}

enum OpenAPIDocument {
    static func make() -> [String: Any] {
        [
            "openapi": "3.0.3",
            "info": [
                "title": "Retour API", "version": "1.0.0",
                "description":
                    "Returns and claims (RMA) portal: import of master data and invoices, finding invoice lines.",
            ],
            "servers": [["url": "/"]],
            "components": components,
            "security": [["bearer": [String]()]],
            "paths": [
                "/api/v1/openapi.json": [
                    "get": operation(
                        "openapi", "This document", security: false, responses: ["200": json(["type": "object"])])
                ],
                "/api/v1/auth/token": [
                    "post": operation(
                        "createToken", "Exchange e-mail and password for a bearer token", security: false,
                        body: ref("Credentials"),
                        responses: ["200": json(ref("Token")), "401": problem, "429": problem, "400": problem])
                ],
                "/api/v1/import": [
                    "post": operation(
                        "importDocument",
                        "Import companies, users, brands, articles and invoices (admin; all or nothing)",
                        body: ref("ImportDocument"),
                        responses: [
                            "200": json(ref("ImportCounts")), "400": problem, "401": problem, "403": problem,
                            "413": problem,
                            "422": problem,
                        ])
                ],
                "/api/v1/lines": [
                    "get": operation(
                        "findLines", "Find invoice lines by period and/or number",
                        parameters: [
                            query("period", enumValues: ["today", "1w", "2w", "1m", "2m"]),
                            query("from", format: "date"), query("to", format: "date"), query("number"),
                            query(
                                "numberType",
                                enumValues: [
                                    "invoice", "customer_order", "manufacturer_model", "ean", "delivery_note", "order",
                                    "serial", "article",
                                ]),
                            query("kind", enumValues: ["invoice", "delivery_note", "order"]),
                            query("page", type: "integer"), query("per", type: "integer"),
                        ],
                        responses: ["200": json(ref("LineSearchResult")), "401": problem, "422": problem])
                ],
                "/api/v1/lines/{id}/reasons": [
                    "get": operation(
                        "lineReasons", "All 14 reasons for one line: enabled or why not, deadline, outcome, keep offer",
                        parameters: [
                            ["name": "id", "in": "path", "required": true, "schema": ["type": "integer"]]
                        ],
                        responses: ["200": json(ref("Reasons")), "401": problem, "404": problem])
                ],
                "/api/v1/policies": [
                    "get": operation(
                        "listPolicies", "The policy in force and its versions (admin)",
                        responses: ["200": json(["type": "object"]), "401": problem, "403": problem]),
                    "post": operation(
                        "createPolicy", "A new policy version (admin), in force from effectiveFrom (default today)",
                        body: object(["policy": ["type": "object"], "effectiveFrom": date, "note": string]),
                        responses: [
                            "201": json(["type": "object"]), "400": problem, "401": problem, "403": problem,
                            "422": problem,
                        ]),
                ],
                "/api/v1/policies/what-if": [
                    "post": operation(
                        "policyWhatIf",
                        "How a draft policy would change the decisions on the lines of the last N days (admin)",
                        body: object(["policy": ["type": "object"], "days": integer]),
                        responses: [
                            "200": json(["type": "object"]), "400": problem, "401": problem, "403": problem,
                            "422": problem,
                        ])
                ],
                "/api/v1/lines/{id}/material": [
                    "get": operation(
                        "identifyMaterial", "Wrong delivery, option B: the article with this EAN or manufacturer model",
                        parameters: [
                            ["name": "id", "in": "path", "required": true, "schema": ["type": "integer"]],
                            query("code"),
                        ],
                        responses: ["200": json(["type": "object"]), "401": problem, "404": problem, "422": problem])
                ],
                "/api/v1/attachments": [
                    "post": operation(
                        "uploadAttachment",
                        "Upload one file (multipart field file): DOC, DOCX, PDF, JPG, PNG by content, ≤ 20 MB",
                        body: nil,
                        responses: [
                            "201": json(["type": "object"]), "400": problem, "401": problem, "413": problem,
                            "415": problem,
                        ])
                ],
                "/api/v1/attachments/{id}": [
                    "get": operation(
                        "downloadAttachment", "An attachment of the caller's company",
                        parameters: [["name": "id", "in": "path", "required": true, "schema": ["type": "string"]]],
                        responses: ["200": ["description": "The file"], "401": problem, "404": problem])
                ],
                "/api/v1/cart": [
                    "get": operation(
                        "getCart", "The caller's cart, with deadline warnings",
                        responses: ["200": json(["type": "object"]), "401": problem])
                ],
                "/api/v1/cart/positions": [
                    "post": operation(
                        "addPosition",
                        "Add a position (line, reason, quantity, serials, fields, attachments, returnAddress)",
                        body: ["type": "object"],
                        responses: [
                            "201": json(["type": "object"]), "400": problem, "401": problem, "403": problem,
                            "404": problem,
                            "409": problem, "422": problem,
                        ])
                ],
                "/api/v1/cart/positions/{id}": [
                    "put": operation(
                        "replacePosition", "Edit a position: its whole new content, checked as when added",
                        parameters: [["name": "id", "in": "path", "required": true, "schema": ["type": "integer"]]],
                        body: ["type": "object"],
                        responses: [
                            "200": json(["type": "object"]), "401": problem, "404": problem, "409": problem,
                            "422": problem,
                        ]),
                    "delete": operation(
                        "removePosition", "Remove a position from the cart",
                        parameters: [["name": "id", "in": "path", "required": true, "schema": ["type": "integer"]]],
                        responses: ["204": ["description": "Removed"], "401": problem, "404": problem]),
                ],
                "/api/v1/cart/submit": [
                    "post": operation(
                        "submitCart", "Submit the cart: one request per position (Idempotency-Key header supported)",
                        parameters: [
                            [
                                "name": "Idempotency-Key", "in": "header", "required": false,
                                "schema": ["type": "string"],
                            ]
                        ],
                        responses: ["201": json(["type": "object"]), "401": problem, "409": problem, "422": problem])
                ],
                "/api/v1/requests": [
                    "get": operation(
                        "listRequests", "The caller's requests (state=open|archived, status, number, page, per)",
                        parameters: [
                            query("state", enumValues: ["open", "archived"]), query("status"), query("number"),
                            query("page", type: "integer"), query("per", type: "integer"),
                        ],
                        responses: ["200": json(["type": "object"]), "401": problem, "422": problem])
                ],
                "/api/v1/requests/{number}": [
                    "get": operation(
                        "getRequest", "One request with its events and credit note", parameters: [numberParameter],
                        responses: ["200": json(["type": "object"]), "401": problem, "404": problem])
                ],
                "/api/v1/requests/{number}/credit-note.pdf": [
                    "get": operation(
                        "creditNotePDF", "The credit note as PDF (404 until there is one)",
                        parameters: [numberParameter],
                        responses: ["200": ["description": "PDF"], "401": problem, "404": problem])
                ],
                "/api/v1/requests/{number}/return-form.pdf": [
                    "get": operation(
                        "returnFormPDF", "The return form with the RMA number as QR code",
                        parameters: [numberParameter],
                        responses: ["200": ["description": "PDF"], "401": problem, "404": problem])
                ],
                "/api/v1/requests/{number}/decision": [
                    "post": operation(
                        "decide", "Agent: approve, reject or request_info with a message",
                        parameters: [numberParameter], body: object(["decision": string, "message": string]),
                        responses: [
                            "200": json(["type": "object"]), "403": problem, "404": problem, "409": problem,
                            "422": problem,
                        ])
                ],
                "/api/v1/requests/{number}/receipt": [
                    "post": operation(
                        "receiveGoods",
                        "Agent: goods received (quantity, serials, condition, note); differences are flagged",
                        parameters: [numberParameter],
                        body: object([
                            "quantity": integer, "serials": ["type": "array", "items": string], "condition": string,
                            "note": string,
                        ]),
                        responses: [
                            "200": json(["type": "object"]), "403": problem, "404": problem, "409": problem,
                            "422": problem,
                        ])
                ],
                "/api/v1/requests/{number}/credit": [
                    "post": operation(
                        "credit", "Agent: issue the credit note (default: the computed amount)",
                        parameters: [numberParameter], body: object(["amount": money, "reason": string]),
                        responses: [
                            "200": json(["type": "object"]), "403": problem, "404": problem, "409": problem,
                            "422": problem,
                        ])
                ],
                "/api/v1/requests/{number}/extend": [
                    "post": operation(
                        "extend", "Renew an RMA number for 5 days (a reseller once, after expiry)",
                        parameters: [numberParameter],
                        responses: ["200": json(["type": "object"]), "403": problem, "404": problem, "409": problem])
                ],
                "/api/v1/requests/{number}/close": [
                    "post": operation(
                        "close", "Agent: close a request", parameters: [numberParameter],
                        responses: ["200": json(["type": "object"]), "403": problem, "404": problem, "409": problem])
                ],
                "/api/v1/requests/{number}/messages": [
                    "post": operation(
                        "message", "A message on the request's thread (reseller or agent)",
                        parameters: [numberParameter],
                        body: object(["message": string, "attachments": ["type": "array", "items": string]]),
                        responses: ["200": json(["type": "object"]), "404": problem, "409": problem, "422": problem])
                ],
                "/api/v1/lines/{id}": [
                    "get": operation(
                        "getLine", "One invoice line of the caller's company",
                        parameters: [
                            ["name": "id", "in": "path", "required": true, "schema": ["type": "integer"]]
                        ],
                        responses: ["200": json(ref("Line")), "401": problem, "404": problem])
                ],
            ],
        ]
    }

    private static var numberParameter: [String: Any] {
        ["name": "number", "in": "path", "required": true, "schema": ["type": "string"]]
    }

    private static var problem: [String: Any] {
        [
            "description": "Problem details (RFC 9457)",
            "content": ["application/problem+json": ["schema": ref("Problem")]],
        ]
    }

    private static func json(_ schema: [String: Any]) -> [String: Any] {
        ["description": "OK", "content": ["application/json": ["schema": schema]]]
    }

    private static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }

    private static func query(
        _ name: String, type: String = "string", format: String? = nil, enumValues: [String]? = nil
    )
        -> [String: Any]
    {
        var schema: [String: Any] = ["type": type]
        if let format { schema["format"] = format }
        if let enumValues { schema["enum"] = enumValues }
        return ["name": name, "in": "query", "required": false, "schema": schema]
    }

    private static func operation(
        _ id: String, _ summary: String, security: Bool = true, parameters: [[String: Any]] = [],
        body: [String: Any]? = nil, responses: [String: Any]
    ) -> [String: Any] {
        var operation: [String: Any] = ["operationId": id, "summary": summary, "responses": responses]
        if !parameters.isEmpty { operation["parameters"] = parameters }
        if let body {
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": body]]]
        }
        if !security { operation["security"] = [[String: Any]]() }
        return operation
    }

    private static func object(_ properties: [String: Any], required: [String] = []) -> [String: Any] {
        var schema: [String: Any] = ["type": "object", "properties": properties]
        if !required.isEmpty { schema["required"] = required }
        return schema
    }

    private static var string: [String: Any] { ["type": "string"] }
    private static var nullableString: [String: Any] { ["type": "string", "nullable": true] }
    private static var integer: [String: Any] { ["type": "integer"] }
    private static var money: [String: Any] { ["type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$"] }
    private static var date: [String: Any] { ["type": "string", "format": "date"] }
    private static var address: [String: Any] {
        object(["street": string, "postcode": string, "city": string, "country": string])
    }

    private static var components: [String: Any] {
        [
            "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
            "schemas": [
                "Problem": object([
                    "type": string, "title": string, "status": integer, "detail": string,
                    "errors": ["type": "array", "items": object(["field": string, "message": string])],
                ]),
                "Credentials": object(["email": string, "password": string], required: ["email", "password"]),
                "Token": object(["token": string, "expiresAt": ["type": "string", "format": "date-time"]]),
                "ImportCounts": object([
                    "companies": integer, "users": integer, "brands": integer, "articles": integer, "invoices": integer,
                    "lines": integer, "serials": integer,
                ]),
                "ImportDocument": object([
                    "companies": ["type": "array", "items": ["type": "object"]],
                    "users": ["type": "array", "items": ["type": "object"]],
                    "brands": ["type": "array", "items": ["type": "object"]],
                    "articles": ["type": "array", "items": ["type": "object"]],
                    "invoices": ["type": "array", "items": ["type": "object"]],
                ]),
                "Line": object([
                    "id": integer, "invoice": string, "invoiceDate": date, "position": integer, "article": string,
                    "description": string, "brand": string, "manufacturerModel": nullableString, "ean": nullableString,
                    "quantity": integer, "claimableQuantity": integer, "unitPrice": money, "netAmount": money,
                    "currency": string, "customerOrderNumber": nullableString, "customerItemNumber": nullableString,
                    "deliveryNote": nullableString, "deliveryDate": nullableString, "order": nullableString,
                    "orderDate": nullableString, "deliveryAddress": address,
                    "serials": ["type": "array", "items": string],
                    "claimableSerials": ["type": "array", "items": string],
                ]),
                "Reasons": object([
                    "line": integer, "policyVersion": integer,
                    "reasons": [
                        "type": "array",
                        "items": object([
                            "id": string, "label": string, "category": string, "enabled": ["type": "boolean"],
                            "explanation": nullableString, "deadline": nullableString, "outcome": string,
                            "shipsDirectly": ["type": "boolean"], "handling": string,
                            "serviceCentre": ["type": "object", "nullable": true],
                            "keepOffer": ["type": "object", "nullable": true], "help": string,
                            "alternative": nullableString,
                        ]),
                    ],
                ]),
                "LineSearchResult": object([
                    "documents": [
                        "type": "array",
                        "items": object([
                            "kind": string, "number": string, "date": date,
                            "lines": ["type": "array", "items": ref("Line")],
                        ]),
                    ],
                    "page": integer, "per": integer, "total": integer,
                ]),
            ],
        ]
    }
}
