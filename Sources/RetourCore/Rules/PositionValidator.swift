/// Checks a position against its reason's form, the line and the policy, and reports every
/// problem at once (rulebook §3 forms; API contract "Cart").
public enum PositionValidator {
    public static func check(_ input: PositionInput, context: PositionContext, policy: Policy) -> PositionCheck {
        var errors: [FieldError] = []
        var conflicts: [FieldError] = []
        let schema = FormSchema.of(input.reason)
        let rules = policy[input.reason]

        let active = schema.active(given: input.fields)
        for field in active { checkField(field, input.fields[field.name], &errors) }
        checkReasonRules(input, context, rules, &errors)

        // Quantity.
        let line = context.line
        let claimable = line.claimable(for: input.reason)
        var quantity = input.quantity ?? 1
        // What the form does not ask is ignored, whatever a client sends.
        let serials = schema.serials == .notAsked ? [] : input.serials
        switch schema.quantity {
        // A serialised article whose line has no delivered serials takes an entered quantity.
        case .serialsOrEntered where context.serialised && !context.deliveredSerials.isEmpty:
            // The quantity follows the serials chosen, at least one: never a silent 1 (buy back too).
            if input.serials.isEmpty && schema.serials == .requiredWhenSerialised {
                errors.append(
                    FieldError(
                        "serials", nl: "Selecteer de serienummers van de artikelen (ten minste één).",
                        en: "Select the serial numbers of the articles (at least one)."))
            }
            if !input.serials.isEmpty {
                if let given = input.quantity, given != input.serials.count {
                    errors.append(
                        FieldError(
                            "quantity",
                            nl:
                                "De hoeveelheid (\(given)) moet gelijk zijn aan het aantal gekozen serienummers (\(input.serials.count)).",
                            en:
                                "The quantity (\(given)) must equal the number of serial numbers chosen (\(input.serials.count))."
                        ))
                }
                quantity = input.serials.count
            }
        case .excessOverInvoiced:
            if case .integer(let total) = input.fields["totalDelivered"] {
                if total <= Int64(line.quantity) {
                    errors.append(
                        FieldError(
                            "totalDelivered",
                            nl:
                                "De totaal geleverde hoeveelheid moet groter zijn dan de gefactureerde (\(line.quantity)).",
                            en: "The total quantity delivered must exceed the quantity invoiced (\(line.quantity))."))
                } else {
                    quantity = Int(min(total - Int64(line.quantity), 1_000_000))
                    if let given = input.quantity, given != quantity {
                        errors.append(
                            FieldError(
                                "quantity", nl: "De hoeveelheid is het teveel geleverde aantal: \(quantity).",
                                en: "The quantity is the excess delivered: \(quantity)."))
                    }
                }
            }
        case .notAsked:
            quantity = line.quantity
        default:
            break
        }
        if schema.quantity != .excessOverInvoiced && schema.quantity != .notAsked {
            if quantity < 1 || quantity > line.quantity {
                errors.append(
                    FieldError(
                        "quantity", nl: "Kies een hoeveelheid van 1 tot en met \(line.quantity).",
                        en: "Choose a quantity from 1 to \(line.quantity)."))
            } else if quantity > claimable {
                conflicts.append(
                    FieldError(
                        "quantity",
                        nl:
                            "Er is nog \(claimable) van \(line.quantity) aan te vragen; de rest is al aangevraagd.",
                        en:
                            "\(claimable) of \(line.quantity) can still be claimed; the rest is claimed already."
                    ))
            } else if rules.minimumValue != nil || rules.maximumValue != nil {
                let allowed = Eligibility.allowedQuantities(
                    unitPrice: line.unitPrice, claimable: claimable, rules: rules)
                if let allowed, !allowed.contains(quantity) {
                    errors.append(
                        FieldError(
                            "quantity",
                            nl:
                                "Het te retourneren bedrag valt buiten de grenzen; kies een hoeveelheid van \(allowed.lowerBound) tot en met \(allowed.upperBound).",
                            en:
                                "The return value is outside the limits; choose a quantity from \(allowed.lowerBound) to \(allowed.upperBound)."
                        ))
                } else if allowed == nil {
                    errors.append(
                        FieldError(
                            "quantity", nl: "Geen hoeveelheid van deze regel valt binnen de waardegrenzen.",
                            en: "No quantity of this line falls within the value limits."))
                }
            }
        }

        // Serials.
        var seen: Set<String> = []
        for (index, raw) in serials.enumerated() {
            let serial = raw.trimmingWhitespace()
            let field = "serials[\(index)]"
            if serial.isEmpty || serial.count > 64 {
                errors.append(
                    FieldError(
                        field, nl: "Een serienummer is 1 tot 64 tekens.", en: "A serial number is 1 to 64 characters."))
                continue
            }
            if !seen.insert(serial).inserted {
                errors.append(
                    FieldError(
                        field, nl: "Serienummer \(serial) is dubbel gekozen.",
                        en: "Serial number \(serial) was chosen twice."))
                continue
            }
            guard schema.serials != .freeText else { continue }
            if !context.deliveredSerials.contains(serial) {
                errors.append(
                    FieldError(
                        field, nl: "Serienummer \(serial) is niet op deze regel geleverd.",
                        en: "Serial number \(serial) was not delivered on this line."))
            } else if input.reason.holdsGoods && context.claimedSerials.contains(serial) {
                conflicts.append(
                    FieldError(
                        field, nl: "Serienummer \(serial) is al aangevraagd.",
                        en: "Serial number \(serial) is already claimed."))
            }
        }

        if !errors.isEmpty { return .invalid(errors) }
        if !conflicts.isEmpty { return .conflict(conflicts) }
        var kept: [String: JSONValue] = [:]
        for field in active {
            if let value = input.fields[field.name], value != .null { kept[field.name] = value }
        }
        return .valid(
            ValidPosition(
                reason: input.reason, quantity: quantity, serials: serials.map { $0.trimmingWhitespace() },
                fields: kept))
    }

