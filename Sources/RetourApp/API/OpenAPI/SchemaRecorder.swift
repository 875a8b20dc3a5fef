import Foundation

/// A JSON schema as the OpenAPI document writes it.
typealias JSONSchema = [String: Any]

/// Derives a type's schema from its `Decodable` conformance, so a schema cannot drift from its type:
/// it decodes the type from a decoder that answers every question with a placeholder and writes down
/// what was asked — each key, its type, and whether it was optional (`decodeIfPresent`). For an
/// answer, the keys the type's own `Encodable` writes for that placeholder value are the required
/// ones (answers write absent values as `null`); a key written but never read is reported, since
/// the schema would not know it.
final class SchemaRecorder {
    /// What a schema describes: a body the API reads (strings without NUL, numbers bounded, as the
    /// input checks answer) or an answer it writes.
    enum Direction { case request, response }

    /// Types published under a name in `components/schemas`, referred to by `$ref`.
    private let names: [ObjectIdentifier: String]
    private(set) var components: [String: JSONSchema] = [:]
    /// What could not be derived; `OpenAPITests` require none.
    private(set) var problems: [String] = []
    private var depth = 0

    init(names: [ObjectIdentifier: String]) {
        self.names = names
    }

    /// The schema of `type`: a reference when it has a name, else written out.
    func schema<T: Decodable>(of type: T.Type, _ direction: Direction) -> JSONSchema {
        guard let name = names[ObjectIdentifier(T.self)] else { return written(type, direction) }
        if components[name] == nil {
            components[name] = [:]  // taken before it is written: a type that contains itself stops here
            components[name] = written(type, direction)
        }
        return ["$ref": "#/components/schemas/\(name)"]
    }

    private func written<T: Decodable>(_ type: T.Type, _ direction: Direction) -> JSONSchema {
        if let leaf = T.self as? any SchemaLeaf.Type { return leaf.schema(self, direction) }
        if let composed = T.self as? any SchemaComposed.Type { return composed.schema(self, direction) }
        return object(of: type, direction)
    }

    /// A value of `type` made of placeholders, for a container that must hand one back.
    func placeholder<T: Decodable>(of type: T.Type, _ direction: Direction) throws -> T {
        if let leaf = T.self as? any SchemaLeaf.Type, let value = leaf.placeholder as? T { return value }
        // A type that contains itself would make placeholders without end.
        depth += 1
        defer { depth -= 1 }
        guard depth < 16 else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(T.self) nests too deep"))
        }
        return try T(from: RecordingDecoder(recorder: self, record: Record(), direction: direction))
    }

    func report(_ problem: String) { problems.append(problem) }

    /// `type` written out as an object, even when it has a name or a composed schema.
    func object<T: Decodable>(of type: T.Type, _ direction: Direction) -> JSONSchema {
        depth += 1
        defer { depth -= 1 }
        guard depth < 16 else {
            report("\(T.self) nests too deep to describe")
            return ["type": "object"]
        }
        let record = Record()
        let value: T
        do {
            value = try T(from: RecordingDecoder(recorder: self, record: record, direction: direction))
        } catch {
            report("\(T.self) could not be read from placeholders: \(error)")
            return ["type": "object"]
        }
        var required = record.required
        if direction == .response, let encodable = value as? any Encodable {
            let written = Self.keysWritten(by: encodable)
            for key in written.subtracting(record.properties.keys).sorted() {
                report("\(T.self) writes \(key), which its Decodable never reads")
            }
            required = record.order.filter(written.contains)
        }
        var properties = record.properties
        if let hinted = T.self as? any SchemaHinted.Type {
            for (key, hint) in hinted.schemaHints {
                guard let known = properties[key] else {
                    report("\(T.self) has a schema hint for \(key), which it does not have")
                    continue
                }
                properties[key] = known.merging(hint) { _, new in new }
                if known["nullable"] as? Bool == true, var values = hint["enum"] as? [Any] {
                    values.append(NSNull())
                    properties[key]?["enum"] = values
                }
            }
        }
        var schema: JSONSchema = ["type": "object", "properties": properties]
        if !required.isEmpty { schema["required"] = required }
        return schema
    }

    /// The keys a value's encoding writes at its top level.
    private static func keysWritten(by value: any Encodable) -> Set<String> {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [] }
        return Set(object.keys)
    }

    /// What one object's decoding asked for.
    final class Record {
        var properties: [String: JSONSchema] = [:]
        var order: [String] = []
        var required: [String] = []

        func note(_ key: String, _ schema: JSONSchema, optional: Bool) {
            if properties[key] == nil { order.append(key) }
            var schema = schema
            if optional {
                if schema["$ref"] != nil {
                    // Siblings of a $ref are ignored: a nullable reference is an allOf of one.
                    schema = ["allOf": [schema], "nullable": true]
                } else {
                    schema["nullable"] = true
                    if var values = schema["enum"] as? [Any] {
                        values.append(NSNull())
                        schema["enum"] = values
                    }
                }
            } else if !required.contains(key) {
                required.append(key)
            }
            properties[key] = schema
        }
    }
}

/// A value whose schema is known without looking inside it: text, numbers, dates, money, the
/// core's enums, and the containers of them.
protocol SchemaLeaf {
    static func schema(_ recorder: SchemaRecorder, _ direction: SchemaRecorder.Direction) -> JSONSchema
    static var placeholder: Self { get }
}

/// A type that refines the schema of some of its own properties (a text that holds a date, a
/// closed set kept as text); a hint for a property the type does not have is reported.
protocol SchemaHinted {
    static var schemaHints: [String: JSONSchema] { get }
}

/// The decoder behind `SchemaRecorder`: every container records into `record`.
private struct RecordingDecoder: Decoder {
    let recorder: SchemaRecorder
    let record: SchemaRecorder.Record
    let direction: SchemaRecorder.Direction
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RecordingKeyedContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch(
            [Any].self, .init(codingPath: codingPath, debugDescription: "a list is described as a leaf"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(
            Any.self, .init(codingPath: codingPath, debugDescription: "a single value needs a SchemaLeaf conformance"))
    }
}

private struct RecordingKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: RecordingDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) throws -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        decoder.record.note(
            key.stringValue, decoder.recorder.schema(of: type, decoder.direction), optional: false)
        return try decoder.recorder.placeholder(of: type, decoder.direction)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        decoder.record.note(key.stringValue, decoder.recorder.schema(of: type, decoder.direction), optional: true)
        return nil
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(type as Bool.Type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(type as String.Type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(type as Int.Type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(type as Int64.Type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(type as Double.Type, key) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optional(type, key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optional(type, key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optional(type, key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optional(type, key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optional(type, key) }

    private func decode<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        try decode(type, forKey: key)
    }

    private func optional<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
        try decodeIfPresent(type, forKey: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "nested containers"))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "nested lists"))
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
}
