import Foundation
import RetourApplication
import RetourCore

// What the API's types keep as text but is narrower than text: a day, an amount, a closed set.
// `SchemaRecorder` reports a hint for a property a type does not have, so a renamed field fails
// `OpenAPITests` instead of leaving a stale hint behind.

private enum Hint {
    static var day: JSONSchema { ["format": "date"] }
    static var money: JSONSchema { ["pattern": "^-?[0-9]+\\.[0-9]{2}$"] }
    static var keyStatus: JSONSchema { ["type": "string", "enum": ["active", "revoked", "ended"]] }
}

extension RequestView: SchemaHinted {
    static var schemaHints: [String: JSONSchema] {
        [
            "status": values(of: RequestStatus.self), "reason": values(of: ReasonID.self),
            "outcome": values(of: Outcome.self), "validUntil": Hint.day,
        ]
    }
}

extension RequestView.Event: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["actor": values(of: Actor.self)] }
}

extension RequestView.CreditNoteView: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["amount": Hint.money, "kind": values(of: Settlement.Kind.self)] }
}

extension RequestView.ReplacementView: SchemaHinted {
    static var schemaHints: [String: JSONSchema] {
        ["status": values(of: ReplacementStatus.self), "shipBy": Hint.day, "returnBy": Hint.day]
    }
}

extension LineView: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["invoiceDate": Hint.day] }
}

extension DocumentView: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["date": Hint.day] }
}

extension ReasonView: SchemaHinted {
    static var schemaHints: [String: JSONSchema] {
        [
            "id": values(of: ReasonID.self), "deadline": Hint.day, "outcome": values(of: Outcome.self),
            "handling": values(of: Handling.self), "alternative": values(of: ReasonID.self),
        ]
    }
}

extension ReasonView.Offer: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["normalPrice": Hint.money, "unitPrice": Hint.money] }
}

extension PositionView: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["reason": values(of: ReasonID.self), "deadline": Hint.day] }
}

extension SubmittedRequestView: SchemaHinted {
    static var schemaHints: [String: JSONSchema] {
        ["status": values(of: RequestStatus.self), "outcome": values(of: Outcome.self), "validUntil": Hint.day]
    }
}

extension WaitingApprovalView: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["status": values(of: ApprovalStatus.self)] }
}

extension ApprovalView: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["status": values(of: ApprovalStatus.self)] }
}

extension BulkRegistration.Outcome: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["status": ["type": "string", "enum": ["added", "refused"]]] }
}

extension PolicyAPIController.VersionView: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["effectiveFrom": Hint.day] }
}

extension PolicyAPIController.NewVersion: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["effectiveFrom": Hint.day] }
}

extension PolicyAPIController.WhatIfAnswer.Change: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["reason": values(of: ReasonID.self)] }
}

extension RequestsAPIController.DecisionBody: SchemaHinted {
    static var schemaHints: [String: JSONSchema] {
        ["decision": ["type": "string", "enum": ["approve", "reject", "request_info"]]]
    }
}

extension RequestsAPIController.CreditBody: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["amount": Hint.money] }
}

extension RequestsAPIController.Receipt: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["condition": values(of: ReceiptCondition.self)] }
}

extension ApprovalsController.DecisionBody: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["decision": ["type": "string", "enum": ["approve", "reject"]]] }
}

extension VendorRecoveryAPIController.DispositionBody: SchemaHinted {
    static var schemaHints: [String: JSONSchema] {
        ["units": ["minItems": 1, "maxItems": RecordDisposition.maximumUnits]]
    }
}

extension VendorRecoveryAPIController.UnitBody: SchemaHinted {
    static var schemaHints: [String: JSONSchema] {
        ["disposition": values(of: Disposition.self), "grade": values(of: Grade.self)]
    }
}

extension VendorRecoveryAPIController.ReplacementBody: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["status": ["type": "string", "enum": ["shipped"]]] }
}

extension VendorRecoveryAPIController.CreditBody: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["amount": Hint.money] }
}

extension VendorRecoveryAPIController.Report: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["from": Hint.day, "to": Hint.day] }
}

extension VendorRecoveryAPIController.ReportRow: SchemaHinted {
    static var schemaHints: [String: JSONSchema] {
        [
            "creditedToResellers": Hint.money, "expectedFromVendor": Hint.money, "receivedFromVendor": Hint.money,
            "recoveryRate": ["pattern": "^[0-9]+\\.[0-9]{4}$"],
        ]
    }
}

extension VendorRecoveryAPIController.ReportRow.Exposure: SchemaHinted {
    static var schemaHints: [String: JSONSchema] {
        ["days0to30": Hint.money, "days31to60": Hint.money, "days61to90": Hint.money, "over90": Hint.money]
    }
}

extension VendorClaimView: SchemaHinted {
    static var schemaHints: [String: JSONSchema] {
        [
            "status": values(of: VendorClaimStatus.self), "sentOn": Hint.day, "expectedCredit": Hint.money,
            "receivedCredit": Hint.money,
        ]
    }
}

extension VendorClaimView.Unit: SchemaHinted {
    static var schemaHints: [String: JSONSchema] {
        ["disposition": values(of: Disposition.self), "expectedCredit": Hint.money]
    }
}

extension DispositionView: SchemaHinted {
    static var schemaHints: [String: JSONSchema] {
        ["disposition": values(of: Disposition.self), "grade": values(of: Grade.self), "markedOn": Hint.day]
    }
}

extension APIKeysController.CreateBody: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["scopes": ["items": values(of: APIScope.self)]] }
}

extension APIKeysController.KeyView: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["role": values(of: Role.self), "status": Hint.keyStatus] }
}

extension WebhooksController.CreateBody: SchemaHinted {
    static var schemaHints: [String: JSONSchema] {
        ["events": ["items": ["type": "string", "enum": EventType.listenable(byCompany: false).map(\.rawValue)]]]
    }
}

extension WebhooksController.DeliveryView: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["status": values(of: WebhookDelivery.Status.self)] }
}

extension ServiceLevelReport: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["from": Hint.day, "to": Hint.day] }
}

extension ServiceLevelReport.Week: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["creditedAmount": Hint.money] }
}

extension PasswordResetAPIController.Accepted: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["status": ["type": "string", "enum": ["accepted"]]] }
}

extension OperationsController.HealthAnswer: SchemaHinted {
    static var schemaHints: [String: JSONSchema] { ["status": ["type": "string", "enum": ["ok", "ready"]]] }
}

extension EventBody: SchemaHinted {
    static var schemaHints: [String: JSONSchema] {
        ["type": ["type": "string", "enum": IntegrationEventKind.allCases.map(\.rawValue)]]
    }
}

extension ClaimEventBody: SchemaHinted {
    static var schemaHints: [String: JSONSchema] {
        ["type": ["type": "string", "enum": VendorClaimEvent.allCases.map(\.rawValue)]]
    }
}
