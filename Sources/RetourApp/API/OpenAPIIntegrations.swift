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
            "/api/v1/webhooks": [
                "post": operation(
                    "createWebhook",
                    "Subscribe an https address to events (reseller admin: its company; admin: every company); the secret is shown once",
                    body: object(
                        [
                            "url": string,
                            "events": ["type": "array", "items": ["type": "string", "enum": eventTypes]],
                        ], required: ["url", "events"]),
                    responses: ["201": json(webhookSecret), "409": problem, "422": problem]),
                "get": operation(
                    "listWebhooks", "The caller's webhooks (an admin: every webhook)", parameters: paging,
                    responses: [
                        "200": json(
                            object([
                                "webhooks": ["type": "array", "items": webhook], "page": integer, "per": integer,
                                "total": integer,
                            ]))
                    ]),
            ],
            "/api/v1/webhooks/{id}": [
                "get": operation(
                    "getWebhook", "One webhook, without its secret", parameters: [idParameter],
                    responses: ["200": json(webhook), "404": problem]),
                "delete": operation(
                    "deleteWebhook", "Stop a webhook; its delivery log stays", parameters: [idParameter],
                    responses: ["204": ["description": "Deleted"], "404": problem]),
            ],
            "/api/v1/webhooks/{id}/rotate-secret": [
                "post": operation(
                    "rotateWebhookSecret", "A new secret; the old one keeps signing beside it for 24 hours",
                    parameters: [idParameter], responses: ["200": json(webhookSecret), "404": problem])
            ],
            "/api/v1/webhooks/{id}/deliveries": [
                "get": operation(
                    "listWebhookDeliveries", "The delivery log, newest first", parameters: [idParameter] + paging,
                    responses: [
                        "200": json(
                            object([
                                "deliveries": ["type": "array", "items": delivery], "page": integer, "per": integer,
                                "total": integer,
                            ])),
                        "404": problem,
                    ])
            ],
            "/api/v1/webhooks/{id}/deliveries/{delivery}/retry": [
                "post": operation(
                    "retryWebhookDelivery", "Send a delivery again (due now, with another day of retries)",
                    parameters: [
                        idParameter,
                        [
                            "name": "delivery", "in": "path", "required": true,
                            "schema": ["type": "integer", "minimum": 1, "maximum": 2_147_483_647],
                        ],
                    ],
                    responses: ["200": json(delivery), "404": problem])
            ],
            "/api/v1/requests/{number}/credit-note.xml": [
                "get": operation(
                    "creditNoteUBL",
                    "The credit note as UBL 2.1 (Peppol BIS Billing 3.0; an invoice, type 380, when kept goods are charged)",
                    parameters: [numberParameter],
                    responses: [
                        "200": [
                            "description": "UBL CreditNote or Invoice",
                            "content": ["application/xml": ["schema": ["type": "string"]]],
                        ],
                        "404": problem,
                    ])
            ],
            "/api/v1/cart/bulk": [
                "post": bulkOperation
            ],
            "/api/v1/cart/bulk-template.csv": [
                "get": operation(
                    "bulkTemplate", "The CSV template for bulk registration (every column, two example rows)",
                    responses: [
                        "200": [
                            "description": "CSV, semicolon-separated, with a byte order mark",
                            "content": ["text/csv": ["schema": ["type": "string"]]],
                        ]
                    ])
            ],
            "/api/v1/stats": [
                "get": operation(
                    "serviceLevels",
                    "Agents and admins: per reason and ISO week, requests in, working days to a decision and to a credit (median, 90th percentile, share within target), credited amount; brands by defect requests per 100 lines sold. A range over 5 years is clamped.",
                    parameters: [query("from", pattern: dateOrEmpty), query("to", pattern: dateOrEmpty)],
                    responses: ["200": json(stats), "422": problem])
            ],
            "/api/v1/events": [
                "get": operation(
                    "listEvents",
                    "Events in the order they happened, for polling: pass the answer's next as after for the next page",
                    parameters: [
                        query("after", pattern: "^[0-9]{0,18}$"),
                        query("limit", type: "integer", minimum: 1, maximum: EventsController.maximumLimit),
                    ],
                    responses: [
                        "200": json(
                            object(
                                ["events": ["type": "array", "items": event], "next": string],
                                required: ["events", "next"]))
                    ])
            ],
        ]
    }

    /// A CSV body: the generic operation knows JSON and multipart bodies only.
    static var bulkOperation: [String: Any] {
        var bulk = operation(
            "bulkRegister",
            "Many cart positions from CSV (columns invoice, position, reason, quantity, serials and the form's fields); dryRun=true stores nothing",
            parameters: [query("dryRun", enumValues: ["", "true", "false", "1", "0"])],
            responses: [
                "200": json(
                    object([
                        "dryRun": boolean, "added": integer, "refused": integer,
                        "rows": [
                            "type": "array",
                            "items": object([
                                "row": integer, "invoice": anyText, "position": ["type": "integer", "nullable": true],
                                "reason": anyText, "status": ["type": "string", "enum": ["added", "refused"]],
                                "cartPosition": ["type": "integer", "nullable": true], "message": nullableString,
                                "errors": ["type": "array", "items": object(["field": anyText, "message": anyText])],
                            ]),
                        ],
                    ])),
                "413": problem, "415": problem, "422": problem,
            ])
        bulk["requestBody"] = ["required": true, "content": ["text/csv": ["schema": ["type": "string"]]]]
        return bulk
    }

    static var stats: [String: Any] {
        let durations = object([
            "count": integer, "median": ["type": "number", "nullable": true],
            "p90": ["type": "integer", "nullable": true], "withinTarget": ["type": "number", "nullable": true],
            "targetDays": integer,
        ])
        return object([
            "from": date, "to": date, "clamped": boolean,
            "weeks": [
                "type": "array",
                "items": object([
                    "week": anyText, "reason": anyText, "requests": integer, "decision": durations,
                    "credit": durations, "creditedAmount": money,
                ]),
            ],
            "brands": [
                "type": "array",
                "items": object([
                    "brand": anyText, "defectRequests": integer, "linesSold": integer,
                    "per100Lines": ["type": "number"],
                ]),
            ],
        ])
    }

    static var eventTypes: [String] { IntegrationEvents.types(for: .admin) }

    /// The webhook body and a feed entry: the request as `GET /api/v1/requests/{number}` shows it.
    static var event: [String: Any] {
        object(
            [
                "id": anyText, "type": ["type": "string", "enum": eventTypes], "occurredAt": dateTime,
                // A request as `GET /requests/{number}` shows it, or a vendor claim (`vendor_claim.*`).
                "data": ["oneOf": [ref("Request"), vendorClaim]],
            ], required: ["id", "type", "occurredAt", "data"])
    }

    static var webhookSecret: [String: Any] {
        object(
            [
                "id": integer, "secret": anyText, "url": anyText, "events": stringArray, "createdAt": dateTime,
            ], required: ["id", "secret"])
    }

    static var webhook: [String: Any] {
        object([
            "id": integer, "url": anyText, "events": stringArray, "createdAt": dateTime,
            "company": ["type": "integer", "nullable": true],
            "role": [
                "type": "string", "nullable": true, "enum": Role.allCases.map(\.rawValue) as [Any] + [NSNull()],
            ],
            "status": ["type": "string", "enum": ["active", "revoked", "ended"]],
        ])
    }

    static var delivery: [String: Any] {
        object([
            "id": integer, "webhook": integer, "event": anyText, "type": anyText, "request": anyText,
            "status": ["type": "string", "enum": ["pending", "delivered", "failed"]], "attempts": integer,
            "responseStatus": ["type": "integer", "nullable": true], "lastError": nullableString,
            "lastAttemptAt": nullableDateTime, "nextAttemptAt": nullableDateTime, "deliveredAt": nullableDateTime,
        ])
    }

    static var nullableDateTime: [String: Any] { ["type": "string", "format": "date-time", "nullable": true] }

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
            "lastUsedAt": nullableDateTime, "revokedAt": nullableDateTime,
            "company": ["type": "integer", "nullable": true],
            "role": [
                "type": "string", "nullable": true, "enum": Role.allCases.map(\.rawValue) as [Any] + [NSNull()],
            ],
            "status": ["type": "string", "enum": ["active", "revoked", "ended"]],
        ])
    }
}
