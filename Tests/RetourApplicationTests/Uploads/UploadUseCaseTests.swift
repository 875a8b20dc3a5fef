import Foundation
import RetourApplication
import RetourCore
import Testing

/// Files as plain values: their "bytes" are a kind named in the path, kept files and positions are
/// lists, and every temporary file removed is written down.
actor InMemoryUploadStore: UploadStore {
    struct Upload: Sendable {
        var userID: Int
        var at: Date
        var size: Int
    }

    var uploads: [Upload] = []
    var kept: [(owner: FileOwner, file: KeptFile)] = []
    var positions: [Int: [String]] = [:]
    private let removed = Removed()

    final class Removed: @unchecked Sendable {
        private let lock = NSLock()
        private var paths: [String] = []
        func add(_ path: String) { lock.withLock { paths.append(path) } }
        var all: [String] { lock.withLock { paths } }
    }

    var discarded: [String] { removed.all }

    func add(_ upload: Upload) { uploads.append(upload) }
    func addPosition(_ id: Int) { positions[id] = [] }

    func bytesUploaded(byUser id: Int, since: Date) async throws -> Int {
        uploads.filter { $0.userID == id && $0.at >= since }.map(\.size).reduce(0, +)
    }

    nonisolated func kind(of file: ArrivedFile) throws -> FileKind? {
        FileKind(rawValue: String(file.temporaryPath.split(separator: ".").last ?? ""))
    }

    func keep(_ file: ArrivedFile, kind: FileKind, for owner: FileOwner, at: Date) async throws -> KeptFile {
        let kept = KeptFile(
            id: "file-\(self.kept.count + 1)", filename: file.filename, size: file.size, contentType: kind.contentType,
            isImage: kind == .jpeg || kind == .png)
        self.kept.append((owner, kept))
        uploads.append(Upload(userID: owner.userID, at: at, size: file.size))
        return kept
    }

    nonisolated func discard(_ file: ArrivedFile) { removed.add(file.temporaryPath) }

    func join(_ files: [String], toPosition id: Int) async throws { positions[id]?.append(contentsOf: files) }
}

/// The files of one form: judged by their bytes, counted against the daily quota in the
/// distributor's day, none left behind on disk.
@Suite struct UploadUseCaseTests {
    static let megabyte = 1024 * 1024
    /// 2026-03-16 00:30 in Amsterdam: the distributor's day began half an hour ago, the server's
    /// (UTC) day at 23:30 the evening before.
    static let now = Date(timeIntervalSince1970: 1_773_617_400)
    static let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!

    static func file(_ name: String, megabytes: Int, kind: String) -> ArrivedFile {
        ArrivedFile(filename: name, size: megabytes * megabyte, sha256: name, temporaryPath: "/tmp/\(name).\(kind)")
    }

    static func uploads(_ store: InMemoryUploadStore, token: String? = nil) -> StoreUploads {
        StoreUploads(
            owner: FileOwner(userID: 1, companyID: 7, uploadToken: token), store: store, now: now,
            timeZone: amsterdam, bytesPerDay: 10 * megabyte)
    }

    @Test func aFileIsJudgedByItsBytesAndEveryTemporaryFileIsRemoved() async throws {
        let store = InMemoryUploadStore()
        let files = [
            Self.file("foto", megabytes: 1, kind: "jpeg"), Self.file("virus", megabytes: 1, kind: "exe"),
            Self.file("leeg", megabytes: 0, kind: "pdf"),
        ]
        let result = try await Self.uploads(store, token: "phone").run(files)
        #expect(result.files.map(\.filename) == ["foto"])
        #expect(result.files.first?.isImage == true)
        #expect(result.errors.count == 2 && result.errors.allSatisfy { $0.field == "attachments" })
        #expect(!result.overQuota)
        #expect(await store.kept.first?.owner == FileOwner(userID: 1, companyID: 7, uploadToken: "phone"))
        #expect(Set(await store.discarded) == Set(files.map(\.temporaryPath)))
    }

    @Test func theQuotaCountsTheDistributorsDayAndRefusesOnlyWhatPassesIt() async throws {
        let store = InMemoryUploadStore()
        // Yesterday evening by the server's clock, today in Amsterdam: it counts.
        await store.add(.init(userID: 1, at: Self.now.addingTimeInterval(-20 * 60), size: 6 * Self.megabyte))
        // Before midnight in Amsterdam: yesterday's quota.
        await store.add(.init(userID: 1, at: Self.now.addingTimeInterval(-40 * 60), size: 9 * Self.megabyte))
        // Another user's files are theirs.
        await store.add(.init(userID: 2, at: Self.now, size: 9 * Self.megabyte))
        let result = try await Self.uploads(store).run([
            Self.file("a", megabytes: 3, kind: "pdf"), Self.file("b", megabytes: 2, kind: "pdf"),
            Self.file("c", megabytes: 1, kind: "pdf"),
        ])
        #expect(result.files.map(\.filename) == ["a", "c"], "6 + 3 = 9; b would pass 10; c fits")
        #expect(result.overQuota)
        #expect(result.errors.map(\.field) == ["attachments"])
    }

    @Test func filesSentLateJoinTheirPositionInTheCart() async throws {
        let store = InMemoryUploadStore()
        await store.addPosition(5)
        let result = try await Self.uploads(store).run(
            [Self.file("a", megabytes: 1, kind: "png"), Self.file("b", megabytes: 1, kind: "txt")], joining: 5)
        #expect(await store.positions[5] == result.files.map(\.id))
        #expect(result.files.count == 1)
        _ = try await Self.uploads(store).run([Self.file("c", megabytes: 1, kind: "txt")], joining: 5)
        #expect(await store.positions[5]?.count == 1, "nothing kept, nothing joined")
    }
}
