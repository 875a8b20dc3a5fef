import Fluent
import Foundation
import RetourCore

/// What the cart, the registration form and the phone's upload page read: positions, the files of
/// a phone link, the line a form is about.
struct CartQueries {
    let database: any Database

    func position(_ id: Int) async throws -> CartPosition? { try await CartPosition.find(id, on: database) }

    /// A user's cart, in the order it was filled: their positions that do not wait for a
    /// colleague's approval.
    func cart(of userID: Int) async throws -> [CartPosition] { try await inCart(of: userID).sort(\.$id).all() }

    func cartCount(of userID: Int) async throws -> Int { try await inCart(of: userID).count() }

    private func inCart(of userID: Int) -> QueryBuilder<CartPosition> {
        CartPosition.query(on: database).filter(\.$userID == userID).filter(\.$approvalID == nil)
    }

    /// A position of `userID` still in the cart (not held for approval); nil for anyone else's.
    func ownPosition(_ id: Int, of userID: Int?) async throws -> CartPosition? {
        guard let position = try await position(id), position.userID == userID, position.approvalID == nil else {
            return nil
        }
        return position
    }

    /// An invoice line with its article.
    func line(_ id: Int) async throws -> (line: InvoiceLine?, article: Article?) {
        try await RequestQueries.line(id, on: database)
    }

    /// The serial numbers delivered on a line, in the order they were delivered.
    func serials(ofLine id: Int) async throws -> [String] {
        try await SerialNumber.query(on: database).filter(\.$line.$id == id).sort(\.$id).all().map(\.number)
    }

    /// The files of `ids` that belong to `companyID`, in that order.
    func attachments(_ ids: [String], of companyID: Int?) async throws -> [Attachment] {
        try await RequestQueries.attachments(ids, on: database).filter { $0.companyID == companyID }
    }

    func uploadLink(_ token: String) async throws -> UploadToken? {
        try await UploadToken.query(on: database).filter(\.$tokenHash == Tokens.hash(token)).first()
    }

    /// The files sent through the phone link of `tokenHash` (only `userID`'s, when given), oldest first.
    func phoneUploads(_ tokenHash: String, by userID: Int? = nil) async throws -> [Attachment] {
        let query = Attachment.query(on: database).filter(\.$uploadToken == tokenHash)
        if let userID { query.filter(\.$userID == userID) }
        return try await query.sort(\.$createdAt).all()
    }

    func phoneUploadCount(_ tokenHash: String) async throws -> Int {
        try await Attachment.query(on: database).filter(\.$uploadToken == tokenHash).count()
    }
}
