import Foundation
import RetourCore

/// The distributor's own data on documents and mails: the address goods are returned to (one line
/// per row, printed on return forms, packing lists and in mails) and the seller on credit notes.
public struct Distributor: Sendable, Hashable {
    public var returnAddress: [String]
    public var sellerName: String
    public var sellerStreet: String?
    public var sellerPostcode: String?
    public var sellerCity: String?
    /// ISO 3166-1 alpha-2.
    public var sellerCountry: String
    public var sellerVAT: String?
    public var sellerEmail: String?

    public init(
        returnAddress: [String], sellerName: String, sellerStreet: String?, sellerPostcode: String?,
        sellerCity: String?, sellerCountry: String, sellerVAT: String?, sellerEmail: String?
    ) {
        self.returnAddress = returnAddress
        self.sellerName = sellerName
        self.sellerStreet = sellerStreet
        self.sellerPostcode = sellerPostcode
        self.sellerCity = sellerCity
        self.sellerCountry = sellerCountry
        self.sellerVAT = sellerVAT
        self.sellerEmail = sellerEmail
    }

    /// The seller as a UBL document names it.
    public var seller: UBLDocument.Party {
        UBLDocument.Party(
            name: sellerName, street: sellerStreet, postcode: sellerPostcode, city: sellerCity,
            countryCode: sellerCountry, vatNumber: sellerVAT, email: sellerEmail)
    }
}

/// What changing the distributor's data needs from storage.
public protocol DistributorStore: Sendable {
    func transaction<T: Sendable>(_ work: @escaping @Sendable (any DistributorWork) async throws -> T) async throws -> T
}

public protocol DistributorWork: Sendable {
    /// The stored data, its row locked; nil while the installation's settings are in force.
    func lockStored() async throws -> Distributor?
    func store(_ distributor: Distributor, by actorID: Int, at now: Date) async throws
    func audit(_ entry: AuditEntry) async throws
}

/// An administrator changes the distributor's data, as typed in the form; every problem at once.
public struct ChangeDistributor: Sendable {
    public struct Form: Sendable, Hashable {
        public var returnAddress: String
        public var sellerName: String
        public var sellerStreet: String
        public var sellerPostcode: String
        public var sellerCity: String
        public var sellerCountry: String
        public var sellerVAT: String
        public var sellerEmail: String

        public init(
            returnAddress: String, sellerName: String, sellerStreet: String, sellerPostcode: String,
            sellerCity: String, sellerCountry: String, sellerVAT: String, sellerEmail: String
        ) {
            self.returnAddress = returnAddress
            self.sellerName = sellerName
            self.sellerStreet = sellerStreet
            self.sellerPostcode = sellerPostcode
            self.sellerCity = sellerCity
            self.sellerCountry = sellerCountry
            self.sellerVAT = sellerVAT
            self.sellerEmail = sellerEmail
        }

        public init(_ distributor: Distributor) {
            self.init(
                returnAddress: distributor.returnAddress.joined(separator: "\n"), sellerName: distributor.sellerName,
                sellerStreet: distributor.sellerStreet ?? "", sellerPostcode: distributor.sellerPostcode ?? "",
                sellerCity: distributor.sellerCity ?? "", sellerCountry: distributor.sellerCountry,
                sellerVAT: distributor.sellerVAT ?? "", sellerEmail: distributor.sellerEmail ?? "")
        }
    }

    /// A return address has 2 to 8 lines of at most 120 characters: it is printed on a label.
    public static let addressLines = 2...8
    public static let maximumLine = 120
    public static let maximumField = 200

    public var store: any DistributorStore
    public var actorID: Int
    public var now: Date

    public init(store: any DistributorStore, actorID: Int, now: Date) {
        self.store = store
        self.actorID = actorID
        self.now = now
    }

    public func run(_ form: Form) async throws -> Distributor {
        let distributor = try Self.read(form)
        let (actorID, now) = (actorID, now)
        return try await store.transaction { work in
            let before = try await work.lockStored()
            try await work.store(distributor, by: actorID, at: now)
            try await work.audit(
                AuditEntry(
                    at: now, actorID: actorID, action: "distributor.update", subject: "distributor",
                    detail: (before.map { Self.describe($0) } ?? "installation settings") + " → "
                        + Self.describe(distributor)))
            return distributor
        }
    }

    /// The form read into the distributor's data, or every problem at once.
    public static func read(_ form: Form) throws -> Distributor {
        var errors: [FieldError] = []
        func optional(_ value: String, _ field: String) -> String? {
            let trimmed = value.trimmingWhitespace()
            if trimmed.count > maximumField {
                errors.append(FieldError(field, message: Message("settings.atMost200Characters")))
            }
            return trimmed.isEmpty ? nil : trimmed
        }
        let lines = form.returnAddress.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace() }
            .filter { !$0.isEmpty }
        if !addressLines.contains(lines.count) || lines.contains(where: { $0.count > maximumLine || $0.contains("·") })
        {
            errors.append(FieldError("returnAddress", message: Message("settings.anAddressOf2To8Lines")))
        }
        let name = form.sellerName.trimmingWhitespace()
        if name.isEmpty || name.count > maximumField {
            errors.append(FieldError("sellerName", message: Message("settings.enterTheSellersName")))
        }
        let country = form.sellerCountry.trimmingWhitespace().uppercased()
        if country.count != 2 || !country.allSatisfy({ $0.isASCII && $0.isLetter }) {
            errors.append(FieldError("sellerCountry", message: Message("settings.aTwoLetterCountryCode")))
        }
        let vat = optional(form.sellerVAT, "sellerVAT")
        if let vat, vat.count > 30 || !vat.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            errors.append(FieldError("sellerVAT", message: Message("settings.aVATNumberOfLettersAndDigits")))
        }
        let email = optional(form.sellerEmail, "sellerEmail")
        if let email, !email.contains("@") || email.contains(where: \.isWhitespace) {
            errors.append(FieldError("sellerEmail", message: Message("settings.anEmailAddress")))
        }
        let distributor = Distributor(
            returnAddress: lines, sellerName: name, sellerStreet: optional(form.sellerStreet, "sellerStreet"),
            sellerPostcode: optional(form.sellerPostcode, "sellerPostcode"),
            sellerCity: optional(form.sellerCity, "sellerCity"), sellerCountry: country, sellerVAT: vat,
            sellerEmail: email)
        guard errors.isEmpty else { throw Refusal.invalid(errors) }
        return distributor
    }

    private static func describe(_ distributor: Distributor) -> String {
        distributor.returnAddress.joined(separator: " / ") + "; seller " + distributor.sellerName + " ("
            + distributor.sellerCountry + ")"
    }
}
