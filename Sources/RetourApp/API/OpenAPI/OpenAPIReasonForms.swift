import Foundation
import RetourCore

/// Each reason's form as a schema of its own, read from the reason table: a client generated from
/// the document knows every field name, which are required and every value a choice takes. A
/// position body is one of fourteen, told apart by its `reason`.
enum OpenAPIReasonForms {
    /// `commercial_return` → `CommercialReturn`.
    static func typeName(_ reason: ReasonID) -> String {
        reason.rawValue.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    static func fieldsName(_ reason: ReasonID) -> String { "Fields" + typeName(reason) }
    static func bodyName(_ reason: ReasonID) -> String { "PositionBody" + typeName(reason) }

    /// Typed text: everything `TypedText` lets through.
    static let typedText =
        "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069]*$"

    static func fields(of reason: ReasonID) -> [String: Any] {
        let form = FormSchema.of(reason)
        var properties: [String: Any] = [:]
        for field in form.fields {
            switch field.kind {
            case .choice(let values): properties[field.name] = ["type": "string", "enum": values]
            case .text(let maximum):
                properties[field.name] = ["type": "string", "maxLength": maximum, "pattern": typedText]
            case .flag: properties[field.name] = ["type": "boolean"]
            case .declaration:
                properties[field.name] = ["type": "boolean", "description": "Must be true: the declaration is made."]
            case .integer: properties[field.name] = ["type": "integer", "minimum": 0, "maximum": 1_000_000_000]
            }
        }
        var schema: [String: Any] = ["type": "object", "properties": properties]
        let required = form.fields.filter { $0.required && $0.when == nil }.map(\.name)
        if !required.isEmpty { schema["required"] = required }
        let conditional = form.fields.compactMap { field in
            field.when.map { "\(field.name) when \($0.field) is \($0.value)" }
        }
        schema["description"] =
            "The form of \(reason.rawValue)"
            + (conditional.isEmpty ? "" : "; required only with their option: " + conditional.joined(separator: ", "))
        return schema
    }

    /// A reason's body: `PositionBody` as its type says, with `reason` fixed to this one and
    /// `fields` the reason's form.
    static func body(of reason: ReasonID, _ recorder: SchemaRecorder) -> [String: Any] {
        var body = recorder.object(of: PositionBody.self, .request)
        var properties = body["properties"] as? [String: Any] ?? [:]
        properties["reason"] = ["type": "string", "enum": [reason.rawValue]]
        properties["fields"] = ["$ref": "#/components/schemas/\(fieldsName(reason))"]
        body["properties"] = properties
        return body
    }

    /// A position: one of the reasons' bodies, chosen by `reason`.
    static var positionBody: [String: Any] {
        [
            "oneOf": ReasonID.allCases.map { ["$ref": "#/components/schemas/\(bodyName($0))"] },
            "discriminator": [
                "propertyName": "reason",
                "mapping": Dictionary(
                    uniqueKeysWithValues: ReasonID.allCases.map {
                        ($0.rawValue, "#/components/schemas/\(bodyName($0))")
                    }),
            ],
        ]
    }
}
