import Testing

@testable import RetourCore

@Suite struct PositionValidatorTests {
    static let day = CalendarDay(iso: "2021-12-08")!
    static let serials = (1...10).map { "ZTT2YCBT\($0)" }

    static func context(
        quantity: Int = 10, claimed: Int = 0, price: Int64 = 6_321, serialised: Bool = true,
        claimedSerials: Set<String> = []
    ) -> PositionContext {
        PositionContext(
            line: LineFacts(
                invoiceDate: day, quantity: quantity, claimedQuantity: claimed, unitPrice: Money(cents: price),
                article: ArticleFacts(), brand: BrandFacts(name: "SEAGATE", doaDays: 14)),
            serialised: serialised, deliveredSerials: serialised ? Array(serials.prefix(quantity)) : [],
            claimedSerials: claimedSerials)
    }

    static func fields(_ input: PositionInput, _ context: PositionContext = context()) -> Set<String> {
        switch PositionValidator.check(input, context: context, policy: .standard) {
        case .invalid(let errors): return Set(errors.map(\.field))
        case .conflict(let errors): return Set(errors.map { "conflict:" + $0.field })
        case .valid: return []
        }
    }

    /// The reason table, one row per reason: an empty form names its required fields; a complete
    /// one passes; once approved the goods come back or stay; and what the request is worth at
    /// €100,00 a piece (a charge is negative). Adding a reason adds a row here.
    @Test(arguments: [
        (
            ReasonID.defect, ["fault", "description", "serials"],
            ["fault": JSONValue.string("no_response"), "description": .string("Geen beeld")], true, Int64(10_000)
        ),
        (.doa, ["fault", "description", "serials"], ["fault": "no_function", "description": "Dood"], true, 10_000),
        // 10 % return fee.
        (.commercialReturn, ["sealedDeclaration", "serials"], ["sealedDeclaration": true], true, 9_000),
        (
            .wronglyOrdered, ["sealedDeclaration", "serials"], ["sealedDeclaration": true, "comment": "Verkeerd"], true,
            9_000
        ),
        (
            .buyback, ["condition", "comment", "serials"], ["condition": "unopened", "comment": "Niet nodig"], true,
            10_000
        ),
        (.wrongDelivery, ["variant"], ["variant": "match", "keep": false], true, 10_000),
        (.productComplaint, ["condition"], ["condition": "opened"], true, 10_000),
        // Two units too many, kept: charged at €99,50 (0,5 % off).
        (
            .tooMuchDelivered, ["totalDelivered", "keep"], ["totalDelivered": .integer(12), "keep": true], false,
            -19_900
        ),
        (
            .transportDamage, ["damageNoted", "keep", "comment", "attachments"],
            ["damageNoted": true, "keep": false, "comment": "Doos ingedeukt"], true, 10_000
        ),
        (.concealedDamage, ["comment", "attachments"], ["comment": "Scherm gebarsten"], true, 10_000),
        (.shortage, ["procedure"], ["procedure": "credit"], false, 10_000),
        (.missingAccessories, ["comment"], ["comment": "Voeding ontbreekt"], false, 10_000),
        // The agent finds what is owed.
        (.wrongInvoicing, ["subReason", "comment"], ["subReason": "price", "comment": "Prijs te hoog"], false, 0),
        (.licenseReturn, ["notActivatedDeclaration"], ["notActivatedDeclaration": true], false, 10_000),
    ])
    func eachReasonFromFormToCredit(
        _ reason: ReasonID, _ required: [String], _ complete: [String: JSONValue], _ goodsBack: Bool, _ worth: Int64
    ) throws {
        #expect(Self.fields(PositionInput(reason: reason)) == Set(required), "\(reason)")
        let serials = FormSchema.of(reason).serials == .requiredWhenSerialised ? ["ZTT2YCBT1"] : []
        let images = Policy.standard[reason].requiredImages
        let context = Self.context(price: 10_000)
        let check = PositionValidator.check(
            PositionInput(reason: reason, serials: serials, fields: complete, images: images), context: context,
            policy: .standard)
        guard case .valid(let position) = check else {
            Issue.record("\(reason): \(check)")
            return
        }
        // Too much delivered: the excess; wrong invoicing: the invoice line as a whole (not asked).
        let expected = reason == .tooMuchDelivered ? 2 : reason == .wrongInvoicing ? context.line.quantity : 1
        #expect(position.quantity == expected)
        #expect(Lifecycle.expectsGoods(reason, fields: position.fields) == goodsBack, "\(reason)")
        let settlement = try Settlement.compute(
            reason: reason, fields: position.fields, unitPrice: context.line.unitPrice, quantity: position.quantity,
            policy: .standard)
        let signed = settlement.kind == .charge ? -settlement.amount.cents : settlement.amount.cents
        #expect(signed == worth, "\(reason)")
    }

