import Foundation
import RetourApplication
import RetourCore

/// Vendor recovery in the OpenAPI document: dispositions, vendor claims and the recovery report.
extension OpenAPIDocument {
    static var recoveryPaths: [String: Any] {
        let claimParameter: [String: Any] = [
            "name": "number", "in": "path", "required": true,
            "schema": ["type": "string", "pattern": "^[A-Za-z0-9-]{1,40}$"],
        ]
        let claimAnswer: [String: Any] = [
            "200": json(vendorClaim), "404": problem, "409": problem, "422": problem,
        ]
        return [
            "/api/v1/requests/{number}/disposition": [
                "post": operation(
                    "recordDisposition",
                    "Agent: what becomes of the received units (replaces those not yet sent to the vendor); units for the vendor join the brand's open claim",
                    parameters: [numberParameter],
                    body: object(
                        [
                            "units": [
                                "type": "array", "minItems": 1, "maxItems": RecordDisposition.maximumUnits,
                                // Null is the same as absent: no serial, quantity 1, no grade, no note.
                                "items": object(
                                    [
                                        "serial": nullable(string), "quantity": nullable(boundedInteger),
                                        "disposition": [
                                            "type": "string", "enum": Disposition.allCases.map(\.rawValue),
                                        ],
                                        "grade": [
                                            "type": "string", "nullable": true,
                                            "enum": Grade.allCases.map(\.rawValue) as [Any] + [NSNull()],
                                        ],
                                        "note": nullable(string),
                                    ], required: ["disposition"]),
                            ]
                        ], required: ["units"]),
                    responses: [
                        "200": json([
                            "allOf": [
                                ref("Request"), object(["dispositions": ["type": "array", "items": disposition]]),
                            ]
                        ]),
                        "404": problem, "409": problem, "422": problem,
                    ])
            ],
            "/api/v1/requests/{number}/replacement": [
                "post": operation(
                    "shipReplacement",
                    "Agent: the approved advance replacement is shipped; the defective unit is due back RETOUR_REPLACEMENT_RETURN_DAYS later",
                    parameters: [numberParameter],
                    body: object(
                        ["status": ["type": "string", "enum": ["shipped"]], "trackingNumber": nullable(string)],
                        required: ["status"]),
                    responses: ["200": json(ref("Request")), "404": problem, "409": problem, "422": problem])
            ],
            "/api/v1/vendor-claims": [
                "get": operation(
                    "listVendorClaims", "Agent: vendor claims, the oldest first (state=open|sent|settled)",
                    parameters: [
                        query("state", enumValues: VendorClaimList.allCases.map(\.rawValue)),
                        query(
                            "page", type: "integer", minimum: Limits.page.lowerBound, maximum: Limits.page.upperBound),
                        query("per", type: "integer", minimum: 1, maximum: 100),
                    ],
                    responses: [
                        "200": json(
                            object(
                                [
                                    "claims": ["type": "array", "items": vendorClaim], "page": integer, "per": integer,
                                    "total": integer,
                                ], required: ["claims", "page", "per", "total"])),
                        "422": problem,
                    ])
            ],
            "/api/v1/vendor-claims/{number}": [
                "get": operation(
                    "getVendorClaim", "Agent: one vendor claim", parameters: [claimParameter],
                    responses: ["200": json(vendorClaim), "404": problem])
            ],
            "/api/v1/vendor-claims/{number}/send": [
                "post": operation(
                    "sendVendorClaim", "Agent: the claim goes to the manufacturer with its RMA number",
                    parameters: [claimParameter],
                    body: object(["vendorRmaNumber": string], required: ["vendorRmaNumber"]),
                    responses: claimAnswer)
            ],
            "/api/v1/vendor-claims/{number}/credit": [
                "post": operation(
                    "creditVendorClaim", "Agent: a credit from the manufacturer; partial credits add up",
                    parameters: [claimParameter],
                    body: object(["amount": money, "reference": nullable(string)], required: ["amount"]),
                    responses: claimAnswer)
            ],
            "/api/v1/vendor-claims/{number}/write-off": [
                "post": operation(
                    "writeOffVendorClaim", "Agent: closes what the manufacturer will not pay, with the reason",
                    parameters: [claimParameter], body: object(["reason": string], required: ["reason"]),
                    responses: claimAnswer)
            ],
            "/api/v1/vendor-claims/{number}/packet.zip": [
                "get": operation(
                    "vendorClaimPacket",
                    "Agent: the evidence packet (packing list PDF; per unit the fault, the receipt condition and the photos)",
                    parameters: [claimParameter],
                    responses: ["200": file("ZIP archive", types: ["application/zip"]), "404": problem])
            ],
            "/api/v1/vendor-recovery": [
                "get": operation(
                    "vendorRecovery",
                    "Agent: per brand, credits given to resellers from..to and what the manufacturers owe and paid",
                    parameters: [query("from", format: "date"), query("to", format: "date")],
                    responses: [
                        "200": json(
                            object(
                                [
                                    "from": date, "to": date,
                                    "brands": ["type": "array", "items": recoveryRow],
                                ], required: ["from", "to", "brands"])),
                        "422": problem,
                    ])
            ],
        ]
    }

    static func nullable(_ schema: [String: Any]) -> [String: Any] {
        schema.merging(["nullable": true]) { _, new in new }
    }

    static var vendorClaim: [String: Any] {
        object(
            [
                "number": anyText, "brand": anyText,
                "status": ["type": "string", "enum": VendorClaimStatus.allCases.map(\.rawValue)],
                "units": [
                    "type": "array",
                    "items": object(
                        [
                            "request": anyText, "serial": nullableString, "quantity": integer,
                            "disposition": ["type": "string", "enum": Disposition.allCases.map(\.rawValue)],
                            "expectedCredit": money,
                        ], required: ["request", "serial", "quantity", "disposition", "expectedCredit"]),
                ],
                "vendorRmaNumber": nullableString, "sentOn": nullableDate, "expectedCredit": money,
                "receivedCredit": money, "ageDays": integer,
            ],
            required: [
                "number", "brand", "status", "units", "vendorRmaNumber", "sentOn", "expectedCredit", "receivedCredit",
                "ageDays",
            ])
    }

    static var disposition: [String: Any] {
        object([
            "serial": nullableString, "quantity": integer,
            "disposition": ["type": "string", "enum": Disposition.allCases.map(\.rawValue)],
            "grade": ["type": "string", "enum": Grade.allCases.map(\.rawValue), "nullable": true],
            "note": nullableString, "markedOn": date, "expectedCredit": ["type": "string", "nullable": true],
            "vendorClaim": nullableString,
        ])
    }

    static var recoveryRow: [String: Any] {
        object(
            [
                "brand": anyText, "creditedToResellers": money, "expectedFromVendor": money,
                "receivedFromVendor": money,
                "openExposure": object(
                    ["days0to30": money, "days31to60": money, "days61to90": money, "over90": money],
                    required: ["days0to30", "days31to60", "days61to90", "over90"]),
                "recoveryRate": ["type": "string", "pattern": "^[0-9]+\\.[0-9]{4}$", "nullable": true],
            ],
            required: [
                "brand", "creditedToResellers", "expectedFromVendor", "receivedFromVendor", "openExposure",
                "recoveryRate",
            ])
    }
}
