import Fluent
import Foundation
import RetourCore

/// An uploaded file. Its bytes live outside the web root under their SHA-256.
final class Attachment: Model, @unchecked Sendable {
    static let schema = "attachments"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "company_id") var companyID: Int?
    @Field(key: "user_id") var userID: Int
    @OptionalField(key: "upload_token") var uploadToken: String?
    @Field(key: "sha256") var sha256: String
    @Field(key: "filename") var filename: String
    @Field(key: "size") var size: Int
    @Field(key: "content_type") var contentType: String
    @Field(key: "is_image") var isImage: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A position waiting in a user's cart.
final class CartPosition: Model, @unchecked Sendable {
    static let schema = "cart_positions"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "user_id") var userID: Int
    @Field(key: "company_id") var companyID: Int
    @Field(key: "line_id") var lineID: Int
    @Field(key: "reason") var reason: ReasonID
    @Field(key: "quantity") var quantity: Int
    @Field(key: "serials") var serialsColumn: JSONColumn<[String]>
    var serials: [String] {
        get { serialsColumn.value }
        set { serialsColumn = JSONColumn(newValue) }
    }
    @Field(key: "fields") var fieldsColumn: JSONColumn<[String: JSONValue]>
    var fields: [String: JSONValue] {
        get { fieldsColumn.value }
        set { fieldsColumn = JSONColumn(newValue) }
    }
    @Field(key: "attachments") var attachmentsColumn: JSONColumn<[String]>
    var attachments: [String] {
        get { attachmentsColumn.value }
        set { attachmentsColumn = JSONColumn(newValue) }
    }
    @Field(key: "return_address") var returnAddressColumn: JSONColumn<Address>
    var returnAddress: Address {
        get { returnAddressColumn.value }
        set { returnAddressColumn = JSONColumn(newValue) }
    }
    @Field(key: "created_at") var createdAt: Date
    /// Set while the position waits, with its submission, for a colleague's approval.
    @OptionalField(key: "approval_id") var approvalID: Int?

    init() {}
}

/// A short-lived key that lets a phone upload files for one registration without logging in.
final class UploadToken: Model, @unchecked Sendable {
    static let schema = "upload_tokens"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "user_id") var userID: Int
    @Field(key: "company_id") var companyID: Int
    @Field(key: "line_id") var lineID: Int
    @Field(key: "expires_at") var expiresAt: Date
    /// The cart position the form became; files sent later are added to it.
    @OptionalField(key: "position_id") var positionID: Int?

    init() {}
}

extension CartPosition {
    /// Whether goods go back to the distributor for this position, so that a return address matters.
    var goodsTravel: Bool { Lifecycle.expectsGoods(reason, fields: fields) }
}
