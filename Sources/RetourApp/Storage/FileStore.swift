import Fluent
import Foundation
import Vapor

/// Where attachments live, by the SHA-256 of their content: one copy per content, however often it
/// is uploaded. On local disk with the embedded SQLite; in PostgreSQL when `DATABASE_URL` is set, so
/// that every host of a cluster reaches every file.
protocol FileStore: Sendable {
    /// Takes a finished temporary file in under `digest`; a file already stored there is kept and
    /// counts as written `now` (so that the clean-up does not take it while a new upload names it).
    func put(temporaryFile path: String, digest: String, now: Date, on db: any Database) async throws
    /// A response streaming the file stored under `digest`.
    func stream(_ digest: String, for request: Request) async throws -> Response
    /// The digests of files last written before `date`.
    func digests(writtenBefore date: Date, on db: any Database) async throws -> [String]
    /// Removes the file under `digest` unless it was written again at or after `date`.
    func remove(_ digest: String, writtenBefore date: Date, on db: any Database) async throws
}

/// Files under `root/<first two hex digits>/<digest>`, moved in by a rename so that a crash never
/// leaves a half-written file under a content address.
struct LocalFileStore: FileStore {
    let root: String

    func path(_ digest: String) -> String { root + "/" + digest.prefix(2) + "/" + digest }

    func put(temporaryFile: String, digest: String, now: Date, on db: any Database) async throws {
        let target = path(digest)
        if FileManager.default.fileExists(atPath: target) {
            try? FileManager.default.setAttributes([.modificationDate: now], ofItemAtPath: target)
            return
        }
        try FileManager.default.createDirectory(
            atPath: root + "/" + digest.prefix(2), withIntermediateDirectories: true)
        if rename(temporaryFile, target) != 0 && !FileManager.default.fileExists(atPath: target) {
            throw Abort(.internalServerError, reason: "cannot store \(target)")
        }
    }

    func stream(_ digest: String, for request: Request) async throws -> Response {
        try await request.fileio.asyncStreamFile(at: path(digest))
    }

    func digests(writtenBefore date: Date, on db: any Database) async throws -> [String] {
        let manager = FileManager.default
        var found: [String] = []
        for folder in (try? manager.contentsOfDirectory(atPath: root)) ?? [] where folder.count == 2 {
            for name in (try? manager.contentsOfDirectory(atPath: root + "/" + folder)) ?? [] where name.count == 64 {
                if (modified(name) ?? date) < date { found.append(name) }
            }
        }
        return found
    }

    func remove(_ digest: String, writtenBefore date: Date, on db: any Database) async throws {
        guard (modified(digest) ?? date) < date else { return }
        try? FileManager.default.removeItem(atPath: path(digest))
    }

    func modified(_ digest: String) -> Date? {
        try? FileManager.default.attributesOfItem(atPath: path(digest))[.modificationDate] as? Date
    }
}

extension Application {
    private struct FileStoreKey: StorageKey {
        typealias Value = any FileStore
    }

    /// The attachment store: PostgreSQL when the application runs on it (every `serve` process of a
    /// cluster reaches the same files), local disk under `RETOUR_FILES` with SQLite; a test may set one.
    var fileStore: any FileStore {
        get {
            if let chosen = storage[FileStoreKey.self] { return chosen }
            return config.databaseURL != nil ? DatabaseFileStore() : LocalFileStore(root: config.filesDirectory)
        }
        set { storage[FileStoreKey.self] = newValue }
    }
}
