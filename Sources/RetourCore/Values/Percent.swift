/// A percentage as people type it: `10`, `12,5`, `12.50` or `10 %`.
public enum Percent {
    /// The percentage in basis points (`12,5` → 1 250); nil when it is no number with at most two
    /// decimals, or not from 0 to 100 %. With at most two decimals a percentage reads like an amount:
    /// its hundredths are basis points.
    public static func basisPoints(_ text: String) -> Int? {
        let cleaned = text.replacingOccurrences(of: "%", with: "").trimmingWhitespace()
            .replacingOccurrences(of: ",", with: ".")
        guard let hundredths = Money(decimal: cleaned)?.cents, (0...10_000).contains(hundredths) else { return nil }
        return Int(hundredths)
    }
}
