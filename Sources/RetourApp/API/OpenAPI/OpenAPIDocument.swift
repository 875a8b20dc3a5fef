import Foundation
import RetourApplication
import RetourCore
import Vapor

/// `GET /api/v1/openapi.json`: the API as OpenAPI 3, made from `APIOperation.all` and the types
/// its handlers read and write.
enum OpenAPIController {
    /// Made once: the document depends on nothing but the code.
    static let body: Data = {
        let made = OpenAPIDocument.make()
        return (try? JSONSerialization.data(withJSONObject: made.document, options: [.sortedKeys])) ?? Data()
    }()

    @Sendable static func document(req: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(data: body))
        response.headers.contentType = .json
        return response
    }
}

enum OpenAPIDocument {
    /// The types published under a name in `components/schemas`; the names are the contract's.
    static let named: [(String, any Decodable.Type)] = [
        ("Refusal", ProblemDocument.self), ("Credentials", TokenController.Credentials.self),
        ("Token", TokenController.TokenAnswer.self), ("ImportCounts", ImportCounts.self),
        ("ImportDocument", ImportDocumentSections.self), ("Line", LineView.self), ("Reasons", ReasonsAnswer.self),
        ("Attachment", AttachmentStore.Stored.self), ("Offer", ReasonView.Offer.self),
        ("Material", Material.Answer.self), ("PositionBody", PositionBody.self), ("Position", PositionView.self),
        ("Cart", CartAPIController.CartAnswer.self), ("Submission", SubmissionAnswer.self),
        ("Request", RequestView.self), ("RequestList", RequestList.self), ("Policy", Policy.self),
        ("PolicyVersion", PolicyAPIController.VersionView.self), ("PolicyList", PolicyAPIController.PolicyList.self),
        ("WhatIf", PolicyAPIController.WhatIfAnswer.self), ("LineSearchResult", LineSearchResult.self),
        ("VendorClaim", VendorClaimView.self), ("Approval", ApprovalView.self),
    ]

    /// The document, and what could not be derived (`OpenAPITests` require nothing).
    static func make() -> (document: JSONSchema, problems: [String]) {
        let recorder = SchemaRecorder(
            names: Dictionary(uniqueKeysWithValues: named.map { (ObjectIdentifier($0.1), $0.0) }))
        var paths: [String: JSONSchema] = [:]
        for operation in APIOperation.all {
            let method = operation.method.rawValue.lowercased()
            if paths[operation.path]?[method] != nil { recorder.report("\(method) \(operation.path) twice") }
            paths[operation.path, default: [:]][method] = operation.document(recorder)
        }
        var schemas = recorder.components
        for reason in ReasonID.allCases {
            schemas[OpenAPIReasonForms.fieldsName(reason)] = OpenAPIReasonForms.fields(of: reason)
            schemas[OpenAPIReasonForms.bodyName(reason)] = OpenAPIReasonForms.body(of: reason, recorder)
        }
        let document: JSONSchema = [
            "openapi": "3.0.3",
            "info": [
                "title": "Retour API", "version": "1.0.0",
                "description":
                    "Returns and claims (RMA) portal: import of master data and invoices, finding invoice lines.",
            ],
            "servers": [["url": "/"]],
            "security": [["bearer": [String]()]],
            "paths": paths,
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]], "schemas": schemas,
            ],
        ]
        return (document, recorder.problems)
    }
}

/// The import document: its sections are the parser's, each a list of records that the parser
/// checks field by field (absent or null is the same as empty).
enum ImportDocumentSections: Decodable, SchemaComposed {
    init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "described, never decoded"))
    }

    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        let section: JSONSchema = ["type": "array", "items": ["type": "object"], "nullable": true]
        return [
            "type": "object",
            "properties": Dictionary(uniqueKeysWithValues: ImportParser.sections.map { ($0, section) }),
        ]
    }
}

/// A policy is a document of its own (`Policy`), checked by its rules when it arrives.
extension Policy: SchemaLeaf {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        ["type": "object", "additionalProperties": true]
    }
    static var placeholder: Policy { .standard }
}

/// A position's body is one of the reasons' bodies, told apart by `reason` (`OpenAPIReasonForms`).
extension PositionBody: SchemaComposed {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        OpenAPIReasonForms.positionBody
    }
}

/// The request as `GET /requests/{number}` writes it, with its units' dispositions beside.
extension VendorRecoveryAPIController.RequestWithDispositions: SchemaComposed {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        [
            "allOf": [
                recorder.schema(of: RequestView.self, direction),
                [
                    "type": "object",
                    "properties": ["dispositions": recorder.schema(of: [DispositionView].self, direction)],
                    "required": ["dispositions"],
                ] as JSONSchema,
            ]
        ]
    }
}

/// The events feed: the bodies as stored, a request's or a vendor claim's, and the cursor.
enum EventFeed: Decodable, SchemaComposed {
    init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "described, never decoded"))
    }

    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        let event: JSONSchema = [
            "oneOf": [
                recorder.schema(of: EventBody.self, direction), recorder.schema(of: ClaimEventBody.self, direction),
            ]
        ]
        return [
            "type": "object", "properties": ["events": ["type": "array", "items": event], "next": ["type": "string"]],
            "required": ["events", "next"],
        ]
    }
}
