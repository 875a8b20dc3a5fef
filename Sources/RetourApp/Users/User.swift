import Fluent
import Foundation
import RetourCore

/// A login: a reseller (company account or sub-login), an agent or an administrator.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "password_hash") var passwordHash: String
    /// A keyed fingerprint of the password last set by the import (`Installation.fingerprint`): a
    /// nightly import that sends it again is told from one that changes it without a bcrypt.
    @OptionalField(key: "password_fingerprint") var passwordFingerprint: String?
    @Field(key: "role") var role: Role
    @OptionalParent(key: "company_id") var company: Company?
    @Field(key: "active") var active: Bool
    @OptionalField(key: "language") var language: Language?
    /// When the login first signed in; nil while an invitation waits.
    @OptionalField(key: "signed_in_at") var signedInAt: Date?
    /// A sub-login's rights as stored ("view,register"); nil: the default of its role.
    @OptionalField(key: "rights") var rightsText: String?

    init() {}

    init(email: String, name: String, passwordHash: String, role: Role, companyID: Int?) {
        self.email = email
        self.name = name
        self.passwordHash = passwordHash
        self.role = role
        self.$company.id = companyID
        self.active = true
    }

    var companyID: Int? { $company.id }

    /// A reseller who may fill the cart: the pages offer the reason forms to this login only.
    var registersReturns: Bool { role.belongsToCompany && rights.contains(.register) }

    /// What this login may do (`UserRight.held`): stored rights that no longer parse count as none.
    var rights: Set<UserRight> {
        UserRight.held(
            by: role,
            granted: rightsText.map { UserRight.parse($0.split(separator: ",").map(String.init)) ?? [] })
    }
}
