import Fluent
import Foundation
import RetourCore

// Fluent models of the master data. Dates are stored as `YYYY-MM-DD` text and money as integer
// cents, so SQLite and PostgreSQL compare and sum them alike.

final class Company: Model, @unchecked Sendable {
    static let schema = "companies"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "number") var number: String
    @Field(key: "name") var name: String
    @OptionalField(key: "email") var email: String?
    @OptionalField(key: "street") var street: String?
    @OptionalField(key: "postcode") var postcode: String?
    @OptionalField(key: "city") var city: String?
    @OptionalField(key: "country") var country: String?
    @OptionalField(key: "submit_approval") var submitApprovalKind: SubmitApproval.Kind?
    @OptionalField(key: "approval_amount_cents") var approvalAmountCents: Int64?
    /// Whether the company may ask for a replacement ahead of the return; nil: yes.
    @OptionalField(key: "advance_replacement") var advanceReplacement: Bool?

    init() {}

    /// The four-eyes rule; none unless the ERP or the purchasing department chose one.
    var submitApproval: SubmitApproval {
        get {
            submitApprovalKind.flatMap { SubmitApproval(kind: $0, amount: approvalAmountCents.map(Money.init(cents:))) }
                ?? .none
        }
        set {
            submitApprovalKind = newValue.kind
            approvalAmountCents = newValue.amount?.cents
        }
    }
}

final class Brand: Model, @unchecked Sendable {
    static let schema = "brands"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @OptionalField(key: "doa_days") var doaDays: Int?
    @OptionalField(key: "warranty_months") var warrantyMonths: Int?
    @Field(key: "warranty_handling") var warrantyHandling: Handling
    @Field(key: "doa_handling") var doaHandling: Handling
    @OptionalField(key: "service_company") var serviceCompany: String?
    @OptionalField(key: "service_street") var serviceStreet: String?
    @OptionalField(key: "service_postcode") var servicePostcode: String?
    @OptionalField(key: "service_city") var serviceCity: String?
    @OptionalField(key: "service_url") var serviceURL: String?
    /// `VendorReturnTerms` as JSON; none: the manufacturer takes nothing back.
    @OptionalField(key: "vendor_returns") var vendorReturnsJSON: String?
    @OptionalField(key: "advance_replacement") var advanceReplacement: Bool?

    init() {}
}

final class Article: Model, @unchecked Sendable {
    static let schema = "articles"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "number") var number: String
    @Field(key: "description") var description: String
    @Parent(key: "brand_id") var brand: Brand
    @OptionalField(key: "manufacturer_model") var manufacturerModel: String?
    @OptionalField(key: "ean") var ean: String?
    @Field(key: "serialised") var serialised: Bool
    @Field(key: "kind") var kind: ArticleKind
    @Field(key: "special_order") var specialOrder: Bool
    @Field(key: "returnable") var returnable: Bool
    @OptionalField(key: "warranty_months") var warrantyMonths: Int?
    @OptionalField(key: "price_cents") var priceCents: Int64?
    /// The distributor's own cost.
    @OptionalField(key: "purchase_price_cents") var purchasePriceCents: Int64?

    init() {}
}

final class Invoice: Model, @unchecked Sendable {
    static let schema = "invoices"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "number") var number: String
    @Parent(key: "company_id") var company: Company
    @Field(key: "date") var date: String
    @OptionalField(key: "customer_order_number") var customerOrderNumber: String?
    @Field(key: "currency") var currency: String

    init() {}
}

/// An invoice line. The invoice's company, number, date and customer order number are repeated
/// here so that every search is one indexed query on one table.
final class InvoiceLine: Model, @unchecked Sendable {
    static let schema = "invoice_lines"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Parent(key: "invoice_id") var invoice: Invoice
    @Field(key: "company_id") var companyID: Int
    @Field(key: "invoice_number") var invoiceNumber: String
    @Field(key: "invoice_date") var invoiceDate: String
    @OptionalField(key: "customer_order_number") var customerOrderNumber: String?
    @Field(key: "position") var position: Int
    @Parent(key: "article_id") var article: Article
    @Field(key: "quantity") var quantity: Int
    @Field(key: "unit_price_cents") var unitPriceCents: Int64
    @Field(key: "currency") var currency: String
    @OptionalField(key: "customer_item_number") var customerItemNumber: String?
    @OptionalField(key: "delivery_note_number") var deliveryNoteNumber: String?
    @OptionalField(key: "delivery_note_date") var deliveryNoteDate: String?
    @OptionalField(key: "order_number") var orderNumber: String?
    @OptionalField(key: "order_date") var orderDate: String?
    @OptionalField(key: "delivery_street") var deliveryStreet: String?
    @OptionalField(key: "delivery_postcode") var deliveryPostcode: String?
    @OptionalField(key: "delivery_city") var deliveryCity: String?
    @OptionalField(key: "delivery_country") var deliveryCountry: String?

    init() {}
}

final class SerialNumber: Model, @unchecked Sendable {
    static let schema = "serial_numbers"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Parent(key: "line_id") var line: InvoiceLine
    @Field(key: "number") var number: String

    init() {}
}
