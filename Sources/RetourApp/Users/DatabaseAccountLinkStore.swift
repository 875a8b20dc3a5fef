import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The links, logins and outbox behind `AccountLinks`: the only code that reads or writes links.
struct DatabaseAccountLinkStore: AccountLinkStore {
    let database: any Database
    let mails: AccountLinkMails

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any AccountLinkWork) async throws -> T) async throws
        -> T
    {
        try await database.writeTransaction { db in try await work(Work(db: db, mails: mails)) }
    }

    /// The steps on a database already inside a transaction (the import's).
    static func work(on db: any Database, mails: AccountLinkMails) -> any AccountLinkWork { Work(db: db, mails: mails) }

    private struct Work: AccountLinkWork {
        let db: any Database
        let mails: AccountLinkMails

        func login(id: Int) async throws -> Login? { try await User.find(id, on: db)?.login }

        func login(email: String) async throws -> Login? {
            try await User.query(on: db).filter(\.$email == email).first()?.login
        }

        func hasOwnPassword(login id: Int) async throws -> Bool {
            try await User.find(id, on: db).map { $0.passwordHash != AccountLinks.unusablePassword } ?? false
        }

        func endUnusedLinks(of login: Int, purpose: AccountLinkPurpose, at: Date) async throws {
            try await AccountLink.query(on: db).filter(\.$userID == login).filter(\.$purpose == purpose)
                .filter(\.$usedAt == nil).set(\.$usedAt, to: at).update()
        }

        func addLink(token: String, login: Int, purpose: AccountLinkPurpose, createdAt: Date, expiresAt: Date)
            async throws
        {
            let link = AccountLink()
            link.userID = login
            link.purpose = purpose
            link.tokenHash = Tokens.hash(token)
            link.createdAt = createdAt
            link.expiresAt = expiresAt
            try await link.create(on: db)
        }

        func link(token: String, locking: Bool) async throws -> StoredAccountLink? {
            guard let found = try await AccountLink.query(on: db).filter(\.$tokenHash == Tokens.hash(token)).first()
            else { return nil }
            guard locking else { return try found.stored }
            let id = try found.requireID()
            try await db.lockForUpdate(AccountLink.schema, ids: [id])
            return try await AccountLink.find(id, on: db)?.stored
        }

        func hasPendingInvitation(login id: Int, now: Date) async throws -> Bool {
            try await AccountLink.query(on: db).filter(\.$userID == id).filter(\.$purpose == .invitation)
                .filter(\.$usedAt == nil).filter(\.$expiresAt > now).count() > 0
        }

        func markUsed(link id: Int, at: Date) async throws {
            try await AccountLink.query(on: db).filter(\.$id == id).set(\.$usedAt, to: at).update()
        }

        func setPasswordHash(ofLogin id: Int, to hash: String) async throws {
            try await User.query(on: db).filter(\.$id == id).set(\.$passwordHash, to: hash).update()
        }

        func endSessions(ofLogin id: Int) async throws {
            try await DatabaseSessionStore(database: db).endAll(userID: id)
        }

        func audit(_ entry: AuditEntry) async throws { try await AuditEvent(entry).create(on: db) }

        func mailLink(_ purpose: AccountLinkPurpose, token: String, to login: Login, at: Date) async throws {
            guard let user = try await User.find(login.id, on: db) else { throw Refusal.notFound() }
            try await mails.mail(purpose, token: token, to: user, at: at, on: db).create(on: db)
        }
    }
}

/// The mail that carries a link, in the language of its reader.
struct AccountLinkMails: Sendable {
    let catalog: TranslationCatalog
    /// Where people reach this portal (`Request.baseURL`).
    let baseURL: String

    func mail(_ purpose: AccountLinkPurpose, token: String, to user: User, at now: Date, on db: any Database)
        async throws -> OutboxMail
    {
        let texts = try await Self.texts(for: user, catalog: catalog, on: db)
        let keys =
            purpose == .invitation
            ? (
                subject: "mail.invitation.subject", greeting: "mail.invitation.greeting", text: "mail.invitation.text",
                validity: "mail.invitation.validity"
            )
            : (
                subject: "mail.reset.subject", greeting: "mail.reset.greeting", text: "mail.reset.text",
                validity: "mail.reset.validity"
            )
        let body = [
            texts(keys.greeting, ["name": user.name]), "",
            texts(keys.text), "",
            baseURL + PageRoute.passwordReset.path(token), "",
            texts(keys.validity),
            texts("mail.account.notYou"),
        ].joined(separator: "\n")
        return OutboxMail(recipient: user.email, subject: texts[keys.subject], body: body, now: now)
    }

    /// The link use cases on `db`, at `now`, their mails worded here.
    func links(on db: any Database, now: Date) -> AccountLinks {
        AccountLinks(
            store: DatabaseAccountLinkStore(database: db, mails: self), now: now, makeToken: { randomToken(bytes: 32) })
    }

    /// The language of the mails to `user`: their own, else their company's country's.
    static func texts(for user: User, catalog: TranslationCatalog, on db: any Database) async throws -> Translations {
        if let own = user.language { return catalog[own] }
        let company = try await user.$company.get(on: db)
        return catalog[company?.country == "GB" || company?.country == "IE" ? .en : .nl]
    }
}

extension AccountLink {
    fileprivate var stored: StoredAccountLink {
        get throws {
            StoredAccountLink(
                id: try requireID(), loginID: userID, purpose: purpose, expiresAt: expiresAt, usedAt: usedAt)
        }
    }
}

extension Application {
    /// The link use cases on this installation's database, at `now`.
    func accountLinks(now: Date) -> AccountLinks { accountLinkMails.links(on: db, now: now) }

    var accountLinkMails: AccountLinkMails { AccountLinkMails(catalog: translationCatalog, baseURL: baseURL) }

    /// What the import calls with the e-mails it named without a password: invitations, in the
    /// import's own transaction.
    func invitationSender() -> @Sendable ([String], any Database) async throws -> Void {
        let mails = accountLinkMails
        let clock = clock
        return { emails, db in
            try await mails.links(on: db, now: clock.now)
                .inviteWaiting(emails, in: DatabaseAccountLinkStore.work(on: db, mails: mails))
        }
    }
}

extension Request {
    /// The link use cases at this request's time, links in mails to `baseURL`.
    var accountLinks: AccountLinks {
        AccountLinkMails(catalog: application.translationCatalog, baseURL: baseURL).links(on: db, now: now)
    }
}
