import Foundation
import RetourCore

/// What an import needs from storage; its implementation is the only code that writes the
/// master data and the invoice history.
public protocol ImportStore: Sendable {
    /// Runs `work` in one write transaction: nothing it wrote is kept if it throws.
    func transaction<T: Sendable>(_ work: @escaping @Sendable (any ImportWork) async throws -> T) async throws -> T
    /// Which of `keys` of `kind` are stored.
    func existing(_ kind: ImportReference.Kind, among keys: [String]) async throws -> Set<String>
    /// The logins of the distributor's staff among `emails`.
    func staff(among emails: [String]) async throws -> Set<String>
    /// The keyed fingerprint of a password, which tells a password sent again from a new one without
    /// keeping it; nil where the installation has no key yet (a schema from before fingerprints).
    func fingerprinter() async throws -> (@Sendable (String) -> String)?
    /// The fingerprints of the passwords last imported for `emails`.
    func passwordFingerprints(of emails: [String]) async throws -> [String: String]
    /// Gathers the planner's statistics again after an import (`afterBulkLoad`: into an empty history).
    func refreshStatistics(afterBulkLoad: Bool) async throws
}

/// The steps of an import inside its transaction.
public protocol ImportWork: Sendable {
    func existing(_ kind: ImportReference.Kind, among keys: [String]) async throws -> Set<String>
    /// What an import may change of each login of `emails` that exists.
    func logins(of emails: [String]) async throws -> [String: LoginStanding]
    /// Upserts `batch` by natural keys. `newLines`: its lines are all new (a bulk load into an empty
    /// history). Called once at a time: the next call waits for this one.
    func write(_ batch: ImportBatch, passwords: NewPasswords, newLines: Bool) async throws -> ImportCounts
    /// Prepares a load into an empty history (its indexes are built once at the end); false when
    /// the history is not empty.
    func startBulkLoadIfEmpty() async throws -> Bool
    func finishBulkLoad() async throws
    /// Ends the login's sessions and tokens.
    func endSessions(ofLogin id: Int) async throws
    /// Invites the logins of `emails` that never signed in and have no invitation on its way.
    func invite(_ emails: [String]) async throws
}

/// A login's role, company and whether it may sign in: what, changed by an import, ends its sessions.
public struct LoginStanding: Sendable, Hashable {
    public var id: Int
    /// As stored: compared before and after, never interpreted (an older schema may hold others).
    public var role: String
    public var companyID: Int?
    public var active: Bool

    public init(id: Int, role: String, companyID: Int?, active: Bool) {
        self.id = id
        self.role = role
        self.companyID = companyID
        self.active = active
    }
}

/// The passwords an import changes, by e-mail: bcrypt hashes and the fingerprints of what was sent.
public struct NewPasswords: Sendable {
    public var hashes: [String: String] = [:]
    public var fingerprints: [String: String] = [:]

    public init() {}
}

/// Where an import document's bytes come from, readable more than once (the import reads it twice).
public struct ImportSource: Sendable {
    /// The document's size in bytes, when known (for progress).
    public let size: Int?
    public let open: @Sendable () throws -> () throws -> [UInt8]?

    public static let chunkSize = 1 << 20

    public init(size: Int?, open: @escaping @Sendable () throws -> () throws -> [UInt8]?) {
        self.size = size
        self.open = open
    }

    public static func data(_ data: Data) -> ImportSource {
        ImportSource(size: data.count) {
            var offset = data.startIndex
            return {
                guard offset < data.endIndex else { return nil }
                let end = min(offset + chunkSize, data.endIndex)
                defer { offset = end }
                return [UInt8](data[offset..<end])
            }
        }
    }

    public static func file(_ path: String) -> ImportSource {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        return ImportSource(size: size) {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
            return {
                guard let data = try handle.read(upToCount: chunkSize), !data.isEmpty else {
                    try? handle.close()
                    return nil
                }
                return [UInt8](data)
            }
        }
    }
}

/// How far an import is: lines stored, and bytes of the document read.
public struct ImportProgress: Sendable {
    public var lines: Int
    public var bytesRead: Int
    public var totalBytes: Int?
}
