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
                        "serials", message: Message("validation.selectTheSerialNumbersOfThe")))
            }
            if !input.serials.isEmpty {
                if let given = input.quantity, given != input.serials.count {
                    errors.append(
                        FieldError(
                            "quantity",
                            message: Message(
                                "validation.theQuantityMustEqualTheNumber",
                                ["given": "\(given)", "serialsCount": "\(input.serials.count)"])
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
                            message: Message(
                                "validation.theTotalQuantityDeliveredMustExceed", ["quantity": "\(line.quantity)"])))
                } else {
                    quantity = Int(min(total - Int64(line.quantity), 1_000_000))
                    if let given = input.quantity, given != quantity {
                        errors.append(
                            FieldError(
                                "quantity",
                                message: Message(
                                    "validation.theQuantityIsTheExcessDelivered", ["quantity": "\(quantity)"])))
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
                        "quantity",
                        message: Message("validation.chooseAQuantityFrom1To", ["quantity": "\(line.quantity)"])))
            } else if quantity > claimable {
                conflicts.append(
                    FieldError(
                        "quantity",
                        message: Message(
                            "validation.ofCanStillBeClaimedThe",
                            ["claimable": "\(claimable)", "quantity": "\(line.quantity)"])
                    ))
            } else if rules.minimumValue != nil || rules.maximumValue != nil {
                let allowed = Eligibility.allowedQuantities(
                    unitPrice: line.unitPrice, claimable: claimable, rules: rules)
                if let allowed, !allowed.contains(quantity) {
                    errors.append(
                        FieldError(
                            "quantity",
                            message: Message(
                                "validation.theReturnValueIsOutsideThe",
                                ["lowerBound": "\(allowed.lowerBound)", "upperBound": "\(allowed.upperBound)"])
                        ))
                } else if allowed == nil {
                    errors.append(
                        FieldError(
                            "quantity", message: Message("validation.noQuantityOfThisLineFalls")))
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
                        field, message: Message("validation.aSerialNumberIs1To")))
                continue
            }
            if !seen.insert(serial).inserted {
                errors.append(
                    FieldError(
                        field, message: Message("validation.serialNumberWasChosenTwice", ["serial": "\(serial)"])))
                continue
            }
            guard schema.serials != .freeText else { continue }
            if !context.deliveredSerials.contains(serial) {
                errors.append(
                    FieldError(
                        field, message: Message("validation.serialNumberWasNotDeliveredOn", ["serial": "\(serial)"])))
            } else if input.reason.holdsGoods && context.claimedSerials.contains(serial) {
                conflicts.append(
                    FieldError(
                        field, message: Message("validation.serialNumberIsAlreadyClaimed", ["serial": "\(serial)"])))
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
                            ? FieldError(name, message: Message("validation.chooseYesOrNo"))
                            : FieldError(name, message: Message("validation.thisFieldIsRequired")))
            }
            return
        }
        switch (field.kind, value!) {
        case (.choice(let values), .string(let text)) where values.contains(text):
            return
        case (.choice(let values), _):
            errors.append(
                FieldError(
                    name, message: Message("validation.chooseOneOf", ["choices": "\(values.joined(separator: ", "))"])))
        case (.text(let maximum), .string(let text)):
            if text.count > maximum {
                errors.append(
                    FieldError(name, message: Message("validation.atMostCharacters", ["maximum": "\(maximum)"])))
            } else if TypedText.hasInvisibleControls(text) {
                errors.append(FieldError(name, message: Message("validation.controlCharacters")))
            }
        case (.text, _):
            errors.append(FieldError(name, message: Message("validation.enterText")))
        case (.flag, .bool):
            return
        case (.flag, _):
            errors.append(FieldError(name, message: Message("validation.chooseYesOrNo")))
        case (.declaration, .bool(true)):
            return
        case (.declaration, _):
            errors.append(declarationMissing(name))
        case (.integer, .integer):
            return
        case (.integer, _):
            errors.append(FieldError(name, message: Message("validation.enterAWholeNumber")))
        }
    }

    private static func declarationMissing(_ name: String) -> FieldError {
        if name == "notActivatedDeclaration" {
            return FieldError(
                name, message: Message("validation.confirmThatTheLicenceHasNot"))
        }
        return FieldError(
            name,
            message: Message("validation.confirmThatTheArticlesAre100"))
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
                        "condition", message: Message("validation.weOnlyAcceptUnopenedUndamagedGoods")))
            }
        default:
            break
        }
        if rules.requiredImages > input.images {
            errors.append(
                FieldError(
                    "attachments",
                    message: Message(
                        rules.requiredImages == 1 ? "validation.addAtLeastOnePhoto" : "validation.addAtLeastPhotoSJpg",
                        ["requiredImages": "\(rules.requiredImages)", "images": "\(input.images)"])))
        }
    }
}

/// What a person can type: text with tabs and line breaks, but none of the other control
/// characters (NUL, escape, DEL …) nor the direction overrides that make a text read otherwise
/// than it is stored. The same rule for a form, a CSV row and a JSON body.
public enum TypedText {
    public static func hasInvisibleControls(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: return false
            case 0x00..<0x20, 0x7F..<0xA0: return true
            // Bidirectional embeddings, overrides and isolates.
            case 0x202A...0x202E, 0x2066...0x2069: return true
            default: return false
            }
        }
    }
}
