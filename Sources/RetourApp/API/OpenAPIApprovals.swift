import Foundation
import RetourCore

/// Four-eyes submitting in the OpenAPI document: the approval queue and decisions.
extension OpenAPIDocument {
    static var approvalPaths: [String: Any] {
        [
            "/api/v1/approvals": [
                "get": operation(
                    "listApprovals",
                    "Submissions of the caller's company that wait for approval (status=waiting|approved|rejected); needs the right approve",
                    parameters: [
                        query("status", enumValues: ApprovalStatus.allCases.map(\.rawValue)),
                        query(
                            "page", type: "integer", minimum: Limits.page.lowerBound, maximum: Limits.page.upperBound),
                        query("per", type: "integer", minimum: 1, maximum: 100),
                    ],
                    responses: [
                        "200": json(
                            object(
                                [
                                    "approvals": ["type": "array", "items": approval], "page": integer,
                                    "per": integer, "total": integer,
                                ], required: ["approvals"])),
                        "401": problem, "403": problem,
                    ])
            ],
            "/api/v1/approvals/{id}": [
                "post": operation(
                    "decideApproval",
                    "Approve (submits as the submitter, every rule re-checked as of now) or reject (back to the submitter's cart, a message required)",
                    parameters: [idParameter],
                    body: object(
                        [
                            "decision": ["type": "string", "enum": ["approve", "reject"]],
                            "message": string,
                        ], required: ["decision"]),
                    responses: [
                        "200": json(
                            object(
                                ["approval": approval, "requests": ["type": "array", "items": ["type": "object"]]],
                                required: ["approval", "requests"])),
                        "401": problem, "403": problem, "404": problem, "409": problem, "422": problem,
                    ])
            ],
        ]
    }

    static var waitingApproval: [String: Any] {
        object(
            [
                "approval": object(
                    [
                        "id": integer, "status": ["type": "string", "enum": ApprovalStatus.allCases.map(\.rawValue)],
                        "amount": anyText,
                    ], required: ["id", "status", "amount"])
            ], required: ["approval"])
    }

    static var approval: [String: Any] {
        let person = object(["name": anyText, "email": anyText])
        return object([
            "id": integer, "status": ["type": "string", "enum": ApprovalStatus.allCases.map(\.rawValue)],
            "amount": anyText, "createdAt": dateTime, "submitter": person,
            "decidedAt": nullableDateTime, "decidedBy": ["type": "object", "nullable": true],
            "message": ["type": "string", "nullable": true], "submission": ["type": "string", "nullable": true],
            "positions": [
                "type": "array",
                "items": object([
                    "id": integer, "line": integer, "reason": anyText, "quantity": integer, "invoice": anyText,
                    "article": anyText, "amount": anyText,
                ]),
            ],
        ])
    }
}