    private static func checkField(_ field: FormField, _ value: JSONValue?, _ errors: inout [FieldError]) {
        let name = field.name
        let isBlank: Bool
        switch value {
        case nil, .null?: isBlank = true
        case .string(let text)?: isBlank = text.trimmingWhitespace().isEmpty
        default: isBlank = false
        }
        if isBlank {
            if field.required {
                errors.append(
                    field.kind == .declaration
                        ? declarationMissing(name)
                        : field.kind == .flag
                            ? FieldError(name, nl: "Kies ja of nee.", en: "Choose yes or no.")
                            : FieldError(name, nl: "Dit veld is verplicht.", en: "This field is required."))
            }
            return
        }
        switch (field.kind, value!) {
        case (.choice(let values), .string(let text)) where values.contains(text):
            return
        case (.choice(let values), _):
            errors.append(
                FieldError(
                    name, nl: "Kies een van: \(values.joined(separator: ", ")).",
                    en: "Choose one of: \(values.joined(separator: ", "))."))
        case (.text(let maximum), .string(let text)):
            if text.count > maximum {
                errors.append(
                    FieldError(name, nl: "Hoogstens \(maximum) tekens.", en: "At most \(maximum) characters."))
            }
        case (.text, _):
            errors.append(FieldError(name, nl: "Vul tekst in.", en: "Enter text."))
        case (.flag, .bool):
            return
        case (.flag, _):
            errors.append(FieldError(name, nl: "Kies ja of nee.", en: "Choose yes or no."))
        case (.declaration, .bool(true)):
            return
        case (.declaration, _):
            errors.append(declarationMissing(name))
        case (.integer, .integer):
            return
        case (.integer, _):
            errors.append(FieldError(name, nl: "Vul een geheel getal in.", en: "Enter a whole number."))
        }
    }

    private static func declarationMissing(_ name: String) -> FieldError {
        if name == "notActivatedDeclaration" {
            return FieldError(
                name, nl: "Bevestig dat de licentie niet geactiveerd is; geactiveerde licenties kunnen niet retour.",
                en: "Confirm that the licence has not been activated; activated licences cannot be returned.")
        }
        return FieldError(
            name,
            nl:
                "Bevestig dat de artikelen 100% gesloten en nieuw zijn, zonder door u aangebrachte teksten of stickers.",
            en: "Confirm that the articles are 100% sealed and new, without texts or stickers of yours.")
    }

    private static func checkReasonRules(
        _ input: PositionInput, _ context: PositionContext, _ rules: ReasonPolicy, _ errors: inout [FieldError]
    ) {
        let fields = input.fields
        switch input.reason {
        case .buyback:
            if case .string(let condition) = fields["condition"], condition != "unopened",
                ["opened", "damaged", "unclear"].contains(condition)
            {
                errors.append(
                    FieldError(
                        "condition", nl: "Wij accepteren alleen ongeopende / onbeschadigde goederen.",
                        en: "We only accept unopened, undamaged goods."))
            }
        default:
            break
        }
        if rules.requiredImages > input.images {
            errors.append(
                FieldError(
                    "attachments",
                    nl: "Voeg minstens \(rules.requiredImages) foto('s) toe (JPG of PNG); u heeft er \(input.images).",
                    en: "Add at least \(rules.requiredImages) photo(s) (JPG or PNG); you have \(input.images)."))
        }
    }
}
