import RetourCore
import Vapor

extension Request {
    /// A whole-number query parameter within `range`; `fallback` when it is absent or blank.
    /// Anything else is a 400 that names the parameter, never a silent default.
    func boundedQuery(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        guard let raw = query[String.self, at: name] else {
            // Present but unreadable (bytes that are not UTF-8) is not the same as absent.
            let present = (url.query ?? "").split(separator: "&").contains { $0.hasPrefix(name + "=") }
            if present {
                throw Refusal(
                    .malformed, detail: Message("app.api.theParameterIsNotValid", ["name": "\(name)"]),
                    errors: [WholeNumber.error(.notWhole, field: name)])
            }
            return fallback
        }
        // A form's blank field means "not given"; an API client that sends the name sends a number.
        guard !raw.trimmingWhitespace().isEmpty else {
            guard surface == .api else { return fallback }
            throw Refusal(
                .malformed, detail: Message("app.api.theParameterIsNotValid", ["name": "\(name)"]),
                errors: [WholeNumber.error(.notWhole, field: name)])
        }
        switch WholeNumber.parse(raw, in: range) {
        case .success(let value): return value
        case .failure(let refusal):
            throw Refusal(
                .malformed, detail: Message("app.api.theParameterIsNotValid", ["name": "\(name)"]),
                errors: [WholeNumber.error(refusal, field: name)])
        }
    }
}

/// Reads a whole number typed into a form field, or adds the field's error.
func boundedField(_ raw: String?, _ field: String, in range: ClosedRange<Int>, errors: inout [FieldError]) -> Int? {
    switch WholeNumber.parse(raw ?? "", in: range) {
    case .success(let value): return value
    case .failure(let refusal):
        errors.append(WholeNumber.error(refusal, field: field))
        return nil
    }
}
