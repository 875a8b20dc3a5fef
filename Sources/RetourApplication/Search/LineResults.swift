import Foundation
import RetourCore

/// One invoice line as the search shows it.
public struct LineView: Codable, Sendable, Hashable {
    public var id: Int
    public var invoice: String
    public var invoiceDate: String
    public var position: Int
    public var article: String
    public var description: String
    public var brand: String
    public var manufacturerModel: String?
    public var ean: String?
    public var quantity: Int
    public var claimableQuantity: Int
    public var unitPrice: Money
    /// nil only if the product would not fit (the API then writes "").
    public var netAmount: Money?
    public var currency: String
    public var customerOrderNumber: String?
    public var customerItemNumber: String?
    public var deliveryNote: String?
    public var deliveryDate: String?
    public var order: String?
    public var orderDate: String?
    public var deliveryAddress: Address?
    public var serials: [String]
    public var claimableSerials: [String]

    public init(
        id: Int, invoice: String, invoiceDate: String, position: Int, article: String, description: String,
        brand: String, manufacturerModel: String?, ean: String?, quantity: Int, claimableQuantity: Int,
        unitPrice: Money, netAmount: Money?, currency: String, customerOrderNumber: String?,
        customerItemNumber: String?, deliveryNote: String?, deliveryDate: String?, order: String?, orderDate: String?,
        deliveryAddress: Address?, serials: [String], claimableSerials: [String]
    ) {
        self.id = id
        self.invoice = invoice
        self.invoiceDate = invoiceDate
        self.position = position
        self.article = article
        self.description = description
        self.brand = brand
        self.manufacturerModel = manufacturerModel
        self.ean = ean
        self.quantity = quantity
        self.claimableQuantity = claimableQuantity
        self.unitPrice = unitPrice
        self.netAmount = netAmount
        self.currency = currency
        self.customerOrderNumber = customerOrderNumber
        self.customerItemNumber = customerItemNumber
        self.deliveryNote = deliveryNote
        self.deliveryDate = deliveryDate
        self.order = order
        self.orderDate = orderDate
        self.deliveryAddress = deliveryAddress
        self.serials = serials
        self.claimableSerials = claimableSerials
    }
}

/// One invoice, delivery note or order of a search's page, with its lines.
public struct DocumentView: Codable, Sendable, Hashable {
    public var kind: String
    public var number: String
    public var date: String
    public var lines: [LineView]
    /// The date as a day, read once where the row is read; the page shows it in the reader's words.
    public var day: CalendarDay? = nil

    public init(kind: String, number: String, date: String, lines: [LineView], day: CalendarDay? = nil) {
        self.kind = kind
        self.number = number
        self.date = date
        self.lines = lines
        self.day = day
    }

    public enum CodingKeys: String, CodingKey {
        case kind, number, date, lines
    }
}

/// A page of a search, and how many documents' lines it found in all.
public struct LineSearchResult: Codable, Sendable, Hashable {
    public var documents: [DocumentView]
    public var page: Int
    public var per: Int
    public var total: Int

    public init(documents: [DocumentView], page: Int, per: Int, total: Int) {
        self.documents = documents
        self.page = page
        self.per = per
        self.total = total
    }
}

extension LineView {
    public enum CodingKeys: String, CodingKey {
        case id, invoice, invoiceDate, position, article, description, brand, manufacturerModel, ean, quantity,
            claimableQuantity, unitPrice, netAmount, currency, customerOrderNumber, customerItemNumber, deliveryNote,
            deliveryDate, order, orderDate, deliveryAddress, serials, claimableSerials
    }

    /// Writes absent values as `null`: the contract names every field, present or not.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(invoice, forKey: .invoice)
        try container.encode(invoiceDate, forKey: .invoiceDate)
        try container.encode(position, forKey: .position)
        try container.encode(article, forKey: .article)
        try container.encode(description, forKey: .description)
        try container.encode(brand, forKey: .brand)
        try container.encode(manufacturerModel, forKey: .manufacturerModel)
        try container.encode(ean, forKey: .ean)
        try container.encode(quantity, forKey: .quantity)
        try container.encode(claimableQuantity, forKey: .claimableQuantity)
        try container.encode(unitPrice.decimalString, forKey: .unitPrice)
        try container.encode(netAmount?.decimalString ?? "", forKey: .netAmount)
        try container.encode(currency, forKey: .currency)
        try container.encode(customerOrderNumber, forKey: .customerOrderNumber)
        try container.encode(customerItemNumber, forKey: .customerItemNumber)
        try container.encode(deliveryNote, forKey: .deliveryNote)
        try container.encode(deliveryDate, forKey: .deliveryDate)
        try container.encode(order, forKey: .order)
        try container.encode(orderDate, forKey: .orderDate)
        try container.encode(deliveryAddress, forKey: .deliveryAddress)
        try container.encode(serials, forKey: .serials)
        try container.encode(claimableSerials, forKey: .claimableSerials)
    }
}
