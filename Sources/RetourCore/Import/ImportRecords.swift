/// The import document of the API contract, after every field was checked.
public struct ImportBatch: Sendable {
    public var companies: [CompanyRecord] = []
    public var users: [UserRecord] = []
    public var brands: [BrandRecord] = []
    public var articles: [ArticleRecord] = []
    public var invoices: [InvoiceRecord] = []

    public init() {}

    public var lineCount: Int { invoices.reduce(0) { $0 + $1.lines.count } }
}

public struct Address: Sendable, Hashable, Codable {
    public var street: String
    public var postcode: String
    public var city: String
    public var country: String

    public init(street: String, postcode: String, city: String, country: String) {
        self.street = street
        self.postcode = postcode
        self.city = city
        self.country = country
    }
}

public struct CompanyRecord: Sendable, Hashable {
    public var number: String
    public var name: String
    public var email: String?
    public var address: Address?
    /// The four-eyes rule; nil leaves the company's own choice as it is.
    public var submitApproval: SubmitApproval?
    /// Whether it may ask for advance replacements; nil leaves it as it is (a new company may).
    public var advanceReplacement: Bool?

    public init(
        number: String, name: String, email: String?, address: Address?, submitApproval: SubmitApproval? = nil,
        advanceReplacement: Bool? = nil
    ) {
        self.advanceReplacement = advanceReplacement
        self.number = number
        self.name = name
        self.email = email
        self.address = address
        self.submitApproval = submitApproval
    }
}

public struct UserRecord: Sendable, Hashable {
    public var email: String
    public var name: String
    public var company: String?
    public var role: Role
    public var password: String?
    /// Whether the login may sign in; nil leaves it as it is (a new login is active), so that a
    /// document without the field never switches back on a login its company switched off.
    public var active: Bool?
    /// A sub-login's rights; nil leaves them as they are (a new sub-login gets the default).
    public var rights: Set<UserRight>?
    public var pointer: JSONPointer

    public init(
        email: String, name: String, company: String?, role: Role, password: String?, active: Bool? = nil,
        rights: Set<UserRight>? = nil, pointer: JSONPointer
    ) {
        self.rights = rights
        self.email = email
        self.name = name
        self.company = company
        self.role = role
        self.password = password
        self.active = active
        self.pointer = pointer
    }
}

public enum Handling: String, Sendable, Hashable, Codable, CaseIterable {
    case credit
    case directService = "direct_service"
}

public struct ServiceCentre: Sendable, Hashable, Codable {
    public var company: String
    public var street: String
    public var postcode: String
    public var city: String
    public var url: String?

    public init(company: String, street: String, postcode: String, city: String, url: String?) {
        self.company = company
        self.street = street
        self.postcode = postcode
        self.city = city
        self.url = url
    }
}

/// A brand and its DOA and warranty arrangements: what the import stores and what the rules read.
public struct BrandRecord: Sendable, Hashable {
    /// The values a brand's (or an article's) arrangement may take, wherever they are entered.
    public static let doaDaysRange = 0...3650
    public static let warrantyMonthsRange = 0...240

    /// Direct Service sends the reseller to the manufacturer: only with a service centre to name.
    public static func needsServiceCentre(warranty: Handling, doa: Handling) -> Bool {
        warranty == .directService || doa == .directService
    }

    public var name: String
    public var doaDays: Int?
    public var warrantyMonths: Int?
    public var warrantyHandling: Handling
    public var doaHandling: Handling
    public var serviceCentre: ServiceCentre?
    /// What the manufacturer takes back; nil leaves it as it is (a new brand takes nothing back).
    public var vendorReturns: VendorReturnTerms?
    /// Whether the manufacturer sends a replacement ahead of the return; nil leaves it as it is
    /// (a new brand does not).
    public var advanceReplacement: Bool?

