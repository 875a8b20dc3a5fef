import Fluent
import Foundation
import RetourCore
import Vapor

/// Keeping the files of one form (the registration form, the phone page, a message, the API) as a
/// use case: each file is judged by its bytes, kept under its content address, and counted against
/// the user's daily quota in the distributor's day.
struct StoreUploads {
    var userID: Int
    var companyID: Int?
    /// The phone link the files came through, if any.
    var uploadToken: String? = nil
    var now: Date
    var timeZone: TimeZone
    var bytesPerDay: Int
    var fileStore: any FileStore

    /// What became of the files of one form.
    struct StoredFiles {
        var attachments: [Attachment] = []
        /// One per refused file, so that the form can show them and keep what was stored.
        var errors: [FieldError] = []
        /// Whether a file was refused because the user's daily quota was used up.
        var overQuota = false
    }

    init(
        userID: Int, companyID: Int?, uploadToken: String? = nil, now: Date, timeZone: TimeZone, bytesPerDay: Int,
        fileStore: any FileStore
    ) {
        self.userID = userID
        self.companyID = companyID
        self.uploadToken = uploadToken
        self.now = now
        self.timeZone = timeZone
        self.bytesPerDay = bytesPerDay
        self.fileStore = fileStore
    }

    /// Stores the streamed files, within the daily quota; those stored join the cart position
    /// `positionID` when the form is in the cart already (a phone link used late).
    func run(_ files: [StreamedFile], joining positionID: Int? = nil, on db: any Database) async throws -> StoredFiles {
        var result = StoredFiles()
        var used = try await uploadedToday(on: db)
        for file in files {
            guard used + file.size <= bytesPerDay else {
                try? FileManager.default.removeItem(atPath: file.temporaryPath)
                let megabytes = bytesPerDay / (1024 * 1024)
                result.overQuota = true
                result.errors.append(
                    FieldError(
                        "attachments",
                        message: Message(
                            "app.registration.youHaveUploadedMbOfFiles",
                            ["filename": "\(file.filename)", "megabytes": "\(megabytes)"])))
                continue
            }
            do {
                result.attachments.append(try await store(file, on: db))
                used += file.size
            } catch let problem as Refusal {
                result.errors += problem.errors.map {
                    FieldError(
                        field: "attachments",
                        message: Message(
                            "app.registration.fileProblem",
                            ["file": "\(file.filename)", "problem": .message($0.message)]))
                }
            }
        }
        if let positionID, !result.attachments.isEmpty {
            let ids = result.attachments.compactMap(\.id)
            try await db.writeTransaction { db in
                try await db.lockForUpdate("cart_positions", ids: [positionID])
                guard let position = try await CartPosition.find(positionID, on: db) else { return }
                position.attachments += ids
                try await position.save(on: db)
            }
        }
        return result
    }

    /// Checks and stores one streamed file; 415 when it is not an accepted type. The file is moved
    /// into place by a rename, so a crash never leaves a half-written file under a content address.
    private func store(_ file: StreamedFile, on db: any Database) async throws -> Attachment {
        defer { try? FileManager.default.removeItem(atPath: file.temporaryPath) }
        guard file.size > 0, let kind = try Self.detect(file.temporaryPath) else {
            throw Refusal(
                .unsupportedType, detail: Message("app.registration.acceptedFileTypesDocDocxPdf"),
                errors: [FieldError("file", message: Message("app.registration.thisFileIsNotADoc"))])
        }
        try await fileStore.put(temporaryFile: file.temporaryPath, digest: file.sha256, now: now, on: db)
        let attachment = Attachment()
        attachment.id = UUID().uuidString.lowercased()
        attachment.companyID = companyID
        attachment.userID = userID
        attachment.uploadToken = uploadToken
        attachment.sha256 = file.sha256
        attachment.filename = AttachmentStore.cleanName(file.filename, kind: kind)
        attachment.size = file.size
        attachment.contentType = kind.contentType
        attachment.isImage = kind.isImage
        attachment.createdAt = now
        try await attachment.create(on: db)
        return attachment
    }

    /// The kind of the file at `path`, judged by its bytes. The file is mapped, not read, so a
    /// 20 MB container costs no 20 MB of memory.
    private static func detect(_ path: String) throws -> FileKind? {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        return data.withUnsafeBytes { FileKind.detect(Array($0.bindMemory(to: UInt8.self))) }
    }

    /// Bytes uploaded by the user since the start of the day, for the daily quota.
    private func uploadedToday(on db: any Database) async throws -> Int {
        // The distributor's day, not the server's: the quota starts again at its midnight.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let since = calendar.startOfDay(for: now)
        let files = try await Attachment.query(on: db).filter(\.$userID == userID).filter(\.$createdAt >= since)
            .all(\.$size)
        return files.reduce(0, +)
    }
}
