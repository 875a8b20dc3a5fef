import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The view of the registration page: every text from the translation files, every rule from
/// the reason catalogue and the eligibility of the line.
extension RegistrationPageController {
    typealias Option = SelectOption

    struct FieldView: Encodable {
        var name: String
        var kind: String
        var label: String
        var required: Bool
        var options: [Option]
        var value: String
        var placeholder: String
        var help: String
        var error: String?
        var yesLabel: String
        var noLabel: String
        /// The option this field belongs to (wrong delivery's two steps): shown only when chosen.
        var whenField: String?
        var whenValue: String?
        var hidden: Bool
        /// The first field after the form's first step: the rest of the form begins here.
        var startsStepTwo: Bool
    }

    /// The received article of wrong delivery's option B, as found by its code, or why not.
    struct MaterialFound: Encodable {
        var found: Bool
        var text: String
        var normal: String?
        var special: String?
    }

    struct ReasonItem: Encodable {
        var id: String
        var label: String
        var category: String
        var enabled: Bool
        var chosen: Bool
        var note: String
    }

    struct Centre: Encodable {
        var company: String
        var street: String
        var postcode: String
        var city: String
        var url: String
    }

    struct Uploaded: Encodable {
        var id: String
        var filename: String
    }

    struct PageContent: Encodable {
        var line: Int
        var header: String
        var reasons: [ReasonItem]
        var reason: String
        var reasonLabel: String
        var intro: [String]
        var handlingCredit: Bool
        var directService: Centre?
        var fields: [FieldView]
        var quantityLabel: String
        var quantity: String
        var quantityMax: Int
        var quantityShown: Bool
        var serialMode: String
        var serialOptions: [Option]
        var serialText: String
        var keepNormal: String?
        var keepSpecial: String?
        var keepWhenField: String?
        var keepWhenValue: String?
        var keepHidden: Bool
        /// The field the form's first step asks (wrong delivery: whether note and goods match).
        var stepField: String?
        var stepChosen: Bool
        var material: MaterialFound?
        var creditPreview: String?
        var uploadToken: String
        var uploadURL: String
        var qr: String
        var uploaded: [Uploaded]
        var photosRequired: Int
        /// The largest file the server takes, for the browser's own check before sending.
        var maximumFileBytes = FileKind.maximumBytes
        /// The manual's words on what to photograph and which serials to choose, for this reason.
        var uploadHint: String?
        var serialsHint: String?
        var transportWarning: Bool
        var errors: [String: String]
        var errorList: [String]
        var refusal: String?
        var edit: Int?
        /// The brand offers a replacement ahead of the return, and the company may use it.
        var replacementOffered: Bool
        var replacementChosen: Bool
    }