    @Test func wrongInvoicingAsksNoQuantityOrSerialsAndIgnoresThem() {
        var context = Self.context()
        context.line.claimedQuantity = context.line.quantity
        let check = PositionValidator.check(
            PositionInput(
                reason: .wrongInvoicing, quantity: 999, serials: ["not-on-the-line"],
                fields: ["subReason": .string("price"), "comment": .string("Prijs te hoog")]),
            context: context, policy: .standard)
        guard case .valid(let position) = check else {
            Issue.record("\(check)")
            return
        }
        #expect(position.quantity == context.line.quantity)
        #expect(position.serials.isEmpty)
    }

    @Test func claimsThatHoldNothingMayUseHeldSerials() {
        var context = Self.context()
        context.claimedSerials = Set(context.deliveredSerials)
        let serial = context.deliveredSerials[0]
        let held = PositionValidator.check(
            PositionInput(reason: .productComplaint, serials: [serial], fields: ["condition": .string("opened")]),
            context: context, policy: .standard)
        guard case .conflict = held else {
            Issue.record("a goods reason must not take a held serial: \(held)")
            return
        }
        let accessory = PositionValidator.check(
            PositionInput(reason: .missingAccessories, serials: [serial], fields: ["comment": .string("Kabel")]),
            context: context, policy: .standard)
        guard case .valid = accessory else {
            Issue.record("missing accessories holds nothing: \(accessory)")
            return
        }
    }

