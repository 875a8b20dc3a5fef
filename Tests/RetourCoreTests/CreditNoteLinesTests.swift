import Testing

@testable import RetourCore

/// A credit note shows each deduction on its own line, and its lines always add up to the amount
/// booked, whatever the reason's settlement and the agent's adjustment.
@Suite struct CreditNoteLinesTests {
    static func total(_ lines: [CreditNoteLine]) throws -> Money {
        try lines.reduce(Money.zero) { sum, line in try sum + line.amount }
    }

    static func method(_ reason: ReasonID, _ fields: [String: JSONValue] = [:]) -> SettlementMethod {
        Reason.named(reason).settlement.method(given: fields)
    }

    @Test func theReturnFeeAndTheAgentsAdjustmentAreLinesOfTheirOwn() throws {
        let settlement = try Settlement.compute(
            reason: .commercialReturn, fields: [:], unitPrice: Money(cents: 5_495), quantity: 2, policy: .standard)
        let booked = Money(cents: 9_000)
        let lines = try settlement.lines(booked: booked, method: Self.method(.commercialReturn), replaced: false)
        #expect(lines.map(\.kind) == [.goods, .returnFee, .adjustment])
        #expect(lines.map(\.amount) == [Money(cents: 10_990), Money(cents: -1_099), Money(cents: -891)])
        #expect(try Self.total(lines) == booked)
    }

    @Test func keptGoodsShowWhatTheSpecialPriceTakesOff() throws {
        let fields: [String: JSONValue] = ["keep": .bool(true)]
        let kept = try Settlement.compute(
            reason: .transportDamage, fields: fields, unitPrice: Money(cents: 33_397), quantity: 2, policy: .standard)
        let lines = try kept.lines(booked: kept.amount, method: Self.method(.transportDamage, fields), replaced: false)
        #expect(lines.map(\.kind) == [.goods, .keptAtSpecialPrice])
        #expect(try Self.total(lines) == Money(cents: 6_680))
        let charged = try Settlement.compute(
            reason: .tooMuchDelivered, fields: fields, unitPrice: Money(cents: 33_397), quantity: 1, policy: .standard)
        let charge = try charged.lines(
            booked: charged.amount, method: Self.method(.tooMuchDelivered, fields), replaced: false)
        #expect(charge.map(\.kind) == [.goods, .specialPriceDiscount])
        #expect(try Self.total(charge) == Money(cents: 33_230))
    }

    @Test func aReasonThatCreditsNothingAndAReplacementSayWhy() throws {
        let nothing = try Settlement.compute(
            reason: .tooMuchDelivered, fields: [:], unitPrice: Money(cents: 1_000), quantity: 3, policy: .standard)
        let lines = try nothing.lines(
            booked: Money(cents: 500), method: Self.method(.tooMuchDelivered), replaced: false)
        #expect(lines.map(\.kind) == [.goods, .notCredited, .adjustment])
        #expect(try Self.total(lines) == Money(cents: 500))
        var replaced = try Settlement.compute(
            reason: .defect, fields: [:], unitPrice: Money(cents: 1_000), quantity: 1, policy: .standard)
        replaced.amount = .zero
        let settled = try replaced.lines(booked: .zero, method: Self.method(.defect), replaced: true)
        #expect(settled.map(\.kind) == [.goods, .replacement])
        #expect(try Self.total(settled) == .zero)
    }

    @Test func theGoodsAloneWhenNothingIsTakenOff() throws {
        let full = try Settlement.compute(
            reason: .defect, fields: [:], unitPrice: Money(cents: 7_150), quantity: 1, policy: .standard)
        let lines = try full.lines(booked: full.amount, method: Self.method(.defect), replaced: false)
        #expect(lines == [CreditNoteLine(.goods, Money(cents: 7_150))])
    }
}
