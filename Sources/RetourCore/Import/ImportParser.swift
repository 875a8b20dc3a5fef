/// Turns an import document into checked records, collecting every problem with its JSON pointer.
/// References that the document does not resolve itself are returned for the caller to look up
/// in its store; everything else is decided here.
public struct ImportParser {
    public private(set) var errors: [ImportError] = []
    public private(set) var references: [ImportReference] = []

    public init() {}

    public static let maximumTextLength = 200
    /// The sections a document may have; `documents` is another name for `invoices`.
    public static let sections = ["companies", "users", "brands", "articles", "invoices", "documents"]

    public mutating func parse(_ document: JSONValue) -> ImportBatch {
        var batch = ImportBatch()
        let root = JSONPointer()
        guard case .object(let sections) = document else {
            fail(root, Message("import.theDocumentMustBeAJson"))
            return batch
        }
        for key in sections.keys.sorted() where !Self.sections.contains(key) {
            fail(
                root.appending(key), Message("import.unknownSectionExpectedCompaniesUsersBrands", ["key": "\(key)"]))
        }
        batch.companies = records(sections, "companies", root, Self.parseCompany)
        batch.users = records(sections, "users", root, Self.parseUser)
        batch.brands = records(sections, "brands", root, Self.parseBrand)
        batch.articles = records(sections, "articles", root, Self.parseArticle)
        if sections["invoices"] != nil && sections["documents"] != nil {
            fail(
                root.appending("documents"), Message("import.useEitherInvoicesOrDocumentsNot"))
        }
        invoiceSection = sections["invoices"] == nil && sections["documents"] != nil ? "documents" : "invoices"
        batch.invoices = records(sections, invoiceSection, root, Self.parseInvoice)

        rejectDuplicates(batch.companies.map(\.number), section: "companies", field: "number")
        rejectDuplicates(batch.invoices.map(\.number), section: invoiceSection, field: "number")
        rejectDuplicates(batch.users.map { $0.email.lowercased() }, section: "users", field: "email")
        rejectDuplicates(batch.brands.map(\.name), section: "brands", field: "name")
        rejectDuplicates(batch.articles.map(\.number), section: "articles", field: "number")
        let defined: [ImportReference.Kind: Set<String>] = [
            .company: Set(batch.companies.map(\.number)), .brand: Set(batch.brands.map(\.name)),
            .article: Set(batch.articles.map(\.number)),
        ]
        references.removeAll { defined[$0.kind]?.contains($0.key) == true }
        return batch
    }

    /// Invoices of a document read piece by piece (`JSONSectionReader`): `items` are records of
    /// `section` from `firstIndex` on, so that pointers name them as in the whole document; `seen`
    /// carries the invoice numbers of the records before them, to find one twice.
    public mutating func parseInvoices(
        _ items: [JSONValue], section: String, firstIndex: Int, seen: inout Set<String>
    ) -> [InvoiceRecord] {
        let pointer = JSONPointer([section])
        var result: [InvoiceRecord] = []
        result.reserveCapacity(items.count)
        for (offset, item) in items.enumerated() {
            let at = pointer.appending(firstIndex + offset)
            guard case .object(let fields) = item else {
                fail(at, Message("import.eachRecordMustBeAJson"))
                continue
            }
            guard let record = Self.parseInvoice(&self, fields, at) else { continue }
            if !seen.insert(record.number).inserted {
                fail(
                    pointer,
                    Message(
                        "import.appearsMoreThanOnceIn",
                        ["key": "\(record.number)", "section": "\(section)", "field": "number"]))
            }
            result.append(record)
        }
        return result
    }

    /// The references collected since the last call, for the caller to look up.
    public mutating func takeReferences() -> [ImportReference] {
        defer { references = [] }
        return references
    }

    // MARK: sections

