import Fluent
import Foundation
import RetourCore
import SQLKit
import Vapor

/// A position as a client sends it (API contract, "Cart").
struct PositionBody: Content {
    var line: Int
    var reason: String
    var quantity: Int?
    var serials: [String]?
    var fields: [String: JSONValue]?
    var attachments: [String]?
    var returnAddress: Address?
}

/// A position in the cart, as the API shows it.
struct PositionView: Content {
    var id: Int
    var line: Int
    var reason: String
    var quantity: Int
    var serials: [String]
    var fields: [String: JSONValue]
    var attachments: [String]
    var returnAddress: Address
    var deadline: String?
    var warning: String?
}

/// Adding to, reading and emptying a user's cart, with every rule checked on the way in.
enum Cart {
    struct Prepared {
        var position: ValidPosition
        var attachments: [String]
        var returnAddress: Address
        var policyVersion: Int
    }

    /// Rulebook §4.6: one open wrong invoicing per line and sub-reason, one open too-much-delivered
    /// per line — in requests, or in the cart of the user adding it.
    private static func checkOneOpenPerLine(
        _ reason: ReasonID, subReason: JSONValue?, lineID: Int, cartOwner: Int?, replacing: Int?, on db: any Database
    ) async throws {
        func sameSubReason(_ fields: [String: JSONValue]) -> Bool {
            reason != .wrongInvoicing || fields["subReason"] == subReason
        }
        let open = try await ReturnRequest.query(on: db).filter(\.$lineID == lineID)
            .filter(\.$reason == reason)
            .filter(\.$status !~ [RequestStatus.rejected, .closed]).all()
        var holder = open.first { sameSubReason($0.fields) }?.number
        if holder == nil, let cartOwner {
            let positions = try await CartPosition.query(on: db).filter(\.$userID == cartOwner)
                .filter(\.$lineID == lineID).filter(\.$reason == reason).all()
            if positions.contains(where: { $0.id != replacing && sameSubReason($0.fields) }) { holder = "" }
        }
        guard let holder else { return }
        let by = holder.isEmpty ? "" : " (\(holder))"
        let refusal = Message("app.registration.suchARequestIsAlreadyOpen", ["by": "\(by)"])
        throw Refusal(.conflict, detail: refusal, errors: [FieldError(field: "reason", message: refusal)])
    }

    /// What many checks in one go read once instead of each (a bulk upload, after locking its
    /// lines): the policy in force, the company, of each line what no check changes — its facts,
    /// the line, what requests hold of it, its serials and article — and the cart's positions on
    /// those lines, which the caller keeps up to date as it adds.
    struct Known {
        struct Line {
            var facts: LineFacts
            var line: InvoiceLine
            var requestClaims: LineClaims
            var serials: [String]
            var article: Article?
        }

        var policy: (version: Int, policy: Policy)?
        var company: Company?
        var lines: [Int: Line] = [:]
        /// The cart owner's positions by line, kept up to date by whoever adds to the cart while
        /// it checks (nil: read the cart for each check).
        var cart: [Int: [CartPosition]]?

        /// Everything of the company's lines `ids`, in a few statements for all of them.
        static func load(
            lines ids: [Int], companyID: Int, cartOwner: Int, today: CalendarDay, on db: any Database
        ) async throws -> Known {
            var known = Known(
                policy: try await PolicyStore.current(on: db, day: today),
                company: try await Company.find(companyID, on: db))
            guard !ids.isEmpty else { return known }
            known.cart = Dictionary(
                grouping: try await CartPosition.query(on: db).filter(\.$userID == cartOwner).filter(\.$lineID ~~ ids)
                    .all(),
                by: \.lineID)
            let facts = try await LineFactsQuery.lines(ids, companyID: companyID, on: db)
            let lines = try await InvoiceLine.query(on: db).filter(\.$id ~~ Array(facts.keys)).all()
            let claims = try await LineClaims.requests(onLines: Array(facts.keys), on: db)
            var serials: [Int: [String]] = [:]
            for serial in try await SerialNumber.query(on: db).filter(\.$line.$id ~~ Array(facts.keys)).sort(\.$id)
                .all()
            {
                serials[serial.$line.id, default: []].append(serial.number)
            }
            var articles: [Int: Article] = [:]
            for article in try await Article.query(on: db).filter(\.$id ~~ Array(Set(lines.map(\.$article.id)))).all() {
                articles[article.id ?? 0] = article
            }
            for line in lines {
                guard let id = line.id, let lineFacts = facts[id] else { continue }
                known.lines[id] = Line(
                    facts: lineFacts, line: line, requestClaims: claims[id] ?? LineClaims(), serials: serials[id] ?? [],
                    article: articles[line.$article.id])
            }
            return known
        }
    }

