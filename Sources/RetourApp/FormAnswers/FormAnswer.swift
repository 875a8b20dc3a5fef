import Fluent
import Foundation

/// The page a form was answered with, kept between the form's POST and the browser's GET of the
/// address it was sent on to (`FormAnswerMiddleware`). Its bytes are sealed with a key made from a
/// cookie of the browser that sent the form, which is never stored: the row alone shows nothing.
final class FormAnswer: Model, @unchecked Sendable {
    static let schema = "form_answers"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    /// SHA-256 of the one-time token in the address.
    @Field(key: "token_hash") var tokenHash: String
    /// SHA-256 of the browser's answer cookie: how many answers one browser may have waiting.
    @Field(key: "browser_hash") var browserHash: String
    @Field(key: "status") var status: Int
    /// AES-GCM's nonce, ciphertext and tag of the page.
    @Field(key: "sealed") var sealed: Data
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