    private mutating func records<T>(
        _ sections: [String: JSONValue], _ name: String, _ root: JSONPointer,
        _ parse: (inout ImportParser, [String: JSONValue], JSONPointer) -> T?
    ) -> [T] {
        guard let section = sections[name] else { return [] }
        let pointer = root.appending(name)
        guard case .array(let items) = section else {
            if section != .null {
                fail(pointer, Message("import.mustBeAnArray", ["name": "\(name)"]))
            }
            return []
        }
        var result: [T] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let itemPointer = pointer.appending(index)
            guard case .object(let fields) = item else {
                fail(itemPointer, Message("import.eachRecordMustBeAJson"))
                continue
            }
            if let record = parse(&self, fields, itemPointer) { result.append(record) }
        }
        return result
    }

    private static func parseCompany(_ p: inout ImportParser, _ f: [String: JSONValue], _ at: JSONPointer)
        -> CompanyRecord?
    {
        let number = p.requiredText(f, "number", at)
        let name = p.requiredText(f, "name", at)
        let email = p.optionalEmail(f, "email", at)
        let address = p.optionalAddress(f, "address", at)
        let approvalKind: SubmitApproval.Kind? = p.optionalEnum(f, "submitApproval", at)
        let approvalAmount = p.optionalMoney(f, "approvalAmount", at)
        var submitApproval: SubmitApproval?
        if let approvalKind {
            submitApproval = SubmitApproval(kind: approvalKind, amount: approvalAmount)
            if submitApproval == nil {
                p.fail(at.appending("approvalAmount"), Message("import.approvalAmountNeeded"))
            }
        }
        let advanceReplacement = p.optionalBool(f, "advanceReplacement", at)
        guard let number, let name else { return nil }
        return CompanyRecord(
            number: number, name: name, email: email, address: address, submitApproval: submitApproval,
            advanceReplacement: advanceReplacement)
    }

    private static func parseUser(_ p: inout ImportParser, _ f: [String: JSONValue], _ at: JSONPointer) -> UserRecord? {
        let email = p.requiredEmail(f, "email", at)
        let name = p.requiredText(f, "name", at)
        let role: Role? = p.requiredEnum(f, "role", at)
        let company = p.optionalText(f, "company", at)
        if let company { p.refer(.company, company, at.appending("company")) }
        var password = p.optionalText(f, "password", at, trim: false, maximum: 200)
        if let given = password {
            let problems = PasswordPolicy.problems(with: given)
            for problem in problems {
                p.errors.append(ImportError(pointer: at.appending("password"), message: problem.message))
            }
            if !problems.isEmpty { password = nil }
        }
        if let role {
            if role.belongsToCompany && company == nil {
                p.fail(
                    at.appending("company"), Message("import.aResellerUserNeedsACompany"))
            }
            if !role.belongsToCompany && company != nil {
                p.fail(
                    at.appending("company"),
                    Message("import.usersWithRoleHaveNoCompany", ["roleRawValue": "\(role.rawValue)"]))
            }
        }
        let active = p.optionalBool(f, "active", at)
        let rights = p.optionalRights(f, "rights", at)
        guard let email, let name, let role else { return nil }
        return UserRecord(
            email: email.lowercased(), name: name, company: role.belongsToCompany ? company : nil, role: role,
            password: password, active: active, rights: rights, pointer: at)
    }

    private static func parseBrand(_ p: inout ImportParser, _ f: [String: JSONValue], _ at: JSONPointer) -> BrandRecord?
    {
        let name = p.requiredText(f, "name", at)
        let doaDays = p.optionalInteger(f, "doaDays", at, range: BrandRecord.doaDaysRange)
        let warrantyMonths = p.optionalInteger(f, "warrantyMonths", at, range: BrandRecord.warrantyMonthsRange)
        let warrantyHandling: Handling = p.optionalEnum(f, "warrantyHandling", at) ?? .credit
        let doaHandling: Handling = p.optionalEnum(f, "doaHandling", at) ?? .credit
        var serviceCentre: ServiceCentre?
        if let value = f["serviceCentre"], value != .null {
            let centreAt = at.appending("serviceCentre")
            if case .object(let c) = value {
                let company = p.requiredText(c, "company", centreAt)
                let street = p.requiredText(c, "street", centreAt)
                let postcode = p.requiredText(c, "postcode", centreAt)
                let city = p.requiredText(c, "city", centreAt)
                let url = p.optionalURL(c, "url", centreAt)
                if let company, let street, let postcode, let city {
                    serviceCentre = ServiceCentre(
                        company: company, street: street, postcode: postcode, city: city, url: url)
                }
            } else {
                p.fail(centreAt, Message("import.mustBeAnObject"))
            }
        } else if BrandRecord.needsServiceCentre(warranty: warrantyHandling, doa: doaHandling) {
            p.fail(
                at.appending("serviceCentre"),
                Message("import.aBrandWithDirectServiceNeeds"))
        }
        let vendorReturns = p.optionalVendorReturns(f, "vendorReturns", at)
        let advanceReplacement = p.optionalBool(f, "advanceReplacement", at)
        guard let name else { return nil }
        return BrandRecord(
            name: name, doaDays: doaDays, warrantyMonths: warrantyMonths, warrantyHandling: warrantyHandling,
            doaHandling: doaHandling, serviceCentre: serviceCentre, vendorReturns: vendorReturns,
            advanceReplacement: advanceReplacement)
    }

    private static func parseArticle(_ p: inout ImportParser, _ f: [String: JSONValue], _ at: JSONPointer)
        -> ArticleRecord?
    {
        let number = p.requiredText(f, "number", at)
        let description = p.requiredText(f, "description", at)
        let brand = p.requiredText(f, "brand", at)
        if let brand { p.refer(.brand, brand, at.appending("brand")) }
        let model = p.optionalText(f, "manufacturerModel", at)
        let ean = p.optionalText(f, "ean", at)
        if let ean, !(ean.count >= 8 && ean.count <= 14 && ean.allSatisfy(\.isASCIIDigit)) {
            p.fail(
                at.appending("ean"), Message("import.anEanHas8To14"))
        }
        let serialised = p.optionalBool(f, "serialised", at) ?? false
        let kind: ArticleKind = p.optionalEnum(f, "kind", at) ?? .hardware
        let specialOrder = p.optionalBool(f, "specialOrder", at) ?? false
        let returnable = p.optionalBool(f, "returnable", at) ?? true
        let warrantyMonths = p.optionalInteger(f, "warrantyMonths", at, range: BrandRecord.warrantyMonthsRange)
        let price = p.optionalMoney(f, "price", at)
        let purchasePrice = p.optionalMoney(f, "purchasePrice", at)
        guard let number, let description, let brand else { return nil }
        return ArticleRecord(
            number: number, description: description, brand: brand, manufacturerModel: model, ean: ean,
            serialised: serialised, kind: kind, specialOrder: specialOrder, returnable: returnable,
            warrantyMonths: warrantyMonths, price: price, purchasePrice: purchasePrice)
    }

    private static func parseInvoice(_ p: inout ImportParser, _ f: [String: JSONValue], _ at: JSONPointer)
        -> InvoiceRecord?
    {
        let number = p.requiredText(f, "number", at)
        let company = p.requiredText(f, "company", at)
        if let company { p.refer(.company, company, at.appending("company")) }
        let date = p.requiredDate(f, "date", at)
        let customerOrder = p.optionalText(f, "customerOrderNumber", at)
        let currency = p.optionalText(f, "currency", at) ?? "EUR"
        if !(currency.count == 3 && currency.allSatisfy { $0.isUppercase && $0.isASCII }) {
            p.fail(
                at.appending("currency"), Message("import.currencyIsAnIsoCodeLike"))
        }
        var lines: [LineRecord] = []
        var positions: [Int: Int] = [:]
        if let value = f["lines"] {
            let linesAt = at.appending("lines")
            if case .array(let items) = value {
                for (index, item) in items.enumerated() {
                    let lineAt = linesAt.appending(index)
                    guard case .object(let l) = item else {
                        p.fail(
                            lineAt, Message("import.eachLineMustBeAJson"))
                        continue
                    }
                    var duplicate = false
                    if case .integer(let raw) = l["position"], let position = Int(exactly: raw) {
                        if let first = positions[position] {
                            duplicate = true
                            p.fail(
                                lineAt.appending("position"),
                                Message(
                                    "import.positionAlreadyAppearsInLineOf",
                                    ["position": "\(position)", "first": "\(first)"]))
                        } else {
                            positions[position] = index
                        }
                    }
                    guard let line = parseLine(&p, l, lineAt), !duplicate else { continue }
                    lines.append(line)
                }
            } else {
                p.fail(linesAt, Message("import.linesMustBeAnArray"))
            }
        }
        guard let number, let company, let date else { return nil }
        return InvoiceRecord(
            number: number, company: company, date: date, customerOrderNumber: customerOrder, currency: currency,
            lines: lines)
    }

    private static func parseLine(_ p: inout ImportParser, _ f: [String: JSONValue], _ at: JSONPointer) -> LineRecord? {
        let position = p.requiredInteger(f, "position", at, range: 0...999_999)
        let article = p.requiredText(f, "article", at)
        if let article { p.refer(.article, article, at.appending("article")) }
        let quantity = p.requiredInteger(f, "quantity", at, range: 1...1_000_000)
        let unitPrice = p.requiredMoney(f, "unitPrice", at)
        if let unitPrice, unitPrice.cents < 0 {
            p.fail(
                at.appending("unitPrice"), Message("import.aUnitPriceIsNotNegative"))
        }
        let customerItem = p.optionalText(f, "customerItemNumber", at)
        let deliveryNote = p.optionalNumberedDate(f, "deliveryNote", at)
        let order = p.optionalNumberedDate(f, "order", at)
        let address = p.optionalAddress(f, "deliveryAddress", at)
        var serials: [String] = []
        if let value = f["serials"], value != .null {
            let serialsAt = at.appending("serials")
            if case .array(let items) = value {
                var seen: Set<String> = []
                for (index, item) in items.enumerated() {
                    guard case .string(let raw) = item, !raw.trimmingWhitespace().isEmpty,
                        raw.count <= LineSearch.maximumNumberLength
                    else {
                        p.fail(
                            serialsAt.appending(index), Message("import.aSerialNumberIsTextOf"))
                        continue
                    }
                    let serial = raw.trimmingWhitespace()
                    if !seen.insert(serial).inserted {
                        p.fail(
                            serialsAt.appending(index),
                            Message("import.serialNumberAppearsTwiceOnThis", ["serial": "\(serial)"]))
                    }
                    serials.append(serial)
                }
                if let quantity, serials.count > quantity {
                    p.fail(
                        serialsAt,
                        Message(
                            "import.serialNumbersForAQuantityOf",
                            ["serialsCount": "\(serials.count)", "quantity": "\(quantity)"]))
                }
            } else {
                p.fail(serialsAt, Message("import.serialsMustBeAnArray"))
            }
        }
        guard let position, let article, let quantity, let unitPrice else { return nil }
        return LineRecord(
            position: position, article: article, quantity: quantity, unitPrice: unitPrice,
            customerItemNumber: customerItem, deliveryNote: deliveryNote, order: order, deliveryAddress: address,
            serials: serials)
    }

    // MARK: cross-references

    /// Two records with one natural key would make the import's result depend on their order.
    private mutating func rejectDuplicates(_ keys: [String], section: String, field: String) {
        var seen: Set<String> = []
        for key in keys where !seen.insert(key).inserted {
            fail(
                JSONPointer([section]),
                Message(
                    "import.appearsMoreThanOnceIn", ["key": "\(key)", "section": "\(section)", "field": "\(field)"]))
        }
    }

    private mutating func refer(_ kind: ImportReference.Kind, _ key: String, _ pointer: JSONPointer) {
        references.append(ImportReference(kind: kind, key: key, pointer: pointer))
    }

    /// The name the document used for its invoice section ("invoices", or "documents" as in the contract's example pointer).
    private var invoiceSection = "invoices"

    /// Errors for references the store does not know either.
    public static func missing(_ references: [ImportReference], known: (ImportReference.Kind, String) -> Bool)
        -> [ImportError]
    {
        references.compactMap { reference in
            guard !known(reference.kind, reference.key) else { return nil }
            let key: String
            switch reference.kind {
            case .company: key = "import.unknownCompany"
            case .brand: key = "import.unknownBrand"
            case .article: key = "import.unknownArticle"
            }
            return ImportError(pointer: reference.pointer, message: Message(key, ["key": "\(reference.key)"]))
        }
    }

    // MARK: fields

    mutating func fail(_ pointer: JSONPointer, _ message: Message) {
        errors.append(ImportError(pointer: pointer, message: message))
    }

    private mutating func missing(_ at: JSONPointer, _ key: String) {
        fail(at.appending(key), Message("import.isRequired", ["key": "\(key)"]))
    }

    /// What a field should have held, worded by the catalogue (`import.type.<case>`).
    enum ExpectedType: String {
        case text, wholeNumber, number, object, boolean
    }

    private mutating func wrongType(_ at: JSONPointer, _ key: String, expected: ExpectedType, got value: JSONValue) {
        fail(
            at.appending(key),
            Message(
                "import.wrongType",
                [
                    "key": "\(key)", "expected": .message(Message("import.type.\(expected.rawValue)")),
                    "got": "\(value.typeName)",
                ]))
    }

    mutating func optionalText(
        _ f: [String: JSONValue], _ key: String, _ at: JSONPointer, trim: Bool = true,
        maximum: Int = ImportParser.maximumTextLength
    ) -> String? {
        guard let value = f[key], value != .null else { return nil }
        guard case .string(let raw) = value else {
            wrongType(at, key, expected: .text, got: value)
            return nil
        }
        let text = trim ? raw.trimmingWhitespace() : raw
        if text.count > maximum {
            fail(
                at.appending(key), Message("import.isLongerThanCharacters", ["key": "\(key)", "maximum": "\(maximum)"]))
            return nil
        }
        return text.isEmpty ? nil : text
    }

    mutating func requiredText(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer) -> String? {
        guard let value = f[key], value != .null else {
            missing(at, key)
            return nil
        }
        if case .string(let text) = value, text.trimmingWhitespace().isEmpty {
            missing(at, key)
            return nil
        }
        return optionalText(f, key, at)
    }

    mutating func optionalEmail(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer) -> String? {
        guard let text = optionalText(f, key, at) else { return nil }
        guard EmailAddress.isPlausible(text) else {
            fail(at.appending(key), Message("import.isNotAnEMailAddress", ["text": "\(text)"]))
            return nil
        }
        return text
    }

    mutating func requiredEmail(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer) -> String? {
        if f[key] == nil || f[key] == .null {
            missing(at, key)
            return nil
        }
        return optionalEmail(f, key, at)
    }

    mutating func optionalURL(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer) -> String? {
        guard let text = optionalText(f, key, at, maximum: 500) else { return nil }
        // Judged whole, as every address from outside: scheme, host, port, no credentials.
        guard case .success = WebAddress.parse(text) else {
            fail(
                at.appending(key), Message("import.aWebAddressStartsWithHttp"))
            return nil
        }
        return text
    }

    mutating func optionalBool(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer) -> Bool? {
        guard let value = f[key], value != .null else { return nil }
        guard case .bool(let flag) = value else {
            wrongType(at, key, expected: .boolean, got: value)
            return nil
        }
        return flag
    }

    /// A list of right names (`["view","register"]`); every name must be known.
    mutating func optionalRights(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer) -> Set<UserRight>? {
        guard let value = f[key], value != .null else { return nil }
        let allowed = UserRight.allCases.map(\.rawValue).joined(separator: ", ")
        guard case .array(let items) = value, items.count <= UserRight.allCases.count * 2 else {
            fail(at.appending(key), Message("import.rightsAreAList", ["allowed": "\(allowed)"]))
            return nil
        }
        var names: [String] = []
        for item in items {
            guard case .string(let name) = item else {
                fail(at.appending(key), Message("import.rightsAreAList", ["allowed": "\(allowed)"]))
                return nil
            }
            names.append(name)
        }
        guard let rights = UserRight.parse(names) else {
            fail(at.appending(key), Message("import.rightsAreAList", ["allowed": "\(allowed)"]))
            return nil
        }
        return rights
    }

    mutating func optionalInteger(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer, range: ClosedRange<Int>)
        -> Int?
    {
        guard let value = f[key], value != .null else { return nil }
        let number: Int64
        switch value {
        case .integer(let n): number = n
        case .number(let d) where d.rounded() == d && abs(d) < 1e15: number = Int64(d)
        default:
            wrongType(at, key, expected: .wholeNumber, got: value)
            return nil
        }
        guard number >= Int64(range.lowerBound), number <= Int64(range.upperBound) else {
            if number < 0 {
                fail(
                    at.appending(key), Message("import.mustNotBeNegative", ["key": "\(key)", "number": "\(number)"]))
            } else {
                fail(
                    at.appending(key),
                    Message(
                        "import.mustBeFromToGot",
                        [
                            "key": "\(key)", "lowerBound": "\(range.lowerBound)", "upperBound": "\(range.upperBound)",
                            "number": "\(number)",
                        ]))
            }
            return nil
        }
        return Int(number)
    }

    mutating func requiredInteger(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer, range: ClosedRange<Int>)
        -> Int?
    {
        if f[key] == nil || f[key] == .null {
            missing(at, key)
            return nil
        }
        return optionalInteger(f, key, at, range: range)
    }

    mutating func optionalMoney(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer) -> Money? {
        guard let value = f[key], value != .null else { return nil }
        guard case .string(let text) = value, let money = Money(decimal: text) else {
            fail(
                at.appending(key), Message("import.mustBeAnAmountAsA", ["key": "\(key)"]))
            return nil
        }
        return money
    }

    mutating func requiredMoney(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer) -> Money? {
        if f[key] == nil || f[key] == .null {
            missing(at, key)
            return nil
        }
        return optionalMoney(f, key, at)
    }

    mutating func requiredDate(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer) -> CalendarDay? {
        if f[key] == nil || f[key] == .null {
            missing(at, key)
            return nil
        }
        return optionalDate(f, key, at)
    }

    mutating func optionalDate(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer) -> CalendarDay? {
        guard let value = f[key], value != .null else { return nil }
        guard case .string(let text) = value, let day = CalendarDay(iso: text) else {
            fail(
                at.appending(key), Message("import.mustBeADateAsYyyy", ["key": "\(key)"]))
            return nil
        }
        return day
    }

    mutating func optionalEnum<E: RawRepresentable & CaseIterable>(
        _ f: [String: JSONValue], _ key: String, _ at: JSONPointer
    )
        -> E? where E.RawValue == String
    {
        guard let value = f[key], value != .null else { return nil }
        let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
        guard case .string(let text) = value, let parsed = E(rawValue: text) else {
            fail(
                at.appending(key), Message("import.mustBeOneOf", ["key": "\(key)", "allowed": "\(allowed)"]))
            return nil
        }
        return parsed
    }

    mutating func requiredEnum<E: RawRepresentable & CaseIterable>(
        _ f: [String: JSONValue], _ key: String, _ at: JSONPointer
    )
        -> E? where E.RawValue == String
    {
        if f[key] == nil || f[key] == .null {
            missing(at, key)
            return nil
        }
        return optionalEnum(f, key, at)
    }

    mutating func optionalNumberedDate(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer) -> NumberedDate? {
        guard let value = f[key], value != .null else { return nil }
        guard case .object(let o) = value else {
            wrongType(at, key, expected: .object, got: value)
            return nil
        }
        let inner = at.appending(key)
        let number = requiredText(o, "number", inner)
        let date = optionalDate(o, "date", inner)
        guard let number else { return nil }
        return NumberedDate(number: number, date: date)
    }

    /// A manufacturer's return terms: `accepts`, and where it does `withinDays`, `creditBasis`,
    /// `handlingFeePercent` (0–100, at most two decimals) and `address` (a company address).
    mutating func optionalVendorReturns(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer)
        -> VendorReturnTerms?
    {
        guard let value = f[key], value != .null else { return nil }
        guard case .object(let o) = value else {
            wrongType(at, key, expected: .object, got: value)
            return nil
        }
        let inner = at.appending(key)
        let accepts = optionalBool(o, "accepts", inner)
        if o["accepts"] == nil || o["accepts"] == .null { missing(inner, "accepts") }
        let withinDays = optionalInteger(o, "withinDays", inner, range: VendorReturnTerms.withinDaysRange)
        let basis: VendorReturnTerms.CreditBasis = optionalEnum(o, "creditBasis", inner) ?? .purchasePrice
        let fee = optionalPercent(o, "handlingFeePercent", inner) ?? 0
        var address: VendorAddress?
        if let raw = o["address"], raw != .null {
            if case .object(let a) = raw {
                let company = requiredText(a, "company", inner.appending("address"))
                let place = optionalAddress(o, "address", inner)
                if let company, let place {
                    address = VendorAddress(
                        company: company, street: place.street, postcode: place.postcode, city: place.city,
                        country: place.country)
                }
            } else {
                wrongType(inner, "address", expected: .object, got: raw)
            }
        }
        guard let accepts else { return nil }
        return VendorReturnTerms(
            accepts: accepts, withinDays: withinDays, creditBasis: basis, handlingFeeBasisPoints: fee,
            address: address)
    }

    /// A percentage 0–100 with at most two decimals, in basis points.
    mutating func optionalPercent(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer) -> Int? {
        guard let value = f[key], value != .null else { return nil }
        let basisPoints: Double
        switch value {
        case .integer(let n): basisPoints = Double(n) * 100
        case .number(let d): basisPoints = d * 100
        default:
            wrongType(at, key, expected: .number, got: value)
            return nil
        }
        let rounded = basisPoints.rounded()
        guard abs(basisPoints - rounded) < 1e-6,
            VendorReturnTerms.handlingFeeRange.contains(Int(exactly: rounded) ?? -1)
        else {
            fail(at.appending(key), Message("import.percentRange", ["key": "\(key)"]))
            return nil
        }
        return Int(rounded)
    }

    mutating func optionalAddress(_ f: [String: JSONValue], _ key: String, _ at: JSONPointer) -> Address? {
        guard let value = f[key], value != .null else { return nil }
        guard case .object(let o) = value else {
            wrongType(at, key, expected: .object, got: value)
            return nil
        }
        let inner = at.appending(key)
        let street = requiredText(o, "street", inner)
        let postcode = requiredText(o, "postcode", inner)
        let city = requiredText(o, "city", inner)
        let country = optionalText(o, "country", inner) ?? "NL"
        guard let street, let postcode, let city else { return nil }
        return Address(street: street, postcode: postcode, city: city, country: country)
    }
}

public enum EmailAddress {
    /// A deliberately loose check: one "@", something on both sides, a dot in the domain, no spaces.
    public static func isPlausible(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), text.count <= 254
        else { return false }
        return !text.contains { $0.isWhitespace }
    }
}
