import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The one row of the distributor's data as the administrator set it on the settings page; while
/// it is empty, the installation's settings (`RETOUR_RETURN_ADDRESS`, `RETOUR_SELLER_*`) are in force.
final class DistributorSettings: Model, @unchecked Sendable {
    static let schema = "distributor_settings"
    /// The row's only id: the migration makes it, so that it can always be locked.
    static let rowID = 1

    @ID(custom: "id", generatedBy: .user) var id: Int?
    /// One line per row of the address.
    @OptionalField(key: "return_address") var returnAddress: String?
    @OptionalField(key: "seller_name") var sellerName: String?
    @OptionalField(key: "seller_street") var sellerStreet: String?
    @OptionalField(key: "seller_postcode") var sellerPostcode: String?
    @OptionalField(key: "seller_city") var sellerCity: String?
    @OptionalField(key: "seller_country") var sellerCountry: String?
    @OptionalField(key: "seller_vat") var sellerVAT: String?
    @OptionalField(key: "seller_email") var sellerEmail: String?
    @OptionalField(key: "updated_at") var updatedAt: Date?
    @OptionalField(key: "updated_by") var updatedBy: Int?

    init() {}

    /// What the administrator stored, if anything.
    var distributor: Distributor? {
        guard let returnAddress, let sellerName, let sellerCountry else { return nil }
        return Distributor(
            returnAddress: returnAddress.components(separatedBy: "\n"), sellerName: sellerName,
            sellerStreet: sellerStreet, sellerPostcode: sellerPostcode, sellerCity: sellerCity,
            sellerCountry: sellerCountry, sellerVAT: sellerVAT, sellerEmail: sellerEmail)
    }
}

extension Distributor {
    /// The installation's settings, in force until an administrator stores others.
    init(_ config: AppConfig) {
        self.init(
            returnAddress: config.returnAddress.components(separatedBy: " · "), sellerName: config.seller.name,
            sellerStreet: config.seller.street, sellerPostcode: config.seller.postcode, sellerCity: config.seller.city,
            sellerCountry: config.seller.countryCode, sellerVAT: config.seller.vatNumber,
            sellerEmail: config.seller.email)
    }
}
