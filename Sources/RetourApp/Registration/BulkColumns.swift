import Foundation
import RetourCore

/// The columns and reasons of a bulk file as people write them: a column by its code (the API's
/// names) or by its title in Dutch or English, a reason by its code or its label in either language,
/// a position as the screen shows it (`#100`).
struct BulkColumns: Sendable {
    /// Lowercased title or code → the column's code.
    let columns: [String: String]
    /// Lowercased label or code → the reason.
    let reasons: [String: ReasonID]

    static var codes: [String] { BulkRow.fixedColumns + BulkRow.fieldColumns }

    /// The API's reading: columns by their codes, in any case; reasons and positions as sent.
    static let contractNames = BulkColumns(
        columns: Dictionary(codes.map { ($0.lowercased(), $0) }) { first, _ in first }, reasons: [:])

    private init(columns: [String: String], reasons: [String: ReasonID]) {
        self.columns = columns
        self.reasons = reasons
    }

    init(_ catalog: TranslationCatalog) {
        var columns: [String: String] = [:]
        var reasons: [String: ReasonID] = [:]
        for language in Language.allCases {
            let t = catalog[language]
            for code in Self.codes { columns[Self.title(code, t).lowercased()] = code }
            for reason in Reason.catalogue { reasons[reason.label.text(t).lowercased()] = reason.id }
        }
        for code in Self.codes { columns[code.lowercased()] = code }
        for reason in ReasonID.allCases { reasons[reason.rawValue] = reason }
        self.columns = columns
        self.reasons = reasons
    }

    /// A column's title in `t`'s language; a column without one keeps its code.
    static func title(_ code: String, _ t: Translations) -> String {
        t.texts["bulk.column.\(code)"] ?? code
    }

    /// The header's columns as codes (an unknown name stays as written, to be named in the refusal).
    func header(_ names: [String]) -> [String] {
        names.map { name in
            let trimmed = name.trimmingWhitespace()
            return columns[trimmed.lowercased()] ?? trimmed
        }
    }

    /// A row's cells with the reason as its code and the position without its `#`.
    func cells(_ cells: [String], header: [String]) -> [String] {
        var cells = cells
        for (index, name) in header.enumerated() where index < cells.count {
            let cell = cells[index].trimmingWhitespace()
            switch name {
            case "reason": cells[index] = reasons[cell.lowercased()]?.rawValue ?? cell
            case "position" where cell.hasPrefix("#"): cells[index] = String(cell.dropFirst()).trimmingWhitespace()
            default: break
            }
        }
        return cells
    }
}
