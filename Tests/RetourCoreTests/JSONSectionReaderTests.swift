import Foundation
import Testing

@testable import RetourCore

@Suite struct JSONSectionReaderTests {
    /// A reader over `text` handed out `size` bytes at a time.
    static func reader(_ text: String, chunk size: Int) -> JSONSectionReader {
        let bytes = Array(text.utf8)
        var offset = 0
        return JSONSectionReader {
            guard offset < bytes.count else { return nil }
            let end = min(offset + size, bytes.count)
            defer { offset = end }
            return Array(bytes[offset..<end])
        }
    }

    static let document = #"""
        { "companies" : [ {"number":"1","name":"A {[\"quoted\"]}, BV"} , {"number":"2","name":"Ü ☃ \\"} ],
          "empty": [],
          "brands": [{"name":"X","doaDays":null,"flags":[true,false,[1,2.5e3,-4]]}],
          "note": "not an array" }
        """#

    /// Records come out whole and exactly, whatever the chunks the bytes arrive in — strings with
    /// brackets, escaped quotes and backslashes, non-ASCII, nested arrays.
    @Test(arguments: [1, 2, 3, 7, 64, 4096])
    func recordsSurviveAnyChunking(_ size: Int) throws {
        var reader = Self.reader(Self.document, chunk: size)
        var sections: [String: [JSONValue]] = [:]
        var other: [String: JSONValue] = [:]
        while let name = try reader.nextSection() {
            if try reader.sectionIsArray() {
                var records: [JSONValue] = []
                while let bytes = try reader.nextRecord() {
                    records.append(try JSONDecoder().decode(JSONValue.self, from: Data(bytes)))
                }
                sections[name] = records
            } else {
                other[name] = try JSONDecoder().decode(JSONValue.self, from: Data(try reader.sectionValue()))
            }
        }
        let whole = try JSONDecoder().decode([String: JSONValue].self, from: Data(Self.document.utf8))
        #expect(sections["companies"].map(JSONValue.array) == whole["companies"])
        #expect(sections["brands"].map(JSONValue.array) == whole["brands"])
        #expect(sections["empty"] == [])
        #expect(other["note"] == .string("not an array"))
        #expect(reader.bytesRead == Self.document.utf8.count)
    }

    @Test func skippedRecordsAreNotKept() throws {
        var reader = Self.reader(Self.document, chunk: 5)
        #expect(try reader.nextSection() == "companies")
        #expect(try reader.nextRecord(keep: false) == [])
        let second = try #require(try reader.nextRecord())
        #expect(String(decoding: second, as: UTF8.self).hasPrefix(#"{"number":"2""#))
        #expect(try reader.nextRecord() == nil)
        #expect(try reader.nextSection() == "empty")
    }

    @Test(arguments: [
        #"{"companies": [{"number": "1"}"#,  // cut off
        #"{"companies" [1]}"#,  // no colon
        #"{"companies": [1]} trailing"#,  // something after the end
        #"["companies"]"#,  // not an object
        #"{"companies": [1 2]}"#,  // no comma between records
        #"{"a": "unterminated}"#,
        "",
    ])
    func brokenDocumentsAreRefused(_ text: String) {
        #expect(throws: JSONSectionReader.Malformed.self) {
            var reader = Self.reader(text, chunk: 3)
            while try reader.nextSection() != nil {
                if try reader.sectionIsArray() {
                    while try reader.nextRecord() != nil {}
                } else {
                    _ = try reader.sectionValue()
                }
            }
        }
    }

    /// Section names are JSON strings like any other: escapes and surrogate pairs are read.
    @Test func sectionNamesWithEscapesAreRead() throws {
        var reader = Self.reader(#"{"caf\u00e9 \"x\" \ud83d\ude00\n": [], "plain": 1}"#, chunk: 2)
        #expect(try reader.nextSection() == "café \"x\" 😀\n")
        #expect(try reader.nextRecord() == nil)
        #expect(try reader.nextSection() == "plain")
        #expect(try reader.sectionValue() == Array("1".utf8))
        #expect(throws: JSONSectionReader.Malformed.self) {
            var lone = Self.reader(#"{"\ud83d": []}"#, chunk: 4)
            _ = try lone.nextSection()
        }
    }

    /// The import's second pass: sections skipped whole, whatever their kind, around the records.
    @Test func sectionsOfEveryKindAreSkipped() throws {
        for text in [
            #"{"/b": "x", "invoices": []}"#, #"{"invoices": [], "/b": "x"}"#,
            #"{"a": 1, "b": {"c": [2]}, "invoices": [{"n": "1"}], "d": null}"#,
        ] {
            var reader = Self.reader(text, chunk: 3)
            var records = 0
            while let name = try reader.nextSection() {
                guard name == "invoices" else {
                    _ = try reader.sectionValue(keep: false)
                    continue
                }
                while try reader.nextRecord() != nil { records += 1 }
            }
            #expect(records == (text.contains("\"n\"") ? 1 : 0), "\(text)")
        }
    }

    @Test func anEmptyDocumentHasNoSections() throws {
        var reader = Self.reader(" { } ", chunk: 1)
        #expect(try reader.nextSection() == nil)
    }
}
