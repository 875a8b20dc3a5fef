import CSV
import Foundation
import RetourCore

/// A bulk registration file as spreadsheets write it: UTF-8 with or without a byte order mark (or
/// Windows-1252, what Excel's plain "CSV" writes in Western Europe), separated by commas or — Dutch
/// Excel — semicolons, fields quoted where they hold a separator, a quote or a line break.
enum BulkCSV {
    struct Refusal: Error {
        var message: Message
    }

    /// The header (names as the contract spells them) and the rows; `columns` reads titles and
    /// reason labels as people write them.
    static func read(_ data: Data, columns: BulkColumns? = nil) throws -> (header: [String], rows: [BulkRow]) {
        var text: String
        let start = Array(data.prefix(2))
        if start == [0xFF, 0xFE] || start == [0xFE, 0xFF] {
            // Excel's "Unicode text": UTF-16 with its byte order mark.
            guard let utf16 = String(data: data, encoding: .utf16) else {
                throw Refusal(message: Message("bulk.notText"))
            }
            text = utf16
        } else if data.contains(0) {
            // UTF-16 without a byte order mark, or a binary file: no spreadsheet writes NUL in CSV.
            throw Refusal(message: Message("bulk.notText"))
        } else if let utf8 = String(data: data, encoding: .utf8) {
            text = utf8
        } else if let western = String(data: data, encoding: .windowsCP1252) {
            text = western
        } else {
            throw Refusal(message: Message("bulk.notText"))
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        guard !text.trimmingWhitespace().isEmpty else { throw Refusal(message: Message("bulk.empty")) }
        if let row = unclosedQuote(in: text) { throw Refusal(message: Message("bulk.unreadable", ["row": "\(row)"])) }
        let reader: CSVReader
        do {
            reader = try CSVReader(
                string: text, hasHeaderRow: true, trimFields: false, delimiter: separator(of: text))
        } catch {
            throw Refusal(message: Message("bulk.noHeader"))
        }
        let header = (columns ?? .contractNames).header(reader.headerRow ?? [])
        let missing = ["invoice", "position", "reason"].filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw Refusal(message: Message("bulk.missingColumns", ["columns": .text(missing.joined(separator: ", "))]))
        }
        let unknown = BulkRow.unknownColumns(header)
        guard unknown.isEmpty else {
            throw Refusal(
                message: Message("bulk.unknownColumns", ["columns": .text(unknown.prefix(5).joined(separator: ", "))]))
        }
        var rows: [BulkRow] = []
        var number = 1
        while let cells = reader.next() {
            number += 1
            // Blank lines (a spreadsheet's trailing rows) are no rows.
            if cells.allSatisfy({ $0.trimmingWhitespace().isEmpty }) { continue }
            guard rows.count < BulkRow.maximumRows else {
                throw Refusal(message: Message("bulk.tooManyRows", ["maximum": "\(BulkRow.maximumRows)"]))
            }
            rows.append(BulkRow(row: number, header: header, cells: columns?.cells(cells, header: header) ?? cells))
        }
        if reader.error != nil { throw Refusal(message: Message("bulk.unreadable", ["row": "\(number)"])) }
        guard !rows.isEmpty else { throw Refusal(message: Message("bulk.empty")) }
        return (header, rows)
    }

    /// The row (as a spreadsheet counts them) where a quoted cell opens and never closes; the
    /// library would read the rest of the file into that one cell.
    static func unclosedQuote(in text: String) -> Int? {
        var quoted = false
        var row = 1
        var openedOn = 1
        for scalar in text.unicodeScalars {
            if scalar == "\"" {
                quoted.toggle()
                if quoted { openedOn = row }
            } else if scalar == "\n" {
                row += 1
            }
        }
        return quoted ? openedOn : nil
    }

    /// The separator of the header line: whichever of `;`, `,` and tab it holds most of, outside quotes.
    static func separator(of text: String) -> UnicodeScalar {
        var counts: [UnicodeScalar: Int] = [";": 0, ",": 0, "\t": 0]
        var quoted = false
        for scalar in text.unicodeScalars {
            if scalar == "\"" { quoted.toggle() }
            if !quoted && (scalar == "\n" || scalar == "\r") { break }
            if !quoted, counts[scalar] != nil { counts[scalar, default: 0] += 1 }
        }
        guard let most = counts.max(by: { $0.value < $1.value }), most.value > 0 else { return "," }
        return most.key
    }

    /// The template to download: the columns (titled in `t`'s language, or as codes), and example
    /// rows — by default two of the demo's invoice lines; the page passes the reseller's own.
    static func template(_ t: Translations? = nil, rows examples: [[String: String]]? = nil) -> String {
        let columns = BulkRow.fixedColumns + BulkRow.fieldColumns
        func row(_ values: [String: String]) -> String {
            columns.map { name in
                let value = values[name] ?? ""
                return value.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" })
                    ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
            }.joined(separator: ";")
        }
        let titles = columns.map { name in t.map { BulkColumns.title(name, $0) } ?? name }
        let rows =
            examples ?? [
                [
                    "invoice": "0962350553", "position": "100", "reason": "commercial_return", "quantity": "2",
                    "serials": "S4EVNM0R820837 S4EVNM0R820839", "sealedDeclaration": "ja",
                ],
                [
                    "invoice": "0962405087", "position": "100", "reason": "defect", "serials": "2119LZ90X2V9",
                    "fault": "no_response", "description": "Geen beeld na opstarten",
                ],
            ]
        return "\u{FEFF}" + titles.joined(separator: ";") + "\r\n" + rows.map { row($0) + "\r\n" }.joined()
    }
}