    func render(
        _ req: Request, user: User, lineID: Int, reason chosen: ReasonID?, form: Form, errors: [FieldError],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        guard var facts = try await LineFactsQuery.line(lineID, scope: try user.companyScope(), on: req.db),
            case (let line?, let article?) = try await CartQueries(database: req.db).line(lineID)
        else { throw Refusal.notFound() }
        let t = req.texts
        let language = req.language
        let today = req.today
        let userID = try user.requireID()
        let claims =
            try await LineClaims.requests(onLine: lineID, on: req.db)
            + LineClaims.cart(of: userID, onLine: lineID, except: form.edit, on: req.db)
        facts.hold(claims)
        let (_, policy) = try await PolicyStore.current(on: req.db, day: today)
        let verdicts = Eligibility.evaluate(facts, policy: policy, today: today)
        let reason = chosen ?? verdicts.first(where: \.enabled)?.reason ?? .defect
        let verdict = verdicts.first { $0.reason == reason }!
        let catalogue = Reason.named(reason)

        var shownErrors: [String: String] = [:]
        for error in errors {
            let field = error.field.hasPrefix("serials") ? "serials" : error.field
            shownErrors[field] = [shownErrors[field], error.message.text(t)].compactMap { $0 }.joined(
                separator: " ")
        }

        let reasons = verdicts.map { verdict -> ReasonItem in
            let info = Reason.named(verdict.reason)
            var note = verdict.explanation?.text(t) ?? info.help.text(t)
            if verdict.enabled, let deadline = verdict.deadline {
                note += " " + t("reasons.until", ["date": language.format(deadline)])
            }
            return ReasonItem(
                id: info.id.rawValue, label: info.label.text(t),
                category: info.category.label.text(t),
                enabled: verdict.enabled, chosen: verdict.reason == reason, note: note)
        }

        let posted = form.f ?? [:]
        let chosenValues = posted.mapValues { JSONValue.string($0) }
        let schema = FormSchema.of(reason)
        // A form in two steps: the field the options depend on comes first, the rest once it is chosen.
        let stepField = schema.fields.compactMap(\.when).first?.field
        let stepChosen = stepField.map { !(posted[$0] ?? "").isEmpty } ?? true
        func fieldText(_ name: String, _ suffix: String) -> String {
            for key in ["field.\(reason.rawValue).\(name).\(suffix)", "field.\(name).\(suffix)"] {
                if let value = t.texts[key] { return value }
            }
            return ""
        }
        let fields = schema.fields.enumerated().map { index, field -> FieldView in
            func text(_ suffix: String) -> String { fieldText(field.name, suffix) }
            var kind = "text"
            var options: [Option] = []
            let value = posted[field.name] ?? ""
            switch field.kind {
            case .choice(let values):
                kind = values.count <= 4 ? "radio" : "select"
                options = values.map { choice in
                    let label =
                        t.texts["choice.\(reason.rawValue).\(field.name).\(choice)"] ?? t.texts[
                            "choice.\(field.name).\(choice)"]
                        ?? choice
                    return Option(value: choice, label: label, selected: choice == value)
                }
            case .text(let maximum): kind = maximum > 100 ? "textarea" : "text"
            case .flag: kind = "yesno"
            case .declaration: kind = "declaration"
            case .integer: kind = "number"
            }
            let yes = text("yes")
            let no = text("no")
            return FieldView(
                name: field.name, kind: kind, label: text("label"), required: field.required, options: options,
                value: value,
                placeholder: text("placeholder"), help: text("help"), error: shownErrors[field.name],
                yesLabel: yes.isEmpty ? t["register.yes"] : yes, noLabel: no.isEmpty ? t["register.no"] : no,
                whenField: field.when?.field, whenValue: field.when?.value, hidden: !field.applies(to: chosenValues),
                startsStepTwo: stepField != nil && index > 0 && schema.fields[index - 1].name == stepField)
        }

        let delivered = try await CartQueries(database: req.db).serials(ofLine: lineID)
        let chosenSerials = Set(form.serials ?? [])
        let serialMode: String
        switch schema.serials {
        case .freeText: serialMode = "free"
        case .notAsked: serialMode = "none"
        case .requiredWhenSerialised, .optional: serialMode = article.serialised && !delivered.isEmpty ? "pick" : "none"
        }
        let serialOptions = delivered.filter { !reason.holdsGoods || !claims.serials.contains($0) }.map {
            Option(value: $0, label: $0, selected: chosenSerials.contains($0))
        }
        let quantityShown =
            schema.quantity != .excessOverInvoiced && schema.quantity != .notAsked
            && !(schema.quantity == .serialsOrEntered && serialMode == "pick")

        var keepNormal: String?
        var keepSpecial: String?
        if let offer = verdict.keepOffer {
            keepNormal = t("register.offer.normal", ["price": language.format(offer.normalPrice)])
            keepSpecial = t("register.offer.special", ["price": language.format(offer.unitPrice)])
        }
        // The offer at the top belongs to the "keep" question, and to its option when it has one.
        let keepWhen = schema.fields.first { $0.name == "keep" }?.when
        var material: MaterialFound?
        if reason == .wrongDelivery, let code = posted["materialCode"]?.trimmingWhitespace(), !code.isEmpty {
            if let answer = try await Material.answer(code, policy: policy, texts: t, on: req.db) {
                material = MaterialFound(
                    found: true, text: answer.text ?? "", normal: answer.normal, special: answer.special)
            } else {
                material = MaterialFound(found: false, text: Material.notFound(code).detail.text(t))
            }
        }
        var creditPreview: String?
        if let fee = policy[reason].returnFeeBasisPoints {
            // Only a quantity that passes the bounds is previewed; the form shows the error otherwise.
            let typed = form.quantity.flatMap { try? WholeNumber.parse($0, in: Limits.quantity).get() }
            let quantity = typed ?? max(1, chosenSerials.count)
            if let value = try? facts.unitPrice * quantity {
                let credit = value.discounted(byBasisPoints: fee)
                creditPreview = t(
                    "register.creditPreview",
                    [
                        "value": language.format(value),
                        "fee": Money(cents: Int64(fee)).decimalString.replacingOccurrences(of: ".00", with: ""),
                        "credit": language.format(credit), "quantity": "\(quantity)",
                    ])
            }
        }

        // A fresh phone-upload key for this page, valid for half an hour.
        let uploadToken = try await req.addPositions(for: user).phoneLink(form.uploadToken, line: lineID) {
            randomToken(bytes: 18)
        }
        // In production the configured address only (`serve` refuses to start without it): a Host
        // header is written by the client. The demo on a laptop may follow the Host the phone used.
        let host = req.application.environment == .production ? nil : req.headers.first(name: .host)
        let base =
            req.config.publicURL ?? "http://\(host ?? "localhost:\(req.application.http.server.configuration.port)")"
        let uploadURL = base + SitePath.phoneUpload(token: uploadToken, language: language).path
        let uploaded = try await CartQueries(database: req.db).attachments(form.attachments ?? [], of: user.companyID)
            .map { Uploaded(id: $0.id ?? "", filename: $0.filename) }

        var centre: Centre?
        if verdict.handling == .directService, let service = verdict.serviceCentre {
            centre = Centre(
                company: service.company, street: service.street, postcode: service.postcode, city: service.city,
                url: service.url ?? "")
        }
        let header = t(
            "register.header",
            [
                "invoice": line.invoiceNumber,
                "date": CalendarDay(iso: line.invoiceDate).map(language.format) ?? line.invoiceDate,
                "article": article.number, "description": article.description, "quantity": "\(line.quantity)",
            ])
        // The manual's introduction of the form, then the reason's rules as the policy in force has them.
        let intro =
            (1...6).compactMap { t.texts["intro.\(reason.rawValue).\($0)"] }
            + RuleSentences.of(reason, policy: policy).map { $0.text(t) }
        let replacementOffered = try await ReplacementOfferQuery.terms(onLine: lineID, on: req.db).offered(for: reason)
        let content = PageContent(
            line: lineID, header: header, reasons: reasons, reason: reason.rawValue,
            reasonLabel: catalogue.label.text(t), intro: intro,
            handlingCredit: catalogue.brandHandling != nil && verdict.handling == .credit, directService: centre,
            fields: fields, quantityLabel: t.texts["quantity.\(reason.rawValue)"] ?? t["register.quantity"],
            // With one piece left there is nothing to choose: the field shows it. Otherwise the
            // reseller types the quantity; an empty field is an error, never a silent 1.
            quantity: form.quantity ?? (facts.claimableQuantity == 1 ? "1" : ""), quantityMax: facts.claimableQuantity,
            quantityShown: quantityShown,
            serialMode: serialMode, serialOptions: serialOptions, serialText: form.serialText ?? "",
            keepNormal: keepNormal,
            keepSpecial: keepSpecial, keepWhenField: keepWhen?.field, keepWhenValue: keepWhen?.value,
            keepHidden: keepWhen.map { !$0.holds(in: chosenValues) } ?? false,
            stepField: stepField, stepChosen: stepChosen, material: material, creditPreview: creditPreview,
            uploadToken: uploadToken, uploadURL: uploadURL,
            qr: QRCode.svg(uploadURL) ?? "", uploaded: uploaded, photosRequired: policy[reason].requiredImages,
            uploadHint: t.texts["upload.hint.\(reason.rawValue)"],
            serialsHint: t.texts["serials.hint.\(reason.rawValue)"],
            transportWarning: reason == .transportDamage, errors: shownErrors,
            errorList: errors.map { error in
                // The summary names the field each error is about, in the words of the form.
                let name = error.field.hasPrefix("serials") ? "serials" : error.field
                let label: String
                switch name {
                case "quantity": label = t.texts["quantity.\(reason.rawValue)"] ?? t["register.quantity"]
                case "serials": label = t[serialMode == "free" ? "register.serials.free" : "register.serials.pick"]
                case "attachments": label = t["register.upload.title"]
                case "reason": label = t["reasons.title"]
                default: label = fieldText(name, "label")
                }
                let message = error.message.text(t)
                let field = label.trimmingCharacters(in: CharacterSet(charactersIn: ": "))
                return field.isEmpty ? message : "\(field): \(message)"
            }, refusal: verdict.explanation?.text(t),
            edit: form.edit, replacementOffered: replacementOffered,
            replacementChosen: form.f?[AdvanceReplacement.field] == "on")
        return try await req.renderPage(
            "register", title: t["nav.registration"], nav: "search", content: content, status: status)
    }
}
