import Foundation
import Vapor

/// Where attachments live, by the SHA-256 of their content: one copy per content, however often it
/// is uploaded. Local disk now; the scale-out step adds a store every host reaches.
protocol FileStore: Sendable {
    /// Takes a finished temporary file in under `digest`; a file already stored there is kept.
    func put(temporaryFile path: String, digest: String) throws
    /// A response streaming the file stored under `digest`.
    func stream(_ digest: String, for request: Request) async throws -> Response
    /// The digests of files last written before `date`.
    func digests(writtenBefore date: Date) throws -> [String]
    func remove(_ digest: String) throws
}

/// Files under `root/<first two hex digits>/<digest>`, moved in by a rename so that a crash never
/// leaves a half-written file under a content address.
struct LocalFileStore: FileStore {
    let root: String

    private func path(_ digest: String) -> String { root + "/" + digest.prefix(2) + "/" + digest }

    func put(temporaryFile: String, digest: String) throws {
        let target = path(digest)
        guard !FileManager.default.fileExists(atPath: target) else { return }
        try FileManager.default.createDirectory(
            atPath: root + "/" + digest.prefix(2), withIntermediateDirectories: true)
        if rename(temporaryFile, target) != 0 && !FileManager.default.fileExists(atPath: target) {
            throw Abort(.internalServerError, reason: "cannot store \(target)")
        }
    }

    func stream(_ digest: String, for request: Request) async throws -> Response {
        try await request.fileio.asyncStreamFile(at: path(digest))
    }

    func digests(writtenBefore date: Date) throws -> [String] {
        let manager = FileManager.default
        var found: [String] = []
        for folder in (try? manager.contentsOfDirectory(atPath: root)) ?? [] where folder.count == 2 {
            for name in (try? manager.contentsOfDirectory(atPath: root + "/" + folder)) ?? [] where name.count == 64 {
                let modified = try? manager.attributesOfItem(atPath: path(name))[.modificationDate] as? Date
                if (modified ?? date) < date { found.append(name) }
            }
        }
        return found
    }

    func remove(_ digest: String) throws {
        try? FileManager.default.removeItem(atPath: path(digest))
    }
}

extension Application {
    private struct FileStoreKey: StorageKey {
        typealias Value = any FileStore
    }

    /// The attachment store; local disk under `RETOUR_FILES` unless a test or a deployment set one.
    var fileStore: any FileStore {
        get {
            storage[FileStoreKey.self] ?? LocalFileStore(root: config.filesDirectory)
        }
        set { storage[FileStoreKey.self] = newValue }
    }
}
