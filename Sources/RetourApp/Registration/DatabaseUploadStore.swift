import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The files and attachment rows behind `StoreUploads`.
struct DatabaseUploadStore: UploadStore {
    let database: any Database
    let fileStore: any FileStore

    func bytesUploaded(byUser id: Int, since: Date) async throws -> Int {
        try await Attachment.query(on: database).filter(\.$userID == id).filter(\.$createdAt >= since).all(\.$size)
            .reduce(0, +)
    }

    /// The file is mapped, not read, so a 20 MB container costs no 20 MB of memory.
    func kind(of file: ArrivedFile) throws -> FileKind? {
        let data = try Data(contentsOf: URL(fileURLWithPath: file.temporaryPath), options: .alwaysMapped)
        return data.withUnsafeBytes { FileKind.detect(Array($0.bindMemory(to: UInt8.self))) }
    }

    /// The file is moved into place by a rename, so a crash never leaves a half-written file under
    /// a content address.
    func keep(_ file: ArrivedFile, kind: FileKind, for owner: FileOwner, at now: Date) async throws -> KeptFile {
        try await fileStore.put(temporaryFile: file.temporaryPath, digest: file.sha256, now: now, on: database)
        let attachment = Attachment()
        attachment.id = UUID().uuidString.lowercased()
        attachment.companyID = owner.companyID
        attachment.userID = owner.userID
        attachment.uploadToken = owner.uploadToken
        attachment.sha256 = file.sha256
        attachment.filename = AttachmentStore.cleanName(file.filename, kind: kind)
        attachment.size = file.size
        attachment.contentType = kind.contentType
        attachment.isImage = kind.isImage
        attachment.createdAt = now
        try await attachment.create(on: database)
        return KeptFile(
            id: try attachment.requireID(), filename: attachment.filename, size: attachment.size,
            contentType: attachment.contentType, isImage: attachment.isImage)
    }

    func discard(_ file: ArrivedFile) { try? FileManager.default.removeItem(atPath: file.temporaryPath) }

    func join(_ files: [String], toPosition id: Int) async throws {
        try await database.writeTransaction { db in
            try await db.lockForUpdate(CartPosition.schema, ids: [id])
            guard let position = try await CartPosition.find(id, on: db) else { return }
            position.attachments += files
            try await position.save(on: db)
        }
    }
}

extension StreamedFile {
    var arrived: ArrivedFile {
        ArrivedFile(filename: filename, size: size, sha256: sha256, temporaryPath: temporaryPath)
    }
}

extension [StreamedFile] {
    var arrived: [ArrivedFile] { map(\.arrived) }
}
