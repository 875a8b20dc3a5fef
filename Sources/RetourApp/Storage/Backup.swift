import Crypto
import Fluent
import Foundation
import SQLKit
import SQLiteKit
import SQLiteNIO
import Vapor

/// `retour backup FILE` and `retour restore FILE` (contract "Data that lasts"): one tar archive with
/// the database, every file it names and a manifest (schema, row counts per table, SHA-256 of
/// every file). The database copy and the file list come from one snapshot — SQLite's `VACUUM INTO`,
/// or PostgreSQL's exported snapshot shared by `pg_dump` and the reads of the files — so a backup
/// taken while resellers submit is consistent. Files are content-addressed and never rewritten.
enum Backup {
    struct Manifest: Codable, Equatable {
        struct File: Codable, Equatable {
            var path: String
            var sha256: String
            var bytes: Int
        }

        var format = 1
        /// `sqlite` or `postgresql`.
        var database: String
        /// The migrations the database had, in order.
        var schema: [String]
        var installation: String
        var rows: [String: Int]
        /// The database copy first, then every stored file.
        var files: [File]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static let manifestName = "manifest.json"
    static let sqliteName = "database.sqlite"
    static let dumpName = "database.dump"

    /// Writes the archive to `path` (by way of a temporary name, so a half-written one never looks
    /// like a backup); returns its manifest.
    @discardableResult
    static func create(_ app: Application, to path: String) async throws -> Manifest {
        let staging = try temporaryDirectory("backup")
        defer { try? FileManager.default.removeItem(atPath: staging) }
        try FileManager.default.createDirectory(atPath: staging + "/files", withIntermediateDirectories: true)
        let installation = try await Installation.current(app).id
        let manifest: Manifest
        if app.config.databaseURL == nil {
            manifest = try await sqliteSnapshot(app, into: staging, installation: installation)
        } else {
            manifest = try await postgresSnapshot(app, into: staging, installation: installation)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: staging + "/" + manifestName))
        let partial = path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        try await run("/bin/tar", ["-cf", partial, "-C", staging, "."])
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: partial, toPath: path)
        return manifest
    }

    private static func sqliteSnapshot(_ app: Application, into staging: String, installation: String) async throws
        -> Manifest
    {
        let copy = staging + "/" + sqliteName
        try await app.db.sql.raw("VACUUM INTO \(bind: copy)").run()
        // Everything else is read from the copy: the snapshot, not the live database.
        let connection = try await SQLiteConnection.open(storage: .file(path: copy), logger: app.logger)
        defer { Task { try? await connection.close() } }
        let sql = connection.sql()
        let tables = try await sql.raw(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).all().map { try $0.decode(column: "name", as: String.self) }
        let rows = try await rowCounts(tables.filter { $0 != "_fluent_migrations" }, sql)
        let schema = try await migrations(sql)
        let digests = try await sql.raw("SELECT DISTINCT sha256 FROM attachments ORDER BY sha256").all()
            .map { try $0.decode(column: "sha256", as: String.self) }
        var files = [try describe(copy, as: sqliteName)]
        let store = LocalFileStore(root: app.config.filesDirectory)
        for digest in digests {
            let target = staging + "/files/" + digest
            guard (try? FileManager.default.copyItem(atPath: store.path(digest), toPath: target)) != nil else {
                app.logger.warning("backup: file \(digest) is named but missing from the store; left out")
                continue
            }
            files.append(try describe(target, as: "files/" + digest, expecting: digest))
        }
        return Manifest(
            database: "sqlite", schema: schema, installation: installation, rows: rows, files: files)
    }

    private static func postgresSnapshot(_ app: Application, into staging: String, installation: String) async throws
        -> Manifest
    {
        guard let url = app.config.databaseURL else { throw Failure("no DATABASE_URL") }
        return try await app.db.transaction { db in
            let sql = db.sql
            try await sql.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").run()
            let snapshot = try await sql.raw("SELECT pg_export_snapshot() AS id").first()?.decode(
                column: "id", as: String.self)
            guard let snapshot else { throw Failure("PostgreSQL exported no snapshot") }
            let dump = staging + "/" + dumpName
            try await run(
                "/usr/bin/pg_dump", ["--format=custom", "--no-owner", "--snapshot=\(snapshot)", "--file=\(dump)"],
                environment: try libpqEnvironment(url))
            let tables = try await sql.raw(
                """
                SELECT table_name AS name FROM information_schema.tables
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name
                """
            ).all().map { try $0.decode(column: "name", as: String.self) }
            let rows = try await rowCounts(tables.filter { $0 != "_fluent_migrations" }, sql)
            let schema = try await migrations(sql)
            var files = [try describe(dump, as: dumpName)]
            let digests = try await sql.raw("SELECT digest, size FROM stored_files ORDER BY digest").all()
            for row in digests {
                let digest = try row.decode(column: "digest", as: String.self)
                let size = try row.decode(column: "size", as: Int.self)
                let target = staging + "/files/" + digest
                FileManager.default.createFile(atPath: target, contents: nil)
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: target))
                defer { try? handle.close() }
                for part in 0..<((size + DatabaseFileStore.partBytes - 1) / DatabaseFileStore.partBytes) {
                    struct Part: Decodable { var bytes: Data }
                    guard
                        let bytes = try await sql.raw(
                            "SELECT bytes FROM stored_file_parts WHERE digest = \(bind: digest) AND part = \(bind: part)"
                        ).first(decoding: Part.self)?.bytes
                    else { throw Failure("part \(part) of file \(digest) is missing from the database") }
                    try handle.write(contentsOf: bytes)
                }
                try handle.close()
                files.append(try describe(target, as: "files/" + digest, expecting: digest))
            }
            return Manifest(
                database: "postgresql", schema: schema, installation: installation, rows: rows, files: files)
        }
    }

    /// Restores the archive at `path` into this application's database and files directory, which
    /// must both be empty; every checksum is checked first. Returns the manifest (its row counts
    /// are those of the restored database).
    static func restore(_ app: Application, from path: String) async throws -> Manifest {
        let staging = try temporaryDirectory("restore")
        defer { try? FileManager.default.removeItem(atPath: staging) }
        guard FileManager.default.fileExists(atPath: path) else { throw Failure("\(path) does not exist") }
        do {
            try await run("/bin/tar", ["-xf", path, "-C", staging, "--no-same-owner", "--no-same-permissions"])
        } catch {
            throw Failure("\(path) is not a Retour backup (not a tar archive)")
        }
        guard let data = FileManager.default.contents(atPath: staging + "/" + manifestName),
            let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
        else { throw Failure("\(path) holds no readable \(manifestName)") }
        for file in manifest.files {
            guard !file.path.contains(".."), !file.path.hasPrefix("/") else {
                throw Failure("the archive names a file outside it: \(file.path)")
            }
            let local = staging + "/" + file.path
            guard let digest = sha256(ofFile: local) else { throw Failure("\(file.path) is missing from the archive") }
            guard digest == file.sha256 else { throw Failure("\(file.path) is damaged: its SHA-256 does not match") }
        }
        let sqlite = app.config.databaseURL == nil
        guard manifest.database == (sqlite ? "sqlite" : "postgresql") else {
            throw Failure(
                "this is a backup of a \(manifest.database) installation; restore it with "
                    + (manifest.database == "sqlite" ? "DATABASE_URL unset" : "DATABASE_URL set"))
        }
        guard FileRoot.storedDigests(in: app.config.filesDirectory).isEmpty,
            !FileManager.default.fileExists(atPath: app.config.filesDirectory + "/installations")
        else { throw Failure("the files directory \(app.config.filesDirectory) is not empty") }
        if sqlite {
            try await restoreSQLite(app, from: staging + "/" + sqliteName)
        } else {
            guard try await tableCount(app.db.sql) == 0 else {
                throw Failure("the database is not empty; restore into an empty one")
            }
            try await run(
                "/usr/bin/pg_restore",
                ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", staging + "/" + dumpName],
                environment: try libpqEnvironment(app.config.databaseURL ?? ""), databaseArgument: true)
        }
        // The counts as restored, before newer migrations of this release add to them.
        let sql = app.db.sql
        let restored = try await rowCounts(Array(manifest.rows.keys).sorted(), sql)
        guard restored == manifest.rows else {
            throw Failure("the restored database does not hold the rows the manifest counts")
        }
        try await migrateGuarded(app)
        let store = app.fileStore
        for file in manifest.files where file.path.hasPrefix("files/") {
            let digest = String(file.path.dropFirst("files/".count))
            try await store.put(
                temporaryFile: staging + "/" + file.path, digest: digest, now: app.clock.now, on: app.db)
        }
        return manifest
    }

    private static func restoreSQLite(_ app: Application, from copy: String) async throws {
        let target = app.config.sqlitePath
        guard target != ":memory:" else { throw Failure("set RETOUR_SQLITE to the file to restore into") }
        if FileManager.default.fileExists(atPath: target) {
            // Looked at through a connection of its own: the application's pool must first open the
            // restored file, never an older one.
            let connection = try await SQLiteConnection.open(storage: .file(path: target), logger: app.logger)
            let tables = try await tableCount(connection.sql())
            try await connection.close()
            guard tables == 0 else { throw Failure("the database \(target) is not empty; restore into an empty one") }
            try FileManager.default.removeItem(atPath: target)
        }
        let directory = (target as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: copy, toPath: target)
    }

    private static func tableCount(_ sql: any SQLDatabase) async throws -> Int {
        let query: SQLQueryString =
            sql.dialect.name == "sqlite"
            ? "SELECT COUNT(*) AS total FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT COUNT(*) AS total FROM information_schema.tables WHERE table_schema = current_schema()"
        return try await sql.raw(query).first()?.decode(column: "total", as: Int.self) ?? 0
    }

    private static func rowCounts(_ tables: [String], _ sql: any SQLDatabase) async throws -> [String: Int] {
        var rows: [String: Int] = [:]
        for table in tables {
            rows[table] = try await sql.raw("SELECT COUNT(*) AS total FROM \(ident: table)").first()?.decode(
                column: "total", as: Int.self)
        }
        return rows
    }

    private static func migrations(_ sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw("SELECT name FROM _fluent_migrations ORDER BY batch, created_at, name").all().map {
            try $0.decode(column: "name", as: String.self)
        }
    }

    private static func describe(_ local: String, as path: String, expecting digest: String? = nil) throws
        -> Manifest.File
    {
        guard let sha = sha256(ofFile: local) else { throw Failure("cannot read \(local)") }
        if let digest, sha != digest {
            throw Failure("the stored file \(digest) is damaged: its content does not match")
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: local)[.size] as? Int) ?? 0
        return Manifest.File(path: path, sha256: sha, bytes: bytes)
    }

    static func sha256(ofFile path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    private static func temporaryDirectory(_ purpose: String) throws -> String {
        let path = NSTemporaryDirectory() + "retour-\(purpose)-" + UUID().uuidString.lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The connection as libpq's environment: the password never appears on a command line.
    static func libpqEnvironment(_ url: String) throws -> [String: String] {
        guard let parts = URLComponents(string: url), let host = parts.host else {
            throw Failure("DATABASE_URL is not a postgres:// address")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PGHOST"] = host
        environment["PGPORT"] = String(parts.port ?? 5432)
        if let user = parts.user { environment["PGUSER"] = user.removingPercentEncoding ?? user }
        if let password = parts.password { environment["PGPASSWORD"] = password.removingPercentEncoding ?? password }
        environment["PGDATABASE"] = String(parts.path.dropFirst())
        for item in parts.queryItems ?? [] where item.name == "sslmode" { environment["PGSSLMODE"] = item.value }
        return environment
    }

    /// Runs a program to its end; its error output names the failure.
    private static func run(
        _ program: String, _ arguments: [String], environment: [String: String]? = nil, databaseArgument: Bool = false
    ) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        var arguments = arguments
        if databaseArgument, let database = environment?["PGDATABASE"] {
            arguments.insert("--dbname=\(database)", at: 0)
        }
        process.arguments = arguments
        if let environment { process.environment = environment }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure("\((program as NSString).lastPathComponent) failed: \(message.prefix(500))")
        }
    }
}

/// `retour backup FILE` and `retour restore FILE`.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "The archive to write or read")
        var file: String
    }

    let restoring: Bool

    var help: String {
        restoring
            ? "Restores a backup into an empty database and files directory, checking every checksum: restore FILE"
            : "Writes one archive with the database, every stored file and a manifest, while serving: backup FILE"
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        do {
            if restoring {
                let manifest = try await Backup.restore(app, from: signature.file)
                context.console.print("Restored \(signature.file) (installation \(manifest.installation)):")
                for (table, count) in manifest.rows.sorted(by: { $0.key < $1.key }) where count > 0 {
                    context.console.print("  \(table): \(count)")
                }
                context.console.print("  files: \(manifest.files.count - 1), every checksum checked")
            } else {
                try await migrateGuarded(app)
                let manifest = try await Backup.create(app, to: signature.file)
                context.console.print(
                    "Wrote \(signature.file): the \(manifest.database) database, \(manifest.files.count - 1) file(s), "
                        + "\(manifest.rows.values.reduce(0, +)) row(s).")
            }
        } catch let failure as Backup.Failure {
            context.console.error(failure.description)
            throw ExitCode(1)
        }
    }
}
