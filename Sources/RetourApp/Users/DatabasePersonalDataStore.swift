import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit

/// A person's stored facts and their erasure (`PersonalData`): the one code that reads every table
/// for a person and rewrites every text column.
struct DatabasePersonalDataStore: PersonalDataStore {
    let database: any Database

    func person(email: String) async throws -> StoredPerson? {
        try await User.query(on: database).filter(\.$email == email).first().map {
            StoredPerson(id: try $0.requireID(), name: $0.name, email: $0.email)
        }
    }

    func facts(of person: StoredPerson) async throws -> Data {
        let db = database
        guard let user = try await User.find(person.id, on: db) else { throw Refusal.notFound() }
        let id = try user.requireID()
        let formatter = ISO8601DateFormatter()
        func day(_ date: Date?) -> Any { date.map { formatter.string(from: $0) } ?? NSNull() }
        var facts: [String: Any] = [
            "email": user.email, "name": user.name, "role": user.role.rawValue, "active": user.active,
            "language": user.language?.rawValue ?? NSNull(),
        ]
        if let company = try await user.$company.get(on: db) {
            facts["company"] = ["number": company.number, "name": company.name]
        }
        facts["sessions"] = try await WebSession.query(on: db).filter(\.$userID == id).all().map {
            ["createdAt": day($0.createdAt), "lastSeenAt": day($0.lastSeenAt)]
        }
        facts["tokens"] = try await APIToken.query(on: db).filter(\.$user.$id == id).all().map {
            ["createdAt": day($0.createdAt), "expiresAt": day($0.expiresAt)]
        }
        facts["apiKeys"] = try await APIKey.query(on: db).filter(\.$userID == id).all().map {
            [
                "name": $0.name, "prefix": $0.keyPrefix, "createdAt": day($0.createdAt),
                "revokedAt": day($0.revokedAt),
            ] as [String: Any]
        }
        facts["webhooks"] = try await Webhook.query(on: db).filter(\.$userID == id).all().map {
            ["url": $0.url, "createdAt": day($0.createdAt), "deletedAt": day($0.deletedAt)] as [String: Any]
        }
        let requests = try await ReturnRequest.query(on: db).filter(\.$userID == id).sort(\.$id).all()
        facts["requests"] = requests.map {
            [
                "number": $0.number, "reason": $0.reason.rawValue, "status": $0.status.rawValue,
                "submittedAt": day($0.submittedAt),
                "fields": (try? JSONSerialization.jsonObject(with: JSONEncoder().encode($0.fields))) ?? [:],
            ] as [String: Any]
        }
        let numbers = Dictionary(uniqueKeysWithValues: requests.compactMap { r in r.id.map { ($0, r.number) } })
        let events = try await RequestEvent.query(on: db).filter(\.$actorID == id).sort(\.$at).all()
        var numberOf = numbers
        for event in events where numberOf[event.requestID] == nil {
            numberOf[event.requestID] = try await ReturnRequest.find(event.requestID, on: db)?.number
        }
        facts["timeline"] = events.map {
            [
                "request": numberOf[$0.requestID] ?? "", "at": day($0.at), "action": $0.action,
                "message": $0.message ?? NSNull(),
            ] as [String: Any]
        }
        facts["cartPositions"] = try await CartPosition.query(on: db).filter(\.$userID == id).all().map {
            ["reason": $0.reason.rawValue, "quantity": $0.quantity, "createdAt": day($0.createdAt)] as [String: Any]
        }
        facts["attachments"] = try await Attachment.query(on: db).filter(\.$userID == id).all().map {
            ["filename": $0.filename, "size": $0.size, "createdAt": day($0.createdAt)] as [String: Any]
        }
        facts["mails"] = try await OutboxMail.query(on: db).filter(\.$recipient == user.email).sort(\.$id).all().map {
            ["subject": $0.subject, "status": $0.status.rawValue, "createdAt": day($0.createdAt)] as [String: Any]
        }
        facts["auditEvents"] = try await AuditEvent.query(on: db).filter(\.$actorID == id).sort(\.$at).all().map {
            ["at": day($0.at), "action": $0.action, "subject": $0.subject, "detail": $0.detail]
        }
        facts["failedLogins"] = try await LoginFailure.query(on: db).filter(\.$subject == "email:" + user.email)
            .count()
        return try JSONSerialization.data(withJSONObject: facts, options: [.prettyPrinted, .sortedKeys])
    }

