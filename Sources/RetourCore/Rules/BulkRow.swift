/// One row of a bulk registration (`POST /api/v1/cart/bulk`): an invoice line by its invoice and
/// position, a reason, and the reason's form as columns — what `POST /api/v1/cart/positions` takes,
/// read from spreadsheet cells.
public struct BulkRow: Sendable, Hashable {
    /// The row's number in the file, counting the header as row 1 (as a spreadsheet shows it).
    public var row: Int
    public var invoice: String
    public var position: Int?
    public var reason: String
    public var quantity: Int?
    public var serials: [String]
    public var fields: [String: JSONValue]
    /// Cells that could not be read, by column.
    public var errors: [FieldError]

    /// The columns every file has; the others are form fields.
    public static let fixedColumns = ["invoice", "position", "reason", "quantity", "serials"]
    public static let maximumRows = 1_000

    /// The form fields a file may have as columns: every field of every reason's form.
    public static var fieldColumns: [String] {
        var names: [String] = []
        for reason in ReasonID.allCases {
            for field in FormSchema.of(reason).fields where !names.contains(field.name) { names.append(field.name) }
        }
        return names
    }

    /// Columns of `header` that are neither fixed nor a form field.
    public static func unknownColumns(_ header: [String]) -> [String] {
        let known = Set(fixedColumns + fieldColumns)
        return header.filter { !$0.isEmpty && !known.contains($0) }
    }

    /// Reads one row of cells under `header` (names as in the file, trimmed).
    public init(row: Int, header: [String], cells: [String]) {
        self.row = row
        var values: [String: String] = [:]
        for (index, name) in header.enumerated() where index < cells.count {
            let cell = cells[index].trimmingWhitespace()
            if !cell.isEmpty && !name.isEmpty { values[name] = cell }
        }
        invoice = values["invoice"] ?? ""
        reason = values["reason"] ?? ""
        serials = (values["serials"] ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        errors = []
        position = nil
        quantity = nil
        fields = [:]
        if invoice.isEmpty { errors.append(FieldError("invoice", message: Message("bulk.invoiceRequired"))) }
        if let text = values["position"] {
            switch WholeNumber.parse(text, in: 1...1_000_000) {
            case .success(let value): position = value
            case .failure(let problem): errors.append(WholeNumber.error(problem, field: "position"))
            }
        } else {
            errors.append(FieldError("position", message: Message("bulk.positionRequired")))
        }
        if let text = values["quantity"] {
            switch WholeNumber.parse(text, in: Limits.quantity) {
            case .success(let value): quantity = value
            case .failure(let problem): errors.append(WholeNumber.error(problem, field: "quantity"))
            }
        }
        // A cell becomes the JSON value its field takes; what cannot be read stays text, so the
        // form's own check names it.
        let kinds: [String: FormField.Kind] =
            ReasonID(rawValue: reason).map {
                Dictionary(FormSchema.of($0).fields.map { ($0.name, $0.kind) }) { a, _ in a }
            }
            ?? [:]
        for name in Self.fieldColumns {
            guard let cell = values[name] else { continue }
            switch kinds[name] {
            case .flag?, .declaration?:
                fields[name] = Self.flag(cell).map(JSONValue.bool) ?? .string(cell)
            case .integer?:
                fields[name] = Int64(cell).map { .integer($0) } ?? .string(cell)
            default:
                fields[name] = .string(cell)
            }
        }
    }

    /// Yes and no as people type them in Dutch and English spreadsheets.
    static func flag(_ cell: String) -> Bool? {
        switch cell.lowercased() {
        case "true", "yes", "ja", "j", "y", "1", "x", "waar", "wahr": return true
        case "false", "no", "nee", "n", "0", "onwaar", "falsch": return false
        default: return nil
        }
    }
}
