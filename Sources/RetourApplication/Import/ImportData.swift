import Foundation
import RetourCore

/// Importing a document: every record upserted by its natural key, all in one transaction,
/// nothing stored when any record is invalid.
public struct ImportData: Sendable {
    public var store: any ImportStore
    /// bcrypt, slow on purpose: called before the transaction, for changed passwords only.
    public var hashPassword: @Sendable (String) async throws -> String
    /// Called as invoice lines are written.
    public var progress: (@Sendable (ImportProgress) -> Void)?
    /// The document came with an API key, not from an administrator signed in: it may make and
    /// change reseller logins only, never the distributor's agents and administrators.
    public var resellerUsersOnly: Bool

    public init(
        store: any ImportStore, hashPassword: @escaping @Sendable (String) async throws -> String,
        progress: (@Sendable (ImportProgress) -> Void)? = nil, resellerUsersOnly: Bool = false
    ) {
        self.store = store
        self.hashPassword = hashPassword
        self.progress = progress
        self.resellerUsersOnly = resellerUsersOnly
    }

    /// Invoices decoded, checked and written at a time: what the import holds in memory.
    public static let invoicesPerChunk = 500
    /// A document with more errors than this is answered with the first ones only.
    public static let errorLimit = 10_000

    public enum Failure: Error {
        case malformed
        case invalid([ImportError])
        /// What an API key may not import (`resellerUsersOnly`).
        case beyondTheKey([ImportError])
    }

    private static let invoiceSections: Set<String> = ["invoices", "documents"]

    /// Reads, checks and stores one document a record at a time, so that memory stays bounded
    /// whatever its size. Two passes over its bytes: the master data (companies, users, brands,
    /// articles) first, then the invoices, checked and written a chunk at a time. All or nothing:
    /// one transaction, rolled back when any record is wrong, and every error is reported with its
    /// JSON pointer as if the document had been read whole.
    public func run(_ source: ImportSource) async throws -> ImportCounts {
        // Pass 1: every section but the invoices, which are skipped over.
        var sections: [String: JSONValue] = [:]
        var invoiceNames: [String] = []
        do {
            var reader = JSONSectionReader(nextChunk: try source.open())
            while let name = try reader.nextSection() {
                if Self.invoiceSections.contains(name), try reader.sectionIsArray() {
                    invoiceNames.append(name)
                    _ = try reader.sectionValue(keep: false)
                    // Stands in for the records, so that the parser still sees which sections exist.
                    sections[name] = .array([])
                } else {
                    // Inside an array: a section whose value is a bare string or number is a JSON
                    // fragment, which the decoder does not take on its own.
                    let value = try Self.array([UInt8(ascii: "[")] + reader.sectionValue() + [UInt8(ascii: "]")])
                    sections[name] = value.first ?? .null
                }
            }
        } catch is JSONSectionReader.Malformed {
            throw Failure.malformed
        }
        var parser = ImportParser()
        let master = parser.parse(.object(sections))
        var errors = parser.errors
        errors += try await Self.unresolved(parser.takeReferences(), existing: store.existing)
        if resellerUsersOnly {
            let beyond = try await usersBeyondAKey(master.users)
            if !beyond.isEmpty { throw Failure.beyondTheKey(beyond) }
        }
        let defined: [ImportReference.Kind: Set<String>] = [
            .company: Set(master.companies.map(\.number)), .article: Set(master.articles.map(\.number)),
        ]
        let passwords = errors.isEmpty ? try await passwords(of: master.users) : NewPasswords()
        let known = errors
        // Both "invoices" and "documents" is an error the parser reported already.
        let invoiceSection = invoiceNames.count == 1 ? invoiceNames.first : nil
        let progress = progress

        let (counts, loadedInBulk) = try await store.transaction { work in
            var errors = known
            let before = try await work.logins(of: master.users.map(\.email))
            var counts = ImportCounts()
            if errors.isEmpty { counts = try await work.write(master, passwords: passwords, newLines: false) }

            // Pass 2: the invoices, a chunk at a time.
            let bulkLoad = invoiceSection != nil && errors.isEmpty ? try await work.startBulkLoadIfEmpty() : false
            if let invoiceSection {
                var reader = JSONSectionReader(nextChunk: try source.open())
                var seen: Set<String> = []
                var index = 0
                var parser = ImportParser()
                // A chunk is written while the next one is read and checked: on two cores the
                // database's work and the parsing overlap. One write at a time, so the transaction's
                // connection is never used by two statements at once.
                var writing: Task<ImportCounts, any Error>?
                func finishWriting() async throws {
                    guard let task = writing else { return }
                    writing = nil
                    let written = try await task.value
                    counts.invoices += written.invoices
                    counts.lines += written.lines
                    counts.serials += written.serials
                    progress?(ImportProgress(lines: counts.lines, bytesRead: reader.bytesRead, totalBytes: source.size))
                }
                func flush(_ chunk: [[UInt8]]) async throws {
                    guard !chunk.isEmpty, errors.count < Self.errorLimit else { return }
                    var joined: [UInt8] = [UInt8(ascii: "[")]
                    for (position, record) in chunk.enumerated() {
                        if position > 0 { joined.append(UInt8(ascii: ",")) }
                        joined += record
                    }
                    joined.append(UInt8(ascii: "]"))
                    let values = try Self.array(joined)
                    let invoices = parser.parseInvoices(values, section: invoiceSection, firstIndex: index, seen: &seen)
                    index += values.count
                    errors += parser.errors
                    let references = parser.takeReferences().filter { defined[$0.kind]?.contains($0.key) != true }
                    parser = ImportParser()
                    try await finishWriting()
                    errors += try await Self.unresolved(references, existing: work.existing)
                    guard errors.isEmpty else { return }
                    var batch = ImportBatch()
                    batch.invoices = invoices
                    writing = Task { try await work.write(batch, passwords: NewPasswords(), newLines: bulkLoad) }
                }
                do {
                    while let name = try reader.nextSection() {
                        guard name == invoiceSection else {
                            _ = try reader.sectionValue(keep: false)
                            continue
                        }
                        var chunk: [[UInt8]] = []
                        while let record = try reader.nextRecord() {
                            chunk.append(record)
                            if chunk.count == Self.invoicesPerChunk {
                                try await flush(chunk)
                                chunk = []
                            }
                        }
                        try await flush(chunk)
                    }
                    try await finishWriting()
                } catch {
                    // The transaction ends with this error: let a write under way finish first.
                    _ = try? await writing?.value
                    if error is JSONSectionReader.Malformed { throw Failure.malformed }
                    throw error
                }
            }
            guard errors.isEmpty else { throw Failure.invalid(Array(errors.prefix(Self.errorLimit))) }
            if bulkLoad { try await work.finishBulkLoad() }
            try await Self.endSessionsOfChangedLogins(before, passwords: passwords, work: work)
            try await work.invite(master.users.filter { $0.password == nil }.map(\.email))
            return (counts, bulkLoad)
        }
        try await store.refreshStatistics(afterBulkLoad: loadedInBulk)
        return counts
    }