    func erasing<T: Sendable>(
        _ person: StoredPerson, _ work: @escaping @Sendable (any PersonalDataErasure) async throws -> T
    )
        async throws -> T
    {
        try await database.writeTransaction { db in
            try await db.lockForUpdate(User.schema, ids: [person.id])
            return try await work(Erasure(db: db, id: person.id))
        }
    }

    struct Erasure: PersonalDataErasure {
        let db: any Database
        let id: Int

        func endAccess(at now: Date) async throws {
            try await DatabaseSessionStore(database: db).endAll(userID: id)
            try await APIKey.query(on: db).filter(\.$userID == id).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: now).update()
        }

        func retire(name: String, email: String) async throws {
            try await db.sql.update(User.schema).set("name", to: name).set("email", to: email)
                .set("password_hash", to: "-").set("password_fingerprint", to: SQLLiteral.null)
                .set("active", to: false).set("language", to: SQLLiteral.null).where("id", .equal, id).run()
        }

        func replaceEverywhere(_ needle: String, with replacement: String) async throws -> Int {
            let sql = db.sql
            var texts = 0
            for column in try await DatabasePersonalDataStore.textColumns(sql) where column.table != User.schema {
                texts += try await DatabasePersonalDataStore.replace(needle, with: replacement, in: column, on: sql)
            }
            return texts
        }

        func audit(_ entry: AuditEntry) async throws { try await AuditEvent(entry).create(on: db) }
    }

    struct Column {
        var table: String
        var name: String
        /// Stored as JSONB (PostgreSQL): replaced in its text form.
        var json: Bool
    }

    /// Every column that holds text in this database: found, not listed, so that a table added
    /// later is erased too.
    static func textColumns(_ sql: any SQLDatabase) async throws -> [Column] {
        if sql.dialect.name == "sqlite" {
            struct Table: Decodable { var name: String }
            struct Info: Decodable {
                var name: String
                var type: String
            }
            var columns: [Column] = []
            let tables = try await sql.raw(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_fluent_migrations'"
            ).all(decoding: Table.self)
            for table in tables {
                for info in try await sql.raw("PRAGMA table_info(\(ident: table.name))").all(decoding: Info.self) {
                    let type = info.type.uppercased()
                    if type.contains("TEXT") || type.contains("CHAR") || type.contains("JSON") || type.isEmpty {
                        columns.append(Column(table: table.name, name: info.name, json: false))
                    }
                }
            }
            return columns
        }
        struct Row: Decodable {
            var table_name: String
            var column_name: String
            var data_type: String
        }
        return try await sql.raw(
            """
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name <> '_fluent_migrations'
              AND data_type IN ('text', 'character varying', 'jsonb', 'json')
            """
        ).all(decoding: Row.self).map {
            Column(table: $0.table_name, name: $0.column_name, json: $0.data_type.hasPrefix("json"))
        }
    }

    /// Replaces `needle` in one column; returns how many rows held it.
    static func replace(_ needle: String, with replacement: String, in column: Column, on sql: any SQLDatabase)
        async throws -> Int
    {
        let table = SQLIdentifier(column.table)
        let name = SQLIdentifier(column.name)
        if sql.dialect.name == "sqlite" {
            return try await sql.raw(
                """
                UPDATE \(table) SET \(name) = REPLACE(\(name), \(bind: needle), \(bind: replacement))
                WHERE typeof(\(name)) = 'text' AND instr(\(name), \(bind: needle)) > 0 RETURNING 1 AS one
                """
            ).all().count
        }
        if column.json {
            return try await sql.raw(
                """
                UPDATE \(table) SET \(name) = CAST(REPLACE(CAST(\(name) AS TEXT), \(bind: needle), \(bind: replacement)) AS JSONB)
                WHERE strpos(CAST(\(name) AS TEXT), \(bind: needle)) > 0 RETURNING 1 AS one
                """
            ).all().count
        }
        return try await sql.raw(
            """
            UPDATE \(table) SET \(name) = REPLACE(\(name), \(bind: needle), \(bind: replacement))
            WHERE strpos(\(name), \(bind: needle)) > 0 RETURNING 1 AS one
            """
        ).all().count
    }
}