    public init(
        name: String, doaDays: Int? = nil, warrantyMonths: Int? = nil, warrantyHandling: Handling = .credit,
        doaHandling: Handling = .credit, serviceCentre: ServiceCentre? = nil, vendorReturns: VendorReturnTerms? = nil,
        advanceReplacement: Bool? = nil
    ) {
        self.vendorReturns = vendorReturns
        self.advanceReplacement = advanceReplacement
        self.name = name
        self.doaDays = doaDays
        self.warrantyMonths = warrantyMonths
        self.warrantyHandling = warrantyHandling
        self.doaHandling = doaHandling
        self.serviceCentre = serviceCentre
    }
}

public enum ArticleKind: String, Sendable, Hashable, Codable, CaseIterable {
    case hardware
    case software
    case licence
    case threeDPrinter = "3d_printer"
}

public struct ArticleRecord: Sendable, Hashable {
    public var number: String
    public var description: String
    public var brand: String
    public var manufacturerModel: String?
    public var ean: String?
    public var serialised: Bool
    public var kind: ArticleKind
    public var specialOrder: Bool
    public var returnable: Bool
    public var warrantyMonths: Int?
    public var price: Money?
    /// The distributor's own cost.
    public var purchasePrice: Money?

    public init(
        number: String, description: String, brand: String, manufacturerModel: String?, ean: String?, serialised: Bool,
        kind: ArticleKind, specialOrder: Bool, returnable: Bool, warrantyMonths: Int?, price: Money?,
        purchasePrice: Money? = nil
    ) {
        self.purchasePrice = purchasePrice
        self.number = number
        self.description = description
        self.brand = brand
        self.manufacturerModel = manufacturerModel
        self.ean = ean
        self.serialised = serialised
        self.kind = kind
        self.specialOrder = specialOrder
        self.returnable = returnable
        self.warrantyMonths = warrantyMonths
        self.price = price
    }
}

public struct NumberedDate: Sendable, Hashable {
    public var number: String
    public var date: CalendarDay?

    public init(number: String, date: CalendarDay?) {
        self.number = number
        self.date = date
    }
}

public struct LineRecord: Sendable, Hashable {
    public var position: Int
    public var article: String
    public var quantity: Int
    public var unitPrice: Money
    public var customerItemNumber: String?
    public var deliveryNote: NumberedDate?
    public var order: NumberedDate?
    public var deliveryAddress: Address?
    public var serials: [String]

    public init(
        position: Int, article: String, quantity: Int, unitPrice: Money, customerItemNumber: String?,
        deliveryNote: NumberedDate?, order: NumberedDate?, deliveryAddress: Address?, serials: [String]
    ) {
        self.position = position
        self.article = article
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.customerItemNumber = customerItemNumber
        self.deliveryNote = deliveryNote
        self.order = order
        self.deliveryAddress = deliveryAddress
        self.serials = serials
    }
}

public struct InvoiceRecord: Sendable, Hashable {
    public var number: String
    public var company: String
    public var date: CalendarDay
    public var customerOrderNumber: String?
    public var currency: String
    public var lines: [LineRecord]

    public init(
        number: String, company: String, date: CalendarDay, customerOrderNumber: String?, currency: String,
        lines: [LineRecord]
    ) {
        self.number = number
        self.company = company
        self.date = date
        self.customerOrderNumber = customerOrderNumber
        self.currency = currency
        self.lines = lines
    }
}

/// A reference from the document to a record that the document itself does not define, so the
/// database must hold it.
public struct ImportReference: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case company
        case brand
        case article
    }

    public var kind: Kind
    public var key: String
    public var pointer: JSONPointer
}

public struct ImportError: Sendable, Hashable, Error {
    public var pointer: JSONPointer
    public var message: Message

    public init(pointer: JSONPointer, message: Message) {
        self.pointer = pointer
        self.message = message
    }
}

/// What an import stored, per section.
public struct ImportCounts: Sendable, Hashable, Codable {
    public var companies = 0
    public var users = 0
    public var brands = 0
    public var articles = 0
    public var invoices = 0
    public var lines = 0
    public var serials = 0

    public init() {}
}
