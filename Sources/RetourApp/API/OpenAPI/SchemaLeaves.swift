import Foundation
import RetourCore

/// Text in a body: anything but NUL, which no database stores. An answer may hold any text.
extension String: SchemaLeaf {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        direction == .request ? ["type": "string", "pattern": "^[^\\u0000]*$"] : ["type": "string"]
    }
    static var placeholder: String { "" }
}

/// Whole numbers in a body are bounded like every number from outside.
extension Int: SchemaLeaf {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        direction == .request ? ["type": "integer", "minimum": 0, "maximum": 1_000_000_000] : ["type": "integer"]
    }
    static var placeholder: Int { 0 }
}

extension Int64: SchemaLeaf {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        Int.schema(recorder, direction)
    }
    static var placeholder: Int64 { 0 }
}

extension Double: SchemaLeaf {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        ["type": "number"]
    }
    static var placeholder: Double { 0 }
}

extension Bool: SchemaLeaf {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        ["type": "boolean"]
    }
    static var placeholder: Bool { false }
}

extension Date: SchemaLeaf {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        ["type": "string", "format": "date-time"]
    }
    static var placeholder: Date { Date(timeIntervalSince1970: 0) }
}

extension Money: SchemaLeaf {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        ["type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$"]
    }
    static var placeholder: Money { .zero }
}

extension CalendarDay: SchemaLeaf {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        ["type": "string", "format": "date"]
    }
    static var placeholder: CalendarDay { CalendarDay(year: 2000, month: 1, day: 1)! }
}

/// Any JSON value: the reason forms' fields, a policy.
extension JSONValue: SchemaLeaf {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema { [:] }
    static var placeholder: JSONValue { .null }
}

extension Array: SchemaLeaf where Element: Decodable {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        ["type": "array", "items": recorder.schema(of: Element.self, direction)]
    }
    static var placeholder: [Element] { [] }
}

extension Dictionary: SchemaLeaf where Key == String, Value: Decodable {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        let values = recorder.schema(of: Value.self, direction)
        return ["type": "object", "additionalProperties": values.isEmpty ? true : values]
    }
    static var placeholder: [String: Value] { [:] }
}

extension Optional: SchemaLeaf where Wrapped: Decodable {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        var schema = recorder.schema(of: Wrapped.self, direction)
        schema["nullable"] = true
        return schema
    }
    static var placeholder: Wrapped? { nil }
}

/// A closed set: its values, read from the enum.
protocol SchemaEnum: SchemaLeaf, CaseIterable, RawRepresentable where RawValue == String {}

extension SchemaEnum {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema {
        ["type": "string", "enum": allCases.map(\.rawValue)]
    }
    static var placeholder: Self { allCases.first! }
}

extension ReasonID: SchemaEnum {}
extension RequestStatus: SchemaEnum {}
extension Outcome: SchemaEnum {}
extension Actor: SchemaEnum {}
extension Settlement.Kind: SchemaEnum {}
extension ReceiptCondition: SchemaEnum {}
extension ReplacementStatus: SchemaEnum {}
extension Disposition: SchemaEnum {}
extension Grade: SchemaEnum {}
extension VendorClaimStatus: SchemaEnum {}
extension ApprovalStatus: SchemaEnum {}
extension APIScope: SchemaEnum {}
extension Role: SchemaEnum {}
extension Handling: SchemaEnum {}

/// The values of a closed set kept as text, for a `SchemaHinted` property.
func values<E: CaseIterable & RawRepresentable>(of type: E.Type) -> JSONSchema where E.RawValue == String {
    ["type": "string", "enum": E.allCases.map(\.rawValue)]
}
