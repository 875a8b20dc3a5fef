/// A settlement as UBL 2.1 following Peppol BIS Billing 3.0: a credit note (type 381) when the
/// reseller gets money back, an invoice (380) when kept goods are charged. Built from the same
/// numbers as the PDF; the elements are written in the order the UBL schema requires.
public struct UBLDocument: Sendable {
    public enum Kind: Sendable {
        case creditNote
        case invoice
    }

    public struct Party: Sendable {
        public var name: String
        public var street: String?
        public var postcode: String?
        public var city: String?
        /// ISO 3166-1 alpha-2.
        public var countryCode: String
        public var vatNumber: String?
        /// The customer number, for the buyer.
        public var identifier: String?
        public var email: String?

        public init(
            name: String, street: String?, postcode: String?, city: String?, countryCode: String,
            vatNumber: String? = nil, identifier: String? = nil, email: String? = nil
        ) {
            self.name = name
            self.street = street
            self.postcode = postcode
            self.city = city
            self.countryCode = countryCode
            self.vatNumber = vatNumber
            self.identifier = identifier
            self.email = email
        }
    }

    public struct Line: Sendable {
        public var quantity: Int
        public var unitPrice: Money
        public var name: String
        public var description: String?
        public var articleNumber: String?

        public init(quantity: Int, unitPrice: Money, name: String, description: String?, articleNumber: String?) {
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.name = name
            self.description = description
            self.articleNumber = articleNumber
        }
    }

    /// A document-level allowance (less to pay) or charge (more), with its reason.
    public struct Adjustment: Sendable {
        public var isCharge: Bool
        public var amount: Money
        public var reason: String

        public init(isCharge: Bool, amount: Money, reason: String) {
            self.isCharge = isCharge
            self.amount = amount
            self.reason = reason
        }
    }

    public var kind: Kind
    public var number: String
    public var issueDate: CalendarDay
    public var currency: String
    /// The reseller's reference: the request number.
    public var buyerReference: String
    public var invoiceReference: (number: String, date: CalendarDay?)?
    public var note: String?
    public var seller: Party
    public var buyer: Party
    public var lines: [Line]
    public var adjustments: [Adjustment]
    public var vatBasisPoints: Int
    /// The VAT as the PDF shows it (computed once, in `CreditNotes.vat`).
    public var vat: Money

    public init(
        kind: Kind, number: String, issueDate: CalendarDay, currency: String, buyerReference: String,
        invoiceReference: (number: String, date: CalendarDay?)?, note: String?, seller: Party, buyer: Party,
        lines: [Line], adjustments: [Adjustment], vatBasisPoints: Int, vat: Money
    ) {
        self.kind = kind
        self.number = number
        self.issueDate = issueDate
        self.currency = currency
        self.buyerReference = buyerReference
        self.invoiceReference = invoiceReference
        self.note = note
        self.seller = seller
        self.buyer = buyer
        self.lines = lines
        self.adjustments = adjustments
        self.vatBasisPoints = vatBasisPoints
        self.vat = vat
    }

    public func lineAmount(_ line: Line) throws(MoneyOverflow) -> Money { try line.unitPrice * line.quantity }

    /// Σ lines − allowances + charges: the amount VAT is due on.
    public func taxableAmount() throws(MoneyOverflow) -> Money {
        var total = Money.zero
        for line in lines { total = try total + lineAmount(line) }
        for adjustment in adjustments {
            total = adjustment.isCharge ? try total + adjustment.amount : try total - adjustment.amount
        }
        return total
    }