    /// Every check a position must pass, against the claims of requests, of `cartOwner`'s cart
    /// (nil: no cart counts) and `extraClaims`.
    static func check(
        _ body: PositionBody, cartOwner: Int?, companyID: Int, replacing: Int? = nil,
        extraClaims: LineClaims = LineClaims(), today: CalendarDay, countryNames: [Translations],
        known: Known = Known(), on db: any Database
    ) async throws -> Prepared {
        guard let reason = ReasonID(rawValue: body.reason) else {
            throw Refusal.invalid([
                FieldError(
                    "reason",
                    message: Message("app.registration.unknownReason", ["reason": "\(body.reason.prefix(40))"]))
            ])
        }
        let knownLine = known.lines[body.line]
        var found: (LineFacts, InvoiceLine)?
        if let knownLine {
            found = (knownLine.facts, knownLine.line)
        } else if let facts = try await LineFactsQuery.line(body.line, scope: .company(companyID), on: db),
            let line = try await InvoiceLine.find(body.line, on: db)
        {
            found = (facts, line)
        }
        guard let found else { throw Refusal.notFound() }
        var facts = found.0
        let line = found.1
        var claims: LineClaims
        if let knownLine {
            claims = knownLine.requestClaims
        } else {
            claims = try await LineClaims.requests(onLine: body.line, on: db)
        }
        claims = claims + extraClaims
        if cartOwner != nil, let cart = known.cart {
            claims = claims + LineClaims.held(by: cart[body.line] ?? [], except: replacing)
        } else if let cartOwner {
            claims = claims + (try await LineClaims.cart(of: cartOwner, onLine: body.line, except: replacing, on: db))
        }
        facts.hold(claims)
        var inForce = known.policy
        if inForce == nil { inForce = try await PolicyStore.current(on: db, day: today) }
        let (version, policy) = inForce!
        let verdict = Eligibility.evaluate(facts, policy: policy, today: today).first { $0.reason == reason }!
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
            try await checkOneOpenPerLine(
                reason, subReason: body.fields?["subReason"], lineID: body.line, cartOwner: cartOwner,
                replacing: replacing, on: db)
        }

        var errors: [FieldError] = []
        let attachmentIDs = Array(Set(body.attachments ?? [])).sorted()
        var images = 0
        for id in attachmentIDs {
            if let attachment = try await Attachment.find(String(id.prefix(64)), on: db),
                attachment.companyID == companyID
            {
                if attachment.isImage { images += 1 }
            } else {
                errors.append(
                    FieldError(
                        "attachments",
                        message: Message("app.registration.unknownAttachment", ["attachment": "\(id.prefix(40))"])))
            }
        }
        let address: Address
        if var given = body.returnAddress {
            given.country = Country.find(given.country, names: countryNames)?.code ?? given.country
            errors += given.returnAddressProblems
            address = given
        } else if let company = try await known.company.asyncOr({ try await Company.find(companyID, on: db) }),
            let street = company.street
        {
            // A company's country may be imported as a name ("Nederland"): stored as its code.
            address = Address(
                street: street, postcode: company.postcode ?? "", city: company.city ?? "",
                country: company.country.flatMap { Country.find($0, names: countryNames) }?.code
                    ?? company.country ?? "NL")
        } else {
            errors.append(
                FieldError("returnAddress", message: Message("app.registration.enterAReturnAddress")))
            address = Address(street: "", postcode: "", city: "", country: "")
        }

