import Foundation
import Testing

@testable import RetourCore

/// The import's own JSON reader against `JSONDecoder`, which it replaced for speed: for every
/// input both refuse it, or both read the same value.
@Suite struct JSONValueParserTests {
    static func decoded(_ text: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode([JSONValue].self, from: Data([UInt8(ascii: "[")] + text + [UInt8(ascii: "]")]))
            .first
    }

    static func parsed(_ text: [UInt8]) -> JSONValue? {
        guard case .array(let values)? = try? JSONValueParser.parse([UInt8(ascii: "[")] + text + [UInt8(ascii: "]")])
        else { return nil }
        return values.first
    }

    static let cases: [String] = [
        "null", "true", "false", "0", "-0", "7", "-42", "1.5", "-0.25", "1e3", "1E+2", "2.0", "1.0e0", "3e-2",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "123456789012345678901234567890",
        "1e400", "01", "1.", ".5", "-", "+1", "1e", "0x10", "NaN", "Infinity",
        #""""#, #""plain""#, #""Ü ☃ 😀""#, #""esc \" \\ \/ \b \f \n \r \t""#, #""\u00fc\u2603\ud83d\ude00""#,
        #""\ud83d""#, #""\ude00""#, #""\u12""#, #""\x""#, "\"tab\there\"", "\"unterminated",
        "[]", "[1,2,3]", "[,1]", "[1 2]", "{}", #"{"a":1,"b":[true,null,{"c":"d"}]}"#,
        #"{"a" 1}"#, #"{1:2}"#, #"{"a":1,"a":2}"#, "  [ 1 , { \"x\" : [ ] } ]  ", "tru", "nul", "[", "{",
        #"{"price":"12.50","quantity":3,"serials":["S1","S2"]}"#,
    ]

    @Test(arguments: cases)
    func readsWhatJSONDecoderReads(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(Self.parsed(bytes) == Self.decoded(bytes), "\(text)")
    }

    /// `JSONDecoder` takes a trailing comma; JSON does not, and neither does the import.
    @Test func trailingCommasAreNotJSON() {
        for text in ["[1,]", #"{"a":1,}"#] {
            #expect(Self.parsed(Array(text.utf8)) == nil, "\(text)")
        }
    }

    @Test func invalidUTF8IsRefusedAsByTheDecoder() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            #expect(Self.parsed(bytes) == nil)
            #expect(Self.decoded(bytes) == nil)
        }
    }

    /// Random documents of every kind, written by `JSONEncoder`, read back the same by both.
    @Test func randomDocumentsReadTheSame() throws {
        var random = SeededGenerator(seed: 12)
        func value(_ depth: Int) -> JSONValue {
            switch random.next() % (depth > 3 ? 5 : 7) {
            case 0: return .null
            case 1: return .bool(random.next() % 2 == 0)
            case 2: return .integer(Int64(bitPattern: random.next()) >> (random.next() % 63))
            case 3: return .number(Double(Int64(bitPattern: random.next()) >> 20) / 1_000)
            case 4:
                let alphabet = Array("aZ09 \"\\/\n\t€ü😀\u{1}<>&'")
                let count = Int(random.next() % 12)
                return .string(String((0..<count).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
            case 5: return .array((0..<Int(random.next() % 5)).map { _ in value(depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<Int(random.next() % 5) { members["k\(random.next() % 9)"] = value(depth + 1) }
                return .object(members)
            }
        }
        for _ in 0..<500 {
            let document = value(0)
            let bytes = Array(try JSONEncoder().encode([document]))
            let ours = try JSONValueParser.parse(bytes)
            #expect(ours == (try JSONDecoder().decode(JSONValue.self, from: Data(bytes))))
        }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000)
        #expect(throws: JSONValueParser.Malformed.self) { try JSONValueParser.parse(deep) }
        let fine = Array(repeating: UInt8(ascii: "["), count: 100) + Array(repeating: UInt8(ascii: "]"), count: 100)
        #expect((try? JSONValueParser.parse(fine)) != nil)
    }
}
