import Foundation
import RetourApplication
import RetourCore
import Vapor

/// What the use cases take from a web request, in one place: the clock's reading, the reader's
/// language and texts, the settings and ports. The use cases themselves never see a `Request`.
extension Request {
    /// The lifecycle's steps taken by `user`.
    func requestSteps(for user: User) -> RequestSteps {
        RequestSteps(store: requestStore, actor: actor(user), actorID: user.id, now: now, today: today)
    }

    private var requestStore: DatabaseRequestStore {
        DatabaseRequestStore(database: db, config: config, texts: application.translationCatalog, baseURL: baseURL)
    }

    private func actor(_ user: User) -> Actor { user.role.belongsToCompany ? .reseller : .agent }

    /// Storing the files `user` sends for `companyID`.
    func storeUploads(user: User, companyID: Int?) throws -> StoreUploads {
        StoreUploads(
            owner: FileOwner(userID: try user.requireID(), companyID: companyID),
            store: DatabaseUploadStore(database: db, fileStore: application.fileStore), now: now,
            timeZone: config.timeZone, bytesPerDay: config.uploadBytesPerUserDay)
    }
}
