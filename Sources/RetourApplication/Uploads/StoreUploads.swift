import Foundation
import RetourCore

/// Keeping the files of one form (the registration form, the phone page, a message, the API): each
/// file is judged by its bytes, kept under its content address, and counted against the user's
/// daily quota in the distributor's day.
public struct StoreUploads: Sendable {
    public var owner: FileOwner
    public var store: any UploadStore
    public var now: Date
    /// The distributor's time zone: the quota starts again at its midnight, not the server's.
    public var timeZone: TimeZone
    public var bytesPerDay: Int

    public init(owner: FileOwner, store: any UploadStore, now: Date, timeZone: TimeZone, bytesPerDay: Int) {
        self.owner = owner
        self.store = store
        self.now = now
        self.timeZone = timeZone
        self.bytesPerDay = bytesPerDay
    }

    /// What became of the files of one form.
    public struct StoredFiles: Sendable {
        public var files: [KeptFile] = []
        /// One per refused file, so that the form can show them and keep what was stored.
        public var errors: [FieldError] = []
        /// Whether a file was refused because the user's daily quota was used up.
        public var overQuota = false
    }

    /// Keeps the files within the daily quota; those kept join the cart position `positionID` when
    /// the form is in the cart already (a phone link used late). Every temporary file is removed.
    public func run(_ arrived: [ArrivedFile], joining positionID: Int? = nil) async throws -> StoredFiles {
        var result = StoredFiles()
        defer { arrived.forEach(store.discard) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var used = try await store.bytesUploaded(byUser: owner.userID, since: calendar.startOfDay(for: now))
        for file in arrived {
            guard used + file.size <= bytesPerDay else {
                result.overQuota = true
                result.errors.append(
                    FieldError(
                        "attachments",
                        message: Message(
                            "app.registration.youHaveUploadedMbOfFiles",
                            ["filename": "\(file.filename)", "megabytes": "\(bytesPerDay / (1024 * 1024))"])))
                continue
            }
            guard file.size > 0, let kind = try store.kind(of: file) else {
                result.errors.append(
                    FieldError(
                        field: "attachments",
                        message: Message(
                            "app.registration.fileProblem",
                            [
                                "file": "\(file.filename)",
                                "problem": .message(Message("app.registration.thisFileIsNotADoc")),
                            ])))
                continue
            }
            result.files.append(try await store.keep(file, kind: kind, for: owner, at: now))
            used += file.size
        }
        if let positionID, !result.files.isEmpty {
            try await store.join(result.files.map(\.id), toPosition: positionID)
        }
        return result
    }
}