    /// Stores an already checked batch (the demo data uses this directly).
    public func store(_ batch: ImportBatch) async throws -> ImportCounts {
        let passwords = try await passwords(of: batch.users)
        return try await store.transaction { work in
            let before = try await work.logins(of: batch.users.map(\.email))
            let counts = try await work.write(batch, passwords: passwords, newLines: false)
            try await Self.endSessionsOfChangedLogins(before, passwords: passwords, work: work)
            try await work.invite(batch.users.filter { $0.password == nil }.map(\.email))
            return counts
        }
    }

    /// The values of a JSON array, read by the import's own reader (`JSONDecoder` reached a
    /// `JSONValue` only by trying every type in turn, which held the import to a few MB/s).
    private static func array(_ bytes: [UInt8]) throws -> [JSONValue] {
        guard case .array(let values)? = try? JSONValueParser.parse(bytes) else { throw Failure.malformed }
        return values
    }

    /// The passwords the document changes: for each login whose password is new or differs from the
    /// one last imported, its bcrypt hash and the keyed fingerprint that tells it apart next time
    /// (before any transaction: hashing is slow on purpose). A password sent again unchanged — an
    /// ERP that sends every user every night — costs one HMAC, not a bcrypt, and changes nothing.
    private func passwords(of users: [UserRecord]) async throws -> NewPasswords {
        let given = users.filter { $0.password != nil }
        guard !given.isEmpty else { return NewPasswords() }
        let fingerprint = try await store.fingerprinter()
        let known = fingerprint == nil ? [:] : try await store.passwordFingerprints(of: given.map(\.email))
        var changed = NewPasswords()
        for user in given {
            guard let password = user.password else { continue }
            let print = fingerprint?(password)
            if let print, known[user.email] == print { continue }
            changed.hashes[user.email] = try await hashPassword(password)
            if let print { changed.fingerprints[user.email] = print }
        }
        return changed
    }

    /// A login whose role, company, `active` or password the ERP changed signs in again: sessions
    /// and tokens made under the old rights end. A login imported unchanged keeps them all.
    private static func endSessionsOfChangedLogins(
        _ before: [String: LoginStanding], passwords: NewPasswords, work: any ImportWork
    ) async throws {
        let after = try await work.logins(of: Array(before.keys))
        for (email, old) in before where after[email] != old || passwords.hashes[email] != nil {
            try await work.endSessions(ofLogin: old.id)
        }
    }

    private static func unresolved(
        _ references: [ImportReference],
        existing: (ImportReference.Kind, [String]) async throws -> Set<String>
    ) async throws -> [ImportError] {
        guard !references.isEmpty else { return [] }
        var known: [ImportReference.Kind: Set<String>] = [:]
        for kind in [ImportReference.Kind.company, .brand, .article] {
            known[kind] = try await existing(kind, Array(Set(references.filter { $0.kind == kind }.map(\.key))))
        }
        return ImportParser.missing(references) { kind, key in known[kind]?.contains(key) == true }
    }

    /// Users an API key may not import: any role of the distributor's, and any existing login of
    /// the distributor's (whose password or role it would set).
    private func usersBeyondAKey(_ users: [UserRecord]) async throws -> [ImportError] {
        let staff = try await store.staff(among: users.map(\.email))
        return users.compactMap { user in
            if !user.role.belongsToCompany {
                return ImportError(
                    pointer: user.pointer.appending("role"), message: Message("app.import.keyMakesResellersOnly"))
            }
            if staff.contains(user.email) {
                return ImportError(pointer: user.pointer, message: Message("app.import.keyMakesResellersOnly"))
            }
            return nil
        }
    }
}
