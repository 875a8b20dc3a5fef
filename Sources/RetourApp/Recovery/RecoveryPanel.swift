import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The request page's part for agents: what the manufacturer takes back and what that leaves
/// uncovered, and after receipt the form that says what becomes of each unit.
struct RecoveryPanel: Encodable {
    struct Choice: Encodable {
        var value: String
        var label: String
        var selected: Bool
    }

    struct Row: Encodable {
        var index: Int
        var serial: String
        var quantity: String
        var dispositions: [Choice]
        var grades: [Choice]
        var note: String
        var claim: String?
        var locked: Bool
        var proposed: Bool
        var summary: String
    }

    var verdict: String
    var refused: Bool
    var exposure: String?
    var rows: [Row]?
    var count: Int

    /// nil for a request whose goods are not expected back.
    static func make(_ req: Request, record: ReturnRequest, computedCredit: Money, typed: [String: String]) async throws
        -> RecoveryPanel?
    {
        guard let subject = try await req.vendorRecovery.subject(requestNumber: record.number) else { return nil }
        let form = DispositionForm.make(subject, today: req.today)
        let t = req.texts
        let language = req.language
        let exposure = form.exposure
        var verdict: String
        if let refusal = exposure.refusal {
            verdict = refusal.message(brand: exposure.brand).text(t)
        } else if let lastDay = exposure.lastDay {
            verdict = t(
                "recovery.panel.until",
                ["brand": exposure.brand, "date": language.format(lastDay)])
        } else {
            verdict = t("recovery.panel.always", ["brand": exposure.brand])
        }
        if let recoverable = exposure.recoverable {
            verdict += " " + t("recovery.panel.recoverable", ["amount": language.format(recoverable)])
        }
        let uncovered = max(0, computedCredit.cents - (exposure.recoverable?.cents ?? 0))
        let exposureText =
            record.creditNoteNumber == nil && computedCredit.cents > 0
            ? t(
                "recovery.panel.exposure",
                ["amount": language.format(Money(cents: uncovered)), "credit": language.format(computedCredit)])
            : nil
        let rows = form.rows?.enumerated().map { index, row -> Row in
            let chosen = typed["disposition.\(index)"] ?? row.disposition.rawValue
            let grade = typed["grade.\(index)"] ?? row.grade?.rawValue ?? ""
            return Row(
                index: index, serial: row.serial ?? "", quantity: typed["quantity.\(index)"] ?? "\(row.quantity)",
                dispositions: (row.locked ? [row.disposition] : form.choices).map {
                    Choice(value: $0.rawValue, label: $0.label.text(t), selected: $0.rawValue == chosen)
                },
                grades: [Choice(value: "", label: "–", selected: grade.isEmpty)]
                    + Grade.allCases.map {
                        Choice(value: $0.rawValue, label: $0.rawValue.uppercased(), selected: $0.rawValue == grade)
                    },
                note: typed["note.\(index)"] ?? row.note ?? "", claim: row.claim, locked: row.locked,
                proposed: row.proposed,
                summary: row.disposition.label.text(t))
        }
        return RecoveryPanel(
            verdict: verdict, refused: exposure.refusal != nil, exposure: exposureText, rows: rows,
            count: rows?.count ?? 0)
    }

    /// The units typed into the page's form (`serial.N`, `quantity.N`, `disposition.N`, `grade.N`,
    /// `note.N` for N below `rows`). Rows already with the vendor have no fields: the use case keeps
    /// them as they are.
    static func units(from form: [String: String]) throws -> [RecordDisposition.UnitInput] {
        var errors: [FieldError] = []
        guard let count = Int(form["rows"] ?? ""), (1...RecordDisposition.maximumUnits).contains(count) else {
            throw Refusal.invalid([
                FieldError(
                    "rows", message: Message("recovery.unitsCount", ["maximum": "\(RecordDisposition.maximumUnits)"]))
            ])
        }
        var units: [RecordDisposition.UnitInput] = []
        for index in 0..<count {
            let serial = (form["serial.\(index)"] ?? "").trimmingWhitespace()
            guard let raw = form["disposition.\(index)"] else { continue }
            guard let disposition = Disposition(rawValue: raw) else {
                errors.append(
                    FieldError(
                        "disposition.\(index)",
                        message: Message(
                            "validation.chooseOneOf",
                            ["choices": .text(Disposition.allCases.map(\.rawValue).joined(separator: ", "))])))
                continue
            }
            let gradeText = form["grade.\(index)"] ?? ""
            let grade = Grade(rawValue: gradeText)
            if grade == nil && !gradeText.isEmpty {
                errors.append(
                    FieldError(
                        "grade.\(index)", message: Message("validation.chooseOneOf", ["choices": "a, b, c, defective"]))
                )
            }
            let quantity =
                serial.isEmpty
                ? boundedField(
                    form["quantity.\(index)"], "quantity.\(index)", in: 1...Limits.quantity.upperBound, errors: &errors)
                : 1
            let note = (form["note.\(index)"] ?? "").trimmingWhitespace()
            if let quantity {
                units.append(
                    RecordDisposition.UnitInput(
                        serial: serial.isEmpty ? nil : serial, quantity: quantity, disposition: disposition,
                        grade: grade, note: note.isEmpty ? nil : note))
            }
        }
        guard errors.isEmpty else { throw Refusal.invalid(errors) }
        return units
    }
}
