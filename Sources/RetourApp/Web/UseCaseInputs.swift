import Foundation
import RetourApplication
import RetourCore
import Vapor

/// What the use cases take from a web request, in one place: the clock's reading, the reader's
/// language and texts, the settings and ports. The use cases themselves never see a `Request`.
extension Request {
    /// The actor, time and texts of a lifecycle action by `user`.
    func actionContext(for user: User) -> RequestActions.Context {
        RequestActions.Context(
            actor: user.role.belongsToCompany ? .reseller : .agent, actorID: user.id, now: now, today: today,
            config: config, texts: application.translationCatalog, baseURL: baseURL)
    }

    func submitCart(user: User, idempotencyKey: String?) -> SubmitCart {
        SubmitCart(
            user: user, idempotencyKey: idempotencyKey, now: now, today: today, language: language,
            texts: application.translationCatalog, config: config, baseURL: baseURL)
    }

    /// Storing the files `user` sends for `companyID`.
    func storeUploads(user: User, companyID: Int?) throws -> StoreUploads {
        StoreUploads(
            owner: FileOwner(userID: try user.requireID(), companyID: companyID),
            store: DatabaseUploadStore(database: db, fileStore: application.fileStore), now: now,
            timeZone: config.timeZone, bytesPerDay: config.uploadBytesPerUserDay)
    }
}
