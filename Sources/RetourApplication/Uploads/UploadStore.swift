import Foundation
import RetourCore

/// A file as it arrived with a form, in a temporary file of its own.
public struct ArrivedFile: Sendable, Hashable {
    public var filename: String
    public var size: Int
    /// SHA-256 of its bytes, hex: where it is kept.
    public var sha256: String
    public var temporaryPath: String

    public init(filename: String, size: Int, sha256: String, temporaryPath: String) {
        self.filename = filename
        self.size = size
        self.sha256 = sha256
        self.temporaryPath = temporaryPath
    }
}

/// A file kept for a form, as the form and the API show it.
public struct KeptFile: Sendable, Hashable {
    public var id: String
    public var filename: String
    public var size: Int
    public var contentType: String
    public var isImage: Bool

    public init(id: String, filename: String, size: Int, contentType: String, isImage: Bool) {
        self.id = id
        self.filename = filename
        self.size = size
        self.contentType = contentType
        self.isImage = isImage
    }
}

/// Who a kept file belongs to.
public struct FileOwner: Sendable, Hashable {
    public var userID: Int
    public var companyID: Int?
    /// The phone link (its hash) the file came through, if any.
    public var uploadToken: String?

    public init(userID: Int, companyID: Int?, uploadToken: String? = nil) {
        self.userID = userID
        self.companyID = companyID
        self.uploadToken = uploadToken
    }
}

/// What keeping uploads needs from storage and the disk; its implementation is the only code that
/// writes the files and their rows.
public protocol UploadStore: Sendable {
    /// Bytes the user uploaded from `since` on.
    func bytesUploaded(byUser id: Int, since: Date) async throws -> Int
    /// The kind of the file judged by its bytes; nil when it is none of the accepted kinds.
    func kind(of file: ArrivedFile) throws -> FileKind?
    /// Keeps the file under its content address and records it for `owner`.
    func keep(_ file: ArrivedFile, kind: FileKind, for owner: FileOwner, at: Date) async throws -> KeptFile
    /// Removes the file's temporary copy (kept or refused, it is not needed any more).
    func discard(_ file: ArrivedFile)
    /// Adds the files to the cart position `id`, its row locked; nothing when it is gone.
    func join(_ files: [String], toPosition id: Int) async throws
}