    public func xml() throws(MoneyOverflow) -> String {
        let root = kind == .creditNote ? "CreditNote" : "Invoice"
        let currency = Self.escaped(self.currency)
        func amount(_ tag: String, _ money: Money) -> String {
            "<cbc:\(tag) currencyID=\"\(currency)\">\(money.decimalString)</cbc:\(tag)>"
        }
        let percent = Self.percent(vatBasisPoints)
        let category =
            "<cbc:ID>S</cbc:ID><cbc:Percent>\(percent)</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>"
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<\(root) xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:\(root)-2\""
        out += " xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\""
        out += " xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">\n"
        out += "<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
        out += "</cbc:CustomizationID>\n"
        out += "<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>\n"
        out += element("cbc:ID", number) + "\n"
        out += element("cbc:IssueDate", issueDate.iso) + "\n"
        out += kind == .creditNote ? element("cbc:CreditNoteTypeCode", "381") : element("cbc:InvoiceTypeCode", "380")
        out += "\n"
        if let note { out += element("cbc:Note", note) + "\n" }
        out += element("cbc:DocumentCurrencyCode", self.currency) + "\n"
        out += element("cbc:BuyerReference", buyerReference) + "\n"
        if let reference = invoiceReference {
            out += "<cac:BillingReference><cac:InvoiceDocumentReference>" + element("cbc:ID", reference.number)
            if let date = reference.date { out += element("cbc:IssueDate", date.iso) }
            out += "</cac:InvoiceDocumentReference></cac:BillingReference>\n"
        }
        out += "<cac:AccountingSupplierParty>" + party(seller) + "</cac:AccountingSupplierParty>\n"
        out += "<cac:AccountingCustomerParty>" + party(buyer) + "</cac:AccountingCustomerParty>\n"
        for adjustment in adjustments {
            out += "<cac:AllowanceCharge><cbc:ChargeIndicator>\(adjustment.isCharge)</cbc:ChargeIndicator>"
            out += element("cbc:AllowanceChargeReason", adjustment.reason)
            out += amount("Amount", adjustment.amount)
            out += "<cac:TaxCategory>\(category)</cac:TaxCategory></cac:AllowanceCharge>\n"
        }
        let taxable = try taxableAmount()
        out += "<cac:TaxTotal>" + amount("TaxAmount", vat) + "<cac:TaxSubtotal>" + amount("TaxableAmount", taxable)
        out +=
            amount("TaxAmount", vat)
            + "<cac:TaxCategory>\(category)</cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>\n"
        var lineTotal = Money.zero
        for line in lines { lineTotal = try lineTotal + lineAmount(line) }
        var allowances = Money.zero
        var charges = Money.zero
        for adjustment in adjustments {
            if adjustment.isCharge {
                charges = try charges + adjustment.amount
            } else {
                allowances = try allowances + adjustment.amount
            }
        }
        let inclusive = try taxable + vat
        out += "<cac:LegalMonetaryTotal>" + amount("LineExtensionAmount", lineTotal)
        out += amount("TaxExclusiveAmount", taxable) + amount("TaxInclusiveAmount", inclusive)
        if allowances != .zero { out += amount("AllowanceTotalAmount", allowances) }
        if charges != .zero { out += amount("ChargeTotalAmount", charges) }
        out += amount("PayableAmount", inclusive) + "</cac:LegalMonetaryTotal>\n"
        let (lineTag, quantityTag) =
            kind == .creditNote ? ("CreditNoteLine", "CreditedQuantity") : ("InvoiceLine", "InvoicedQuantity")
        for (index, line) in lines.enumerated() {
            out += "<cac:\(lineTag)>" + element("cbc:ID", "\(index + 1)")
            out += "<cbc:\(quantityTag) unitCode=\"C62\">\(line.quantity)</cbc:\(quantityTag)>"
            out += amount("LineExtensionAmount", try lineAmount(line))
            out += "<cac:Item>"
            if let description = line.description, !description.isEmpty {
                out += element("cbc:Description", description)
            }
            out += element("cbc:Name", line.name)
            if let article = line.articleNumber {
                out +=
                    "<cac:SellersItemIdentification>" + element("cbc:ID", article) + "</cac:SellersItemIdentification>"
            }
            out += "<cac:ClassifiedTaxCategory>\(category)</cac:ClassifiedTaxCategory></cac:Item>"
            out += "<cac:Price>" + amount("PriceAmount", line.unitPrice) + "</cac:Price></cac:\(lineTag)>\n"
        }
        out += "</\(root)>\n"
        return out
    }

    private func party(_ party: Party) -> String {
        var out = "<cac:Party>"
        if let vat = party.vatNumber, vat.uppercased().hasPrefix("NL") {
            out += "<cbc:EndpointID schemeID=\"9944\">\(Self.escaped(vat))</cbc:EndpointID>"
        } else if let email = party.email {
            out += "<cbc:EndpointID schemeID=\"EM\">\(Self.escaped(email))</cbc:EndpointID>"
        }
        if let identifier = party.identifier {
            out += "<cac:PartyIdentification>" + element("cbc:ID", identifier) + "</cac:PartyIdentification>"
        }
        out += "<cac:PartyName>" + element("cbc:Name", party.name) + "</cac:PartyName>"
        out += "<cac:PostalAddress>"
        if let street = party.street, !street.isEmpty { out += element("cbc:StreetName", street) }
        if let city = party.city, !city.isEmpty { out += element("cbc:CityName", city) }
        if let postcode = party.postcode, !postcode.isEmpty { out += element("cbc:PostalZone", postcode) }
        out +=
            "<cac:Country>" + element("cbc:IdentificationCode", party.countryCode)
            + "</cac:Country></cac:PostalAddress>"
        if let vat = party.vatNumber {
            out += "<cac:PartyTaxScheme>" + element("cbc:CompanyID", vat)
            out += "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
        }
        out += "<cac:PartyLegalEntity>" + element("cbc:RegistrationName", party.name) + "</cac:PartyLegalEntity>"
        if let email = party.email {
            out += "<cac:Contact>" + element("cbc:ElectronicMail", email) + "</cac:Contact>"
        }
        return out + "</cac:Party>"
    }

    private func element(_ tag: String, _ text: String) -> String { "<\(tag)>\(Self.escaped(text))</\(tag)>" }

    /// Text as XML character data: the five special characters escaped, characters XML 1.0 cannot
    /// hold (control characters other than tab and line breaks) dropped.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// 2 100 basis points: "21"; 1 050: "10.5".
    static func percent(_ basisPoints: Int) -> String {
        let whole = basisPoints / 100
        let fraction = basisPoints % 100
        if fraction == 0 { return "\(whole)" }
        return fraction % 10 == 0 ? "\(whole).\(fraction / 10)" : "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
