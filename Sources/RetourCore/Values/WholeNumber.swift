/// A whole number typed into a form or sent in a query string. Everything from outside is read
/// here, with explicit bounds, so that no value can overflow arithmetic further in.
public enum WholeNumber {
    /// Why a text is not an acceptable whole number.
    public enum Refusal: Error, Hashable, Sendable {
        case empty
        case notWhole
        case outOfRange(ClosedRange<Int64>)
    }

    /// Parses ` 3 ` as 3; refuses `abc`, `2abc`, `1.5`, `1e3`, `+3` and the empty text rather than
    /// guessing, and anything outside `range`.
    public static func parse(_ text: String, in range: ClosedRange<Int64>) -> Result<Int64, Refusal> {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { return .failure(.empty) }
        var digits = Substring(trimmed)
        let negative = digits.first == "-"
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { return .failure(.notWhole) }
        // Too many digits for any range we accept: refuse before Int64 could overflow.
        let significant = digits.drop(while: { $0 == "0" })
        guard significant.count <= 18, let magnitude = Int64(significant.isEmpty ? "0" : significant) else {
            return .failure(.outOfRange(range))
        }
        let value = negative ? -magnitude : magnitude
        guard range.contains(value) else { return .failure(.outOfRange(range)) }
        return .success(value)
    }

    /// The same, for `Int` ranges.
    public static func parse(_ text: String, in range: ClosedRange<Int>) -> Result<Int, Refusal> {
        parse(text, in: Int64(range.lowerBound)...Int64(range.upperBound)).map { Int($0) }
    }

    /// A field error naming `field`, in both languages.
    public static func error(_ refusal: Refusal, field: String) -> FieldError {
        switch refusal {
        case .empty:
            return FieldError(field, message: Message("number.enterAWholeNumber"))
        case .notWhole:
            return FieldError(
                field, message: Message("number.enterAWholeNumberWithoutLetters"))
        case .outOfRange(let range):
            return FieldError(
                field,
                message: Message(
                    "number.enterANumberFromTo",
                    ["lowerBound": "\(range.lowerBound)", "upperBound": "\(range.upperBound)"]))
        }
    }
}

/// The bounds for numbers from outside, in one place.
public enum Limits {
    /// Units on one invoice line or one request.
    public static let quantity: ClosedRange<Int> = 0...1_000_000
    /// A list page number and page size.
    public static let page: ClosedRange<Int> = 1...100_000
    /// Amounts anywhere: up to ten billion euros, so that an amount times a quantity fits Int64.
    public static let moneyCents: ClosedRange<Int64> = -1_000_000_000_000...1_000_000_000_000
    /// Days in any window or age filter.
    public static let days: ClosedRange<Int> = 0...36_500
}
