import Testing

@testable import RetourCore

/// A percentage from a form: what people type is read, anything else is refused, never trapped.
@Suite struct PercentTests {
    @Test func percentagesAsPeopleTypeThem() {
        #expect(Percent.basisPoints("10") == 1_000)
        #expect(Percent.basisPoints("12,5") == 1_250)
        #expect(Percent.basisPoints(" 12.50 % ") == 1_250)
        #expect(Percent.basisPoints("0") == 0)
        #expect(Percent.basisPoints("100") == 10_000)
    }

    @Test func anythingElseIsNoPercentage() {
        for text in [
            "", "%", "-1", "100.01", "101", "1e2", "12,345", "1.2.3", "12,", ",5", "veel", "99999999999999999999999",
            "1\u{0}0", "١٠", "+5",
        ] {
            #expect(Percent.basisPoints(text) == nil, "\(text)")
        }
    }
}
