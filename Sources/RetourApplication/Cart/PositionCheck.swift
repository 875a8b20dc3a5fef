import RetourCore

/// Every check a position must pass before it enters a cart or becomes a request: the line is
/// the company's, the reason open for it (its window, limits, exclusions, what others hold), one
/// open request per line where the rulebook says so, the form filled as its reason asks, files of
/// the company's own, a return address.
public struct PositionCheck: Sendable {
    public var companyID: Int
    /// Whose cart counts as holding part of the line; nil: no cart counts (a submission counts
    /// only the positions before it, as `extraClaims`).
    public var cartOwner: Int?
    public var today: CalendarDay
    /// Country names in every language, to read an address's country typed as a name.
    public var countryNames: [Translations]

    public init(companyID: Int, cartOwner: Int?, today: CalendarDay, countryNames: [Translations]) {
        self.companyID = companyID
        self.cartOwner = cartOwner
        self.today = today
        self.countryNames = countryNames
    }

    /// The position as it will be kept, or the refusal. `replacing` is the cart position being
    /// edited, which holds nothing against itself.
    public func check(
        _ draft: PositionDraft, replacing: Int? = nil, extraClaims: LineClaims = LineClaims(), work: any CartWork
    ) async throws -> PreparedPosition {
        let reason = draft.reason
        guard let line = try await work.line(draft.line, companyID: companyID) else { throw Refusal.notFound() }
        var facts = line.facts
        var claims = line.requestClaims + extraClaims
        if let cartOwner {
            claims =
                claims
                + LineClaims.held(
                    by: try await work.cartPositions(of: cartOwner, onLine: draft.line), except: replacing)
        }
        facts.hold(claims)
        let inForce = try await work.policy(on: today)
        let verdict = Eligibility.evaluate(facts, policy: inForce.policy, today: today).first { $0.reason == reason }!
        if verdict.handling == .directService {
            throw Refusal.invalid([
                FieldError(
                    "reason",
                    message: verdict.serviceCentre.map {
                        Message("app.registration.directServiceContact", ["company": "\($0.company)"])
                    } ?? Message("app.registration.directServiceManufacturer"))
            ])
        }
        if let refusal = verdict.refusal {
            let error = FieldError(field: "reason", message: verdict.explanation ?? refusal.message)
            if case .fullyClaimed = refusal {
                throw Refusal(.conflict, detail: Message("app.registration.alreadyClaimed"), errors: [error])
            }
            throw Refusal.invalid([error])
        }
        if reason.oneOpenPerLine {
            try await checkOneOpenPerLine(draft, replacing: replacing, work: work)
        }

        var errors: [FieldError] = []
        let attachmentIDs = Array(Set(draft.attachments)).sorted()
        var images = 0
        for id in attachmentIDs {
            if let file = try await work.file(String(id.prefix(64))), file.companyID == companyID {
                if file.isImage { images += 1 }
            } else {
                errors.append(
                    FieldError(
                        "attachments",
                        message: Message("app.registration.unknownAttachment", ["attachment": "\(id.prefix(40))"])))
            }
        }
        let address: Address
        if var given = draft.returnAddress {
            given.country = Country.find(given.country, names: countryNames)?.code ?? given.country
            errors += given.returnAddressProblems
            address = given
        } else if let company = try await work.companyAddress(companyID), let street = company.street {
            // A company's country may be imported as a name ("Nederland"): kept as its code.
            address = Address(
                street: street, postcode: company.postcode ?? "", city: company.city ?? "",
                country: company.country.flatMap { Country.find($0, names: countryNames) }?.code
                    ?? company.country ?? "NL")
        } else {
            errors.append(FieldError("returnAddress", message: Message("app.registration.enterAReturnAddress")))
            address = Address(street: "", postcode: "", city: "", country: "")
        }

        let context = PositionContext(
            line: facts, serialised: line.serialised, deliveredSerials: line.deliveredSerials,
            claimedSerials: claims.serials)
        let input = PositionInput(
            reason: reason, quantity: draft.quantity, serials: draft.serials, fields: draft.fields, images: images)
        switch PositionValidator.check(input, context: context, policy: inForce.policy) {
        case .invalid(let problems):
            throw Refusal.invalid(problems + errors)
        case .conflict(let problems):
            guard errors.isEmpty else { throw Refusal.invalid(errors) }
            throw Refusal(
                .conflict, detail: Message("app.registration.thisQuantityOrTheseSerialNumbers"), errors: problems)
        case .valid(var position):
            guard errors.isEmpty else { throw Refusal.invalid(errors) }
            if let asked = draft.fields[AdvanceReplacement.field], asked != .null, asked != .bool(false) {
                guard asked == .bool(true), try await work.replacementTerms(onLine: draft.line).offered(for: reason)
                else {
                    throw Refusal.invalid([
                        FieldError("fields.\(AdvanceReplacement.field)", message: Message("replacement.notOffered"))
                    ])
                }
                position.fields[AdvanceReplacement.field] = .bool(true)
            }
            // Wrong delivery, option B: the received article as found now; an unknown code blocks nothing.
            if case .string(let code)? = position.fields["materialCode"],
                let received = try await work.material(code.trimmingWhitespace())
            {
                position.fields.merge(
                    ReceivedArticle.fields(number: received.number, unitPrice: received.unitPrice),
                    uniquingKeysWith: { _, found in found })
            }
            return PreparedPosition(
                position: position, attachments: attachmentIDs, returnAddress: address, policyVersion: inForce.version)
        }
    }

    /// Rulebook §4.6: one open wrong invoicing per line and sub-reason, one open too-much-delivered
    /// per line — in requests, or in the cart of the user adding it.
    private func checkOneOpenPerLine(_ draft: PositionDraft, replacing: Int?, work: any CartWork) async throws {
        let reason = draft.reason
        let subReason = draft.fields["subReason"]
        func sameSubReason(_ fields: [String: JSONValue]) -> Bool {
            reason != .wrongInvoicing || fields["subReason"] == subReason
        }
        var holder = try await work.openRequests(onLine: draft.line, reason: reason).first { sameSubReason($0.fields) }?
            .number
        if holder == nil, let cartOwner {
            let positions = try await work.cartPositions(of: cartOwner, onLine: draft.line)
            if positions.contains(where: { $0.id != replacing && $0.reason == reason && sameSubReason($0.fields) }) {
                holder = ""
            }
        }
        guard let holder else { return }
        let by = holder.isEmpty ? "" : " (\(holder))"
        let refusal = Message("app.registration.suchARequestIsAlreadyOpen", ["by": "\(by)"])
        throw Refusal(.conflict, detail: refusal, errors: [FieldError(field: "reason", message: refusal)])
    }
}
