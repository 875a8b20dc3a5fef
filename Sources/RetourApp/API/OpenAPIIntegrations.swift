import Foundation
import RetourCore

/// The routes for other systems — API keys, webhooks, the events feed — in the OpenAPI document.
extension OpenAPIDocument {
    static var integrationPaths: [String: Any] {
        [
            "/api/v1/api-keys": [
                "post": operation(
                    "createAPIKey",
                    "Make a key for a machine (reseller admin: read, register; admin: import, read_all); the key is shown once",
                    body: object(
                        [
                            "name": string,
                            "scopes": [
                                "type": "array",
                                "items": ["type": "string", "enum": APIScope.allCases.map(\.rawValue)],
                            ],
                        ], required: ["name", "scopes"]),
                    responses: [
                        "201": json(
                            object(
                                [
                                    "id": integer, "key": string, "name": string, "scopes": stringArray,
                                    "createdAt": dateTime,
                                ], required: ["id", "key"])),
                        "422": problem,
                    ]),
                "get": operation(
                    "listAPIKeys", "The keys of the caller's company (an admin: every key)",
                    parameters: paging,
                    responses: [
                        "200": json(
                            object(
                                [
                                    "apiKeys": ["type": "array", "items": apiKey], "page": integer, "per": integer,
                                    "total": integer,
                                ]))
                    ]),
            ],
            "/api/v1/api-keys/{id}": [
                "get": operation(
                    "getAPIKey", "One key, without the key itself", parameters: [idParameter],
                    responses: ["200": json(apiKey), "404": problem]),
                "delete": operation(
                    "revokeAPIKey", "Revoke a key: refused from the next request on", parameters: [idParameter],
                    responses: ["204": ["description": "Revoked"], "404": problem]),
            ],
        ]
    }

    static var paging: [[String: Any]] {
        [
            query("page", type: "integer", minimum: Limits.page.lowerBound, maximum: Limits.page.upperBound),
            query("per", type: "integer", minimum: 1, maximum: 500),
        ]
    }

    static var idParameter: [String: Any] {
        [
            "name": "id", "in": "path", "required": true,
            "schema": ["type": "integer", "minimum": 1, "maximum": 2_147_483_647],
        ]
    }

    static var stringArray: [String: Any] { ["type": "array", "items": anyText] }

    static var apiKey: [String: Any] {
        object([
            "id": integer, "name": anyText, "prefix": anyText, "scopes": stringArray, "createdAt": dateTime,
            "lastUsedAt": ["type": "string", "format": "date-time", "nullable": true],
            "revokedAt": ["type": "string", "format": "date-time", "nullable": true],
            "company": ["type": "integer", "nullable": true],
        ])
    }
}
