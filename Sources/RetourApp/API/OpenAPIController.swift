import Foundation
import RetourCore
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
        var document = core
        document["paths"] = (core["paths"] as? [String: Any] ?? [:]).merging(integrationPaths) { first, _ in first }
            .merging(operationsPaths) { first, _ in first }.merging(approvalPaths) { first, _ in first }
            .merging(recoveryPaths) { first, _ in first }
        var parts = components
        parts["schemas"] = (components["schemas"] as? [String: Any] ?? [:]).merging(OpenAPIReasonForms.schemas) {
            first, _ in first
        }
        document["components"] = parts
        return document
    }

    private static var core: [String: Any] {
        [
            "openapi": "3.0.3",
            "info": [
                "title": "Retour API", "version": "1.0.0",
                "description":
                    "Returns and claims (RMA) portal: import of master data and invoices, finding invoice lines.",
            ],
            "servers": [["url": "/"]],
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
                "/api/v1/auth/password-reset": [
                    "post": operation(
                        "requestPasswordReset",
                        "Mail a one-time link to choose a new password (valid 60 minutes); the same answer whether or not the address is known",
                        security: false, body: object(["email": string], required: ["email"]),
                        responses: [
                            "202": json(
                                object(["status": ["type": "string", "enum": ["accepted"]]], required: ["status"])),
                            "422": problem, "429": problem,
                        ])
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
                            query("period", enumValues: ["", "today", "1w", "2w", "1m", "2m", "custom"]),
                            query("from", pattern: dateOrEmpty), query("to", pattern: dateOrEmpty), query("number"),
                            query(
                                "numberType",
                                enumValues: [
                                    "", "invoice", "customer_order", "manufacturer_model", "ean", "delivery_note",
                                    "order",
                                    "serial", "article",
                                ]),
                            query("kind", enumValues: ["", "invoice", "delivery_note", "order"]),
                            query("page", type: "integer", minimum: 1, maximum: 1_000_000),
                            query("per", type: "integer", minimum: 1, maximum: LineSearch.maximumPer),
                        ],
                        responses: ["200": json(ref("LineSearchResult")), "401": problem, "422": problem])
                ],
                "/api/v1/lines/{id}/reasons": [
                    "get": operation(
                        "lineReasons", "All 14 reasons for one line: enabled or why not, deadline, outcome, keep offer",
                        parameters: [
                            [
                                "name": "id", "in": "path", "required": true,
                                "schema": ["type": "integer", "minimum": 1, "maximum": 2_147_483_647],
                            ]
                        ],
                        responses: ["200": json(ref("Reasons")), "401": problem, "404": problem])
                ],
                "/api/v1/policies": [
                    "get": operation(
                        "listPolicies", "The policy in force and its versions (admin)",
                        responses: ["200": json(ref("PolicyList")), "401": problem, "403": problem]),
                    "post": operation(
                        "createPolicy", "A new policy version (admin), in force from effectiveFrom (default today)",
                        body: object(
                            ["policy": ref("Policy"), "effectiveFrom": date, "note": string], required: ["policy"]),
                        responses: [
                            "201": json(ref("PolicyVersion")), "400": problem, "401": problem, "403": problem,
                            "422": problem,
                        ]),
                ],
                "/api/v1/policies/what-if": [
                    "post": operation(
                        "policyWhatIf",
                        "How a draft policy would change the decisions on the lines of the last N days (admin)",
                        body: object(["policy": ref("Policy"), "days": boundedInteger], required: ["policy"]),
                        responses: [
                            "200": json(ref("WhatIf")), "400": problem, "401": problem, "403": problem,
                            "422": problem,
                        ])
                ],
                "/api/v1/lines/{id}/material": [
                    "get": operation(
                        "identifyMaterial",
                        "Wrong delivery, option B: the article with this EAN, manufacturer model or article number,"
                            + " whatever its case",
                        parameters: [
                            [
                                "name": "id", "in": "path", "required": true,
                                "schema": ["type": "integer", "minimum": 1, "maximum": 2_147_483_647],
                            ],
                            query("code"),
                        ],
                        responses: ["200": json(ref("Material")), "401": problem, "404": problem, "422": problem])
                ],
                "/api/v1/attachments": [
                    "post": operation(
                        "uploadAttachment",
                        "Upload one file (multipart field file): DOC, DOCX, PDF, JPG, PNG by content, ≤ 20 MB",
                        multipart: object(
                            ["file": ["type": "string", "format": "binary", "minLength": 1]], required: ["file"]),
                        responses: [
                            "201": json(ref("Attachment")), "400": problem, "401": problem, "413": problem,
                            "415": problem,
                        ])
                ],
                "/api/v1/attachments/{id}": [
                    "get": operation(
                        "downloadAttachment", "An attachment of the caller's company",
                        parameters: [
                            [
                                "name": "id", "in": "path", "required": true,
                                "schema": ["type": "string", "pattern": "^[0-9a-f-]{1,64}$"],
                            ]
                        ],
                        responses: [
                            "200": file(
                                "The file, of the type it was judged to be by its content",
                                types: FileKind.allCases.map(\.contentType)),
                            "401": problem, "404": problem,
                        ])
                ],
                "/api/v1/cart": [
                    "get": operation(
                        "getCart", "The caller's cart, with deadline warnings",
                        responses: ["200": json(ref("Cart")), "401": problem])
                ],
                "/api/v1/cart/positions": [
                    "post": operation(
                        "addPosition",
                        "Add a position (line, reason, quantity, serials, fields, attachments, returnAddress)",
                        body: ref("PositionBody"),
                        responses: [
                            "201": json(ref("Position")), "400": problem, "401": problem, "403": problem,
                            "404": problem,
                            "409": problem, "422": problem,
                        ])
                ],
                "/api/v1/cart/positions/{id}": [
                    "put": operation(
                        "replacePosition", "Edit a position: its whole new content, checked as when added",
                        parameters: [
                            [
                                "name": "id", "in": "path", "required": true,
                                "schema": ["type": "integer", "minimum": 1, "maximum": 2_147_483_647],
                            ]
                        ],
                        body: ref("PositionBody"),
                        responses: [
                            "200": json(ref("Position")), "401": problem, "404": problem, "409": problem,
                            "422": problem,
                        ]),
                    "delete": operation(
                        "removePosition", "Remove a position from the cart",
                        parameters: [
                            [
                                "name": "id", "in": "path", "required": true,
                                "schema": ["type": "integer", "minimum": 1, "maximum": 2_147_483_647],
                            ]
                        ],
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
                        responses: [
                            "201": json(ref("Submission")), "202": json(waitingApproval), "401": problem,
                            "403": problem, "409": problem, "422": problem,
                        ])
                ],
                "/api/v1/requests": [
                    "get": operation(
                        "listRequests", "The caller's requests (state=open|archived, status, number, page, per)",
                        parameters: [
                            query("state", enumValues: ["open", "archived"]),
                            query("status", enumValues: RequestStatus.allCases.map(\.rawValue)), query("number"),
                            query("page", type: "integer", minimum: 1, maximum: 100_000),
                            query("per", type: "integer", minimum: 1, maximum: 500),
                        ],
                        responses: ["200": json(ref("RequestList")), "401": problem, "422": problem])
                ],
                "/api/v1/requests/{number}": [
                    "get": operation(
                        "getRequest", "One request with its events and credit note", parameters: [numberParameter],
                        responses: ["200": json(ref("Request")), "401": problem, "404": problem])
                ],
                "/api/v1/requests/{number}/credit-note.pdf": [
                    "get": operation(
                        "creditNotePDF", "The credit note as PDF (404 until there is one)",
                        parameters: [numberParameter],
                        responses: ["200": file("PDF", types: ["application/pdf"]), "401": problem, "404": problem])
                ],
                "/api/v1/requests/{number}/return-form.pdf": [
                    "get": operation(
                        "returnFormPDF", "The return form with the RMA number as QR code",
                        parameters: [numberParameter],
                        responses: ["200": file("PDF", types: ["application/pdf"]), "401": problem, "404": problem])
                ],
                "/api/v1/requests/{number}/decision": [
                    "post": operation(
                        "decide", "Agent: approve, reject or request_info with a message",
                        parameters: [numberParameter],
                        body: object(
                            [
                                "decision": ["type": "string", "enum": ["approve", "reject", "request_info"]],
                                "message": string,
                            ],
                            required: ["decision"]),
                        responses: [
                            "200": json(ref("Request")), "403": problem, "404": problem, "409": problem,
                            "422": problem,
                        ])
                ],
                "/api/v1/requests/{number}/receipt": [
                    "post": operation(
                        "receiveGoods",
                        "Agent: goods received (quantity, serials, condition, note); differences are flagged",
                        parameters: [numberParameter],
                        body: object(
                            [
                                "quantity": boundedInteger, "serials": ["type": "array", "items": string],
                                "condition": ["type": "string", "enum": ReceiptCondition.allCases.map(\.rawValue)],
                                "note": string,
                            ], required: ["quantity", "condition"]),
                        responses: [
                            "200": json(ref("Request")), "403": problem, "404": problem, "409": problem,
                            "422": problem,
                        ])
                ],
                "/api/v1/requests/{number}/credit": [
                    "post": operation(
                        "credit", "Agent: issue the credit note (default: the computed amount)",
                        parameters: [numberParameter], body: object(["amount": money, "reason": string]),
                        responses: [
                            "200": json(ref("Request")), "403": problem, "404": problem, "409": problem,
                            "422": problem,
                        ])
                ],
                "/api/v1/requests/{number}/extend": [
                    "post": operation(
                        "extend", "Renew an RMA number for 5 days (a reseller once, after expiry)",
                        parameters: [numberParameter],
                        responses: ["200": json(ref("Request")), "403": problem, "404": problem, "409": problem])
                ],
                "/api/v1/requests/{number}/close": [
                    "post": operation(
                        "close", "Agent: close a request", parameters: [numberParameter],
                        responses: ["200": json(ref("Request")), "403": problem, "404": problem, "409": problem])
                ],
                "/api/v1/requests/{number}/messages": [
                    "post": operation(
                        "message", "A message on the request's thread (reseller or agent)",
                        parameters: [numberParameter],
                        body: object(
                            ["message": string, "attachments": ["type": "array", "items": string]],
                            required: ["message"]),
                        responses: ["200": json(ref("Request")), "404": problem, "409": problem, "422": problem])
                ],
                "/api/v1/lines/{id}": [
                    "get": operation(
                        "getLine", "One invoice line of the caller's company",
                        parameters: [
                            [
                                "name": "id", "in": "path", "required": true,
                                "schema": ["type": "integer", "minimum": 1, "maximum": 2_147_483_647],
                            ]
                        ],
                        responses: ["200": json(ref("Line")), "401": problem, "404": problem])
                ],
            ],
        ]
    }

    /// The operators' endpoints (contract "Operations"), outside `/api/v1`.
    static var operationsPaths: [String: Any] {
        let health = object(
            ["status": ["type": "string", "enum": ["ok", "ready"]], "missingFiles": integer], required: ["status"])
        return [
            "/healthz": [
                "get": operation(
                    "health", "Liveness: the process answers (no database asked)", security: false,
                    responses: ["200": json(health)])
            ],
            "/readyz": [
                "get": operation(
                    "readiness", "Readiness: the database answers and is migrated (503 with Retry-After if not)",
                    security: false, responses: ["200": json(health), "503": problem])
            ],
            "/metrics": [
                "get": operation(
                    "metrics", "Prometheus text format (administrators)",
                    responses: [
                        "200": [
                            "description": "Metrics",
                            "content": ["text/plain": ["schema": ["type": "string"]]],
                        ]
                    ])
            ],
        ]
    }

    static var numberParameter: [String: Any] {
        [
            "name": "number", "in": "path", "required": true,
            "schema": ["type": "string", "pattern": "^[A-Za-z0-9-]{1,40}$"],
        ]
    }

    static var problem: [String: Any] {
        [
            "description": "Refusal details (RFC 9457)",
            "content": ["application/problem+json": ["schema": ref("Refusal")]],
        ]
    }

    static func json(_ schema: [String: Any]) -> [String: Any] {
        ["description": "OK", "content": ["application/json": ["schema": schema]]]
    }

    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }

    /// A file answer: its bytes, in one of `types`.
    static func file(_ description: String, types: [String]) -> [String: Any] {
        [
            "description": description,
            "content": Dictionary(
                uniqueKeysWithValues: types.map { ($0, ["schema": ["type": "string", "format": "binary"]]) }),
        ]
    }

    static func query(
        _ name: String, type: String = "string", format: String? = nil, enumValues: [String]? = nil,
        minimum: Int? = nil, maximum: Int? = nil, pattern: String? = nil
    )
        -> [String: Any]
    {
        var schema: [String: Any] = ["type": type]
        // An address holds no control characters (the input-sanity check answers 400 to them).
        if type == "string" && format == nil && enumValues == nil {
            schema["pattern"] = pattern ?? "^[^\\u0000-\\u001F\\u007F]*$"
        }
        if let minimum { schema["minimum"] = minimum }
        if let maximum { schema["maximum"] = maximum }
        if let format { schema["format"] = format }
        if let enumValues { schema["enum"] = enumValues }
        return ["name": name, "in": "query", "required": false, "schema": schema]
    }

    static func operation(
        _ id: String, _ summary: String, security: Bool = true, parameters: [[String: Any]] = [],
        body: [String: Any]? = nil, multipart: [String: Any]? = nil, responses: [String: Any]
    ) -> [String: Any] {
        // Answers every operation can give: malformed or unsafe input (400), a database that is away
        // (503); with a token, none or another role (401, 403); with a body, too large or the wrong type.
        var all = responses
        all["400"] = problem
        all["503"] = problem
        if security {
            all["401"] = problem
            all["403"] = problem
        }
        if body != nil || multipart != nil {
            all["413"] = problem
            all["415"] = problem
        }
        var operation: [String: Any] = ["operationId": id, "summary": summary, "responses": all]
        if !parameters.isEmpty { operation["parameters"] = parameters }
        if let body {
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": body]]]
        }
        if let multipart {
            operation["requestBody"] = ["required": true, "content": ["multipart/form-data": ["schema": multipart]]]
        }
        if !security { operation["security"] = [[String: Any]]() }
        return operation
    }

    static func nullableObject(_ properties: [String: Any], required: [String] = []) -> [String: Any] {
        var schema = object(properties, required: required)
        schema["nullable"] = true
        return schema
    }

    static func object(_ properties: [String: Any], required: [String] = []) -> [String: Any] {
        var schema: [String: Any] = ["type": "object", "properties": properties]
        if !required.isEmpty { schema["required"] = required }
        return schema
    }

    /// Text in a body: anything but NUL, which no database stores.
    static var string: [String: Any] { ["type": "string", "pattern": "^[^\\u0000]*$"] }
    static var nullableString: [String: Any] { ["type": "string", "nullable": true] }
    static var anyText: [String: Any] { ["type": "string"] }
    static var integer: [String: Any] { ["type": "integer"] }
    static var money: [String: Any] { ["type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$"] }
    static var date: [String: Any] { ["type": "string", "format": "date"] }
    /// A day as the search form sends it: a date, or empty when the field was left blank.
    static let dateOrEmpty = "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"
    static var nullableDate: [String: Any] { ["type": "string", "format": "date", "nullable": true] }
    static var dateTime: [String: Any] { ["type": "string", "format": "date-time"] }
    static var boolean: [String: Any] { ["type": "boolean"] }
    /// One section of the import document; absent or null is the same as empty.
    static var section: [String: Any] { ["type": "array", "items": ["type": "object"], "nullable": true] }
    /// Whole numbers that arrive in a JSON body, bounded like every number from outside.
    static var boundedInteger: [String: Any] { ["type": "integer", "minimum": 0, "maximum": 1_000_000_000] }
    static var nullableOffer: [String: Any] {
        var offer = object(["normalPrice": money, "unitPrice": money], required: ["normalPrice", "unitPrice"])
        offer["nullable"] = true
        return offer
    }
    static var reasonID: [String: Any] { ["type": "string", "enum": ReasonID.allCases.map(\.rawValue)] }
    static var status: [String: Any] { ["type": "string", "enum": RequestStatus.allCases.map(\.rawValue)] }
    static var outcome: [String: Any] { ["type": "string", "enum": ["ship_directly", "in_review", "claim"]] }
    static var address: [String: Any] {
        object(
            ["street": string, "postcode": string, "city": string, "country": string],
            required: ["street", "postcode", "city", "country"])
    }

    static var components: [String: Any] {
        [
            "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
            "schemas": [
                // A problem may quote the input it refuses, whatever that held.
                "Refusal": object([
                    "type": anyText, "title": anyText, "status": integer, "detail": anyText,
                    "errors": ["type": "array", "items": object(["field": anyText, "message": anyText])],
                ]),
                "Credentials": object(["email": string, "password": string], required: ["email", "password"]),
                "Token": object(["token": string, "expiresAt": ["type": "string", "format": "date-time"]]),
                "ImportCounts": object([
                    "companies": integer, "users": integer, "brands": integer, "articles": integer, "invoices": integer,
                    "lines": integer, "serials": integer,
                ]),
                "ImportDocument": object([
                    "companies": section, "users": section, "brands": section, "articles": section,
                    "invoices": section,
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
                            "id": reasonID, "label": string, "category": string, "enabled": boolean,
                            "explanation": nullableString, "deadline": nullableDate, "outcome": outcome,
                            "shipsDirectly": boolean,
                            "handling": ["type": "string", "enum": ["credit", "direct_service"]],
                            "serviceCentre": ["type": "object", "nullable": true],
                            "keepOffer": nullableOffer, "help": string,
                            // A nullable enum lists null among its values, or strict clients refuse null.
                            "alternative": [
                                "type": "string", "nullable": true,
                                "enum": ReasonID.allCases.map(\.rawValue) as [Any] + [NSNull()],
                            ],
                            "advanceReplacement": boolean,
                        ]),
                    ],
                ]),
                "Attachment": object(
                    ["id": string, "filename": string, "size": integer, "contentType": string],
                    required: ["id", "filename", "size", "contentType"]),
                "Offer": object(["normalPrice": money, "unitPrice": money], required: ["normalPrice", "unitPrice"]),
                "Material": object(
                    [
                        "article": string, "description": string, "brand": string,
                        "keepOffer": nullableOffer,
                    ],
                    required: ["article", "description", "brand", "keepOffer"]),
                "PositionBody": OpenAPIReasonForms.positionBody,
                "Position": object(
                    [
                        "id": integer, "line": integer, "reason": reasonID, "quantity": integer,
                        "serials": ["type": "array", "items": string],
                        "fields": ["type": "object", "additionalProperties": true],
                        "attachments": ["type": "array", "items": string], "returnAddress": address,
                        "deadline": nullableDate, "warning": nullableString,
                    ],
                    required: ["id", "line", "reason", "quantity", "serials", "fields", "attachments", "returnAddress"]),
                "Cart": object(
                    [
                        "positions": ["type": "array", "items": ref("Position")],
                        "approvals": ["type": "array", "items": approval],
                    ], required: ["positions"]),
                "Submission": object(
                    [
                        "requests": [
                            "type": "array",
                            "items": object(
                                [
                                    "number": string, "rmaNumber": nullableString, "validUntil": nullableDate,
                                    "status": status, "outcome": outcome, "shipDirectly": boolean, "message": string,
                                    "position": integer,
                                ],
                                required: [
                                    "number", "rmaNumber", "validUntil", "status", "outcome", "shipDirectly", "message",
                                    "position",
                                ]),
                        ]
                    ], required: ["requests"]),
                "Request": object(
                    [
                        "number": string, "rmaNumber": nullableString, "validUntil": nullableDate, "status": status,
                        "reason": reasonID, "outcome": outcome, "line": integer, "invoice": string, "article": string,
                        "description": string, "quantity": integer, "serials": ["type": "array", "items": string],
                        "fields": ["type": "object", "additionalProperties": true],
                        "attachments": ["type": "array", "items": string], "submittedAt": dateTime,
                        "lastChangeAt": dateTime, "discrepancy": nullableString,
                        "events": [
                            "type": "array",
                            "items": object(
                                [
                                    "at": dateTime,
                                    "actor": ["type": "string", "enum": ["reseller", "agent", "system"]],
                                    "action": string, "from": string, "to": string, "message": nullableString,
                                    "attachments": ["type": "array", "items": string],
                                ], required: ["at", "actor", "action", "from", "to", "attachments"]),
                        ],
                        "creditNote": nullableObject(
                            [
                                "number": string, "amount": money,
                                "kind": ["type": "string", "enum": ["credit", "charge"]],
                                "url": string,
                            ], required: ["number", "amount", "kind", "url"]),
                        "returnForm": nullableString, "informationRequested": boolean,
                        "replacement": nullableObject(
                            [
                                "status": ["type": "string", "enum": ReplacementStatus.allCases.map(\.rawValue)],
                                "shipBy": nullableDate, "returnBy": nullableDate,
                            ], required: ["status", "shipBy", "returnBy"]),
                    ],
                    required: [
                        "number", "rmaNumber", "validUntil", "status", "reason", "outcome", "line", "quantity",
                        "serials",
                        "fields", "attachments", "submittedAt", "events", "creditNote", "informationRequested",
                    ]),
                "RequestList": object(
                    [
                        "requests": ["type": "array", "items": ref("Request")], "page": integer, "per": integer,
                        "total": integer,
                    ], required: ["requests", "page", "per", "total"]),
                "Policy": ["type": "object", "additionalProperties": true],
                "PolicyVersion": object(
                    ["version": integer, "effectiveFrom": date, "note": nullableString, "createdAt": dateTime],
                    required: ["version", "effectiveFrom", "createdAt"]),
                "PolicyList": object(
                    [
                        "current": integer, "policy": ref("Policy"),
                        "versions": ["type": "array", "items": ref("PolicyVersion")],
                    ], required: ["current", "policy", "versions"]),
                "WhatIf": object(
                    [
                        "lines": integer,
                        "changes": [
                            "type": "array",
                            "items": object(
                                ["reason": reasonID, "allowedToRefused": integer, "refusedToAllowed": integer],
                                required: ["reason", "allowedToRefused", "refusedToAllowed"]),
                        ],
                    ], required: ["lines", "changes"]),
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