        var delivered = knownLine?.serials ?? []
        var article = knownLine?.article
        if knownLine == nil {
            delivered = try await SerialNumber.query(on: db).filter(\.$line.$id == body.line).sort(\.$id).all().map(
                \.number)
            article = try await Article.find(line.$article.id, on: db)
        }
        let context = PositionContext(
            line: facts, serialised: article?.serialised ?? false, deliveredSerials: delivered,
            claimedSerials: claims.serials)
        let input = PositionInput(
            reason: reason, quantity: body.quantity, serials: body.serials ?? [], fields: body.fields ?? [:],
            images: images)
        switch PositionValidator.check(input, context: context, policy: policy) {
        case .invalid(let problems):
            throw Refusal.invalid(problems + errors)
        case .conflict(let problems):
            guard errors.isEmpty else { throw Refusal.invalid(errors) }
            throw Refusal(
                .conflict, detail: Message("app.registration.thisQuantityOrTheseSerialNumbers"), errors: problems)
        case .valid(var position):
            guard errors.isEmpty else { throw Refusal.invalid(errors) }
            if let asked = body.fields?[AdvanceReplacement.field], asked != .null, asked != .bool(false) {
                guard asked == .bool(true),
                    try await ReplacementOffer.terms(onLine: body.line, on: db).offered(for: reason)
                else {
                    throw Refusal.invalid([
                        FieldError("fields.\(AdvanceReplacement.field)", message: Message("replacement.notOffered"))
                    ])
                }
                position.fields[AdvanceReplacement.field] = .bool(true)
            }
            // Wrong delivery, option B: the received article as found now; an unknown code blocks nothing.
            if case .string(let code)? = position.fields["materialCode"],
                let received = try await Material.find(code.trimmingWhitespace(), on: db)
            {
                position.fields.merge(
                    ReceivedArticle.fields(
                        number: received.number, unitPrice: received.priceCents.map { Money(cents: $0) }),
                    uniquingKeysWith: { _, found in found })
            }
            return Prepared(
                position: position, attachments: attachmentIDs, returnAddress: address, policyVersion: version)
        }
    }

    static func view(_ position: CartPosition, on request: Request) async throws -> PositionView {
        let (deadline, warning) = try await deadline(
            of: position, today: request.today, texts: request.texts, on: request.db)
        return PositionView(
            id: try position.requireID(), line: position.lineID, reason: position.reason.rawValue,
            quantity: position.quantity,
            serials: position.serials,
            fields: position.fields,
            attachments: position.attachments,
            returnAddress: position.returnAddress,
            deadline: deadline?.iso, warning: warning)
    }

    /// The last day the position's reason is open for its line, and the cart's warning when that day
    /// is near or past.
    static func deadline(of position: CartPosition, today: CalendarDay, texts t: Translations, on db: any Database)
        async throws -> (deadline: CalendarDay?, warning: String?)
    {
        guard let facts = try await LineFactsQuery.line(position.lineID, scope: .company(position.companyID), on: db)
        else { return (nil, nil) }
        let (_, policy) = try await PolicyStore.current(on: db, day: today)
        let deadline = Eligibility.evaluate(facts, policy: policy, today: today).first { $0.reason == position.reason }?
            .deadline
        guard let deadline else { return (nil, nil) }
        let date = t.language.format(deadline)
        if deadline < today { return (deadline, t("cart.warning.ended", ["date": date])) }
        if today.days(until: deadline) <= policy.cartWarning {
            return (deadline, t("cart.warning.soon", ["date": date]))
        }
        return (deadline, nil)
    }
}

extension Address: Content {}

extension Optional where Wrapped: Sendable {
    /// The value, or what `fallback` finds.
    fileprivate func asyncOr(_ fallback: () async throws -> Wrapped?) async rethrows -> Wrapped? {
        if let self { return self }
        return try await fallback()
    }
}
