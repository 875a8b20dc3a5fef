/// A percentage as people type it: `10`, `12,5`, `12.50` or `10 %`.
public enum Percent {
    /// The percentage in basis points (`12,5` → 1 250); nil when it is no number with at most two
    /// decimals, or more than 100 %.
    public static func basisPoints(_ text: String) -> Int? {
        let cleaned = text.replacingOccurrences(of: "%", with: "").trimmingWhitespace()
            .replacingOccurrences(of: ",", with: ".")
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 3,
            parts[0].allSatisfy(\.isASCIIDigit), let whole = Int(parts[0])
        else { return nil }
        var fraction = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...2).contains(digits.count), digits.allSatisfy(\.isASCIIDigit), let value = Int(digits) else {
                return nil
            }
            fraction = digits.count == 1 ? value * 10 : value
        }
        let basisPoints = whole * 100 + fraction
        return basisPoints <= 10_000 ? basisPoints : nil
    }
}