    @Test func allowedValuesAndDeclarations() {
        #expect(
            Self.fields(
                PositionInput(
                    reason: .defect, serials: ["ZTT2YCBT1"],
                    fields: ["fault": .string("broken"), "description": .string("x")]))
                == ["fault"])
        #expect(
            Self.fields(
                PositionInput(
                    reason: .commercialReturn, serials: ["ZTT2YCBT1"], fields: ["sealedDeclaration": .bool(false)]))
                == ["sealedDeclaration"])
        #expect(
            Self.fields(
                PositionInput(
                    reason: .wrongInvoicing, fields: ["subReason": .string("weather"), "comment": .integer(3)]))
                == ["subReason", "comment"])
        #expect(
            Self.fields(
                PositionInput(
                    reason: .missingAccessories, fields: ["comment": .string(String(repeating: "x", count: 2_001))]))
                == ["comment"])
    }

    @Test func buybackOnlyTakesUnopenedGoods() {
        for condition in ["opened", "damaged", "unclear"] {
            let check = PositionValidator.check(
                PositionInput(
                    reason: .buyback, serials: ["ZTT2YCBT1"],
                    fields: ["condition": .string(condition), "comment": .string("x")]),
                context: Self.context(), policy: .standard)
            guard case .invalid(let errors) = check else {
                Issue.record("\(condition) was accepted")
                continue
            }
            #expect(errors.map(\.message.nl) == ["Wij accepteren alleen ongeopende / onbeschadigde goederen."])
        }
    }

    @Test func aSerialisedBuybackTakesItsQuantityFromTheSerialsAndALineWithoutSerialsAnEnteredOne() {
        let fields: [String: JSONValue] = ["condition": .string("unopened"), "comment": .string("Over")]
        let none = PositionValidator.check(
            PositionInput(reason: .buyback, quantity: 10, fields: fields), context: Self.context(), policy: .standard)
        guard case .invalid(let errors) = none else {
            Issue.record("a buy back without serials became quantity \(none)")
            return
        }
        #expect(errors.map(\.field) == ["serials"])
        let two = PositionValidator.check(
            PositionInput(reason: .buyback, serials: ["ZTT2YCBT1", "ZTT2YCBT2"], fields: fields),
            context: Self.context(), policy: .standard)
        guard case .valid(let position) = two else {
            Issue.record("\(two)")
            return
        }
        #expect(position.quantity == 2)
        // Serialised, but the import brought no serials for the line: the quantity is entered.
        var bare = Self.context()
        bare.deliveredSerials = []
        let entered = PositionValidator.check(
            PositionInput(
                reason: .defect, quantity: 3, fields: ["fault": .string("noise"), "description": .string("x")]),
            context: bare, policy: .standard)
        guard case .valid(let defect) = entered else {
            Issue.record("\(entered)")
            return
        }
        #expect(defect.quantity == 3)
    }

    @Test func wrongDeliveryVariants() {
        // Step one: only the choice is asked.
        #expect(Self.fields(PositionInput(reason: .wrongDelivery)) == ["variant"])
        #expect(Self.fields(PositionInput(reason: .wrongDelivery, fields: ["variant": .string("match")])) == ["keep"])
        #expect(
            Self.fields(PositionInput(reason: .wrongDelivery, fields: ["variant": .string("mismatch")]))
                == ["materialCode", "keepReceived", "wantOriginal"])
        #expect(
            Self.fields(
                PositionInput(
                    reason: .wrongDelivery,
                    fields: [
                        "variant": .string("mismatch"), "materialCode": .string("0000000000000"),
                        "keepReceived": .bool(true),
                        "wantOriginal": .bool(false),
                    ])) == [], "an unknown article is kept as typed, without an offer, and blocks nothing")
        #expect(
            Self.fields(
                PositionInput(
                    reason: .wrongDelivery,
                    fields: [
                        "variant": .string("mismatch"), "materialCode": .string("3660619040438"),
                        "keepReceived": .bool(true),
                        "wantOriginal": .bool(false),
                    ])
            ).isEmpty)
    }

    @Test func onlyTheChosenOptionsFieldsAreKept() {
        let input = PositionInput(
            reason: .wrongDelivery,
            fields: [
                "variant": .string("match"), "keep": .bool(true), "materialCode": .string("STKP10000400"),
                "wantOriginal": .bool(true), "receivedUnitPriceCents": .integer(1), "comment": .string("Doos 2"),
            ])
        guard case .valid(let position) = PositionValidator.check(input, context: Self.context(), policy: .standard)
        else {
            Issue.record("a complete option 1 is valid")
            return
        }
        #expect(position.fields == ["variant": .string("match"), "keep": .bool(true), "comment": .string("Doos 2")])
        let schema = FormSchema.of(.wrongDelivery)
        #expect(schema.active(given: [:]).map(\.name) == ["variant", "comment", "positionReference"])
        #expect(
            schema.active(given: ["variant": .string("mismatch")]).filter(\.required).map(\.name)
                == ["variant", "materialCode", "keepReceived", "wantOriginal"])
    }

    @Test func quantitiesHaveBounds() {
        let shortage: [String: JSONValue] = ["procedure": .string("credit_and_redeliver")]
        #expect(Self.fields(PositionInput(reason: .shortage, quantity: 10, fields: shortage)).isEmpty)
        #expect(Self.fields(PositionInput(reason: .shortage, quantity: 0, fields: shortage)) == ["quantity"])
        #expect(Self.fields(PositionInput(reason: .shortage, quantity: 11, fields: shortage)) == ["quantity"])
        // Claimed already: a conflict, not a mistake.
        #expect(
            Self.fields(PositionInput(reason: .shortage, quantity: 4, fields: shortage), Self.context(claimed: 7))
                == ["conflict:quantity"])
        // Too much delivered: the total must exceed the invoiced quantity.
        #expect(
            Self.fields(
                PositionInput(reason: .tooMuchDelivered, fields: ["totalDelivered": .integer(10), "keep": .bool(true)]))
                == ["totalDelivered"])
    }

    @Test func theValueLimitsNameTheAllowedQuantities() {
        // 10.00 each, 5 claimable: 3 to 5 qualify for a commercial return.
        let context = Self.context(quantity: 5, price: 1_000, serialised: false)
        let check = PositionValidator.check(
            PositionInput(reason: .commercialReturn, quantity: 2, fields: ["sealedDeclaration": .bool(true)]),
            context: context,
            policy: .standard)
        guard case .invalid(let errors) = check else {
            Issue.record("2 × 10.00 was accepted")
            return
        }
        #expect(errors.first?.message.nl.hasSuffix("kies een hoeveelheid van 3 tot en met 5.") == true)
        #expect(errors.first?.message.en.hasSuffix("choose a quantity from 3 to 5.") == true)
        #expect(
            Self.fields(
                PositionInput(reason: .commercialReturn, quantity: 3, fields: ["sealedDeclaration": .bool(true)]),
                context
            )
            .isEmpty)
    }

    @Test func serialsMustBeTheLinesAndUnclaimed() {
        let fields: [String: JSONValue] = ["fault": .string("noise"), "description": .string("Tikt")]
        #expect(
            Self.fields(PositionInput(reason: .defect, serials: ["ZTT2YCBT1", "NOTMINE"], fields: fields)) == [
                "serials[1]"
            ])
        #expect(
            Self.fields(PositionInput(reason: .defect, serials: ["ZTT2YCBT1", "ZTT2YCBT1"], fields: fields)) == [
                "serials[1]"
            ])
        #expect(
            Self.fields(
                PositionInput(reason: .defect, serials: ["ZTT2YCBT2"], fields: fields),
                Self.context(claimedSerials: ["ZTT2YCBT2"]))
                == ["conflict:serials[0]"])
        #expect(
            Self.fields(PositionInput(reason: .defect, quantity: 3, serials: ["ZTT2YCBT1"], fields: fields)) == [
                "quantity"
            ])
        // Licence keys are free text, never checked against the line.
        #expect(
            Self.fields(
                PositionInput(
                    reason: .licenseReturn, serials: ["KEY-1234"], fields: ["notActivatedDeclaration": .bool(true)])
            ).isEmpty)
    }

    @Test func photosAreCountedAgainstThePolicy() {
        let fields: [String: JSONValue] = [
            "damageNoted": .bool(true), "keep": .bool(true), "comment": .string("Pallet kapot"),
        ]
        #expect(Self.fields(PositionInput(reason: .transportDamage, fields: fields, images: 2)) == ["attachments"])
        #expect(Self.fields(PositionInput(reason: .transportDamage, fields: fields, images: 3)).isEmpty)
        var policy = Policy.standard
        policy.reasons[.transportDamage]?.requiredImages = 5
        let check = PositionValidator.check(
            PositionInput(reason: .transportDamage, fields: fields, images: 3), context: Self.context(), policy: policy)
        #expect(check != .valid(ValidPosition(reason: .transportDamage, quantity: 1, serials: [], fields: fields)))
    }
}
