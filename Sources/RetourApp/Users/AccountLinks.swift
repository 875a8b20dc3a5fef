import Fluent
import Foundation
import RetourCore
import SQLKit
import Vapor

/// A one-time link sent by e-mail: an invitation to choose a first password, or a way back in after
/// a forgotten one. The token is 256 random bits, shown only in the mail and kept only as its
/// SHA-256; it ends at its time, at its first use, and when a newer link of the same kind is sent.
final class AccountLink: Model, @unchecked Sendable {
    static let schema = "account_links"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "user_id") var userID: Int
    @Field(key: "purpose") var purpose: AccountLinkPurpose
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}

/// Sending and redeeming the links, as use cases over the database (no web framework).
enum AccountLinks {
    /// A new link of `purpose` for `user`, mailed through the outbox in the caller's transaction;
    /// older unused links of the same kind end. Returns the token (for the tests; nothing else shows it).
    @discardableResult
    static func send(
        _ purpose: AccountLinkPurpose, to user: User, baseURL: String, texts: Translations, now: Date,
        on db: any Database
    ) async throws -> String {
        let userID = try user.requireID()
        try await AccountLink.query(on: db).filter(\.$userID == userID).filter(\.$purpose == purpose)
            .filter(\.$usedAt == nil).set(\.$usedAt, to: now).update()
        let token = randomToken(bytes: 32)
        let link = AccountLink()
        link.userID = userID
        link.purpose = purpose
        link.tokenHash = Tokens.hash(token)
        link.createdAt = now
        link.expiresAt = now.addingTimeInterval(TimeInterval(purpose.lifetimeSeconds))
        try await link.create(on: db)
        let address = baseURL + PageRoute.passwordReset.path(token)
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
            address, "",
            texts(keys.validity),
            texts("mail.account.notYou"),
        ].joined(separator: "\n")
        try await OutboxMail(recipient: user.email, subject: texts[keys.subject], body: body, now: now)
            .create(on: db)
        return token
    }

    /// The unused, unexpired link with `token`, and its user (active).
    static func find(_ token: String, now: Date, on db: any Database) async throws -> (AccountLink, User)? {
        guard token.count <= 100,
            let link = try await AccountLink.query(on: db).filter(\.$tokenHash == Tokens.hash(token)).first(),
            link.usedAt == nil, link.expiresAt > now,
            let user = try await User.find(link.userID, on: db), user.active
        else { return nil }
        return (link, user)
    }

    enum Redeemed {
        case done(User)
        case invalid([FieldError])
        case gone
    }

    /// Sets the password the link's reader chose: the link is used up, every session and bearer
    /// token of the user ends (a stolen session does not outlive a reset). One transaction, the
    /// link locked, so a link clicked twice at once sets one password.
    static func redeem(
        _ token: String, password: String, now: Date, hashPassword: @Sendable (String) async throws -> String,
        on db: any Database
    ) async throws -> Redeemed {
        let problems = PasswordPolicy.problems(with: password)
        guard problems.isEmpty else { return .invalid(problems) }
        let hash = try await hashPassword(password)
        return try await db.writeTransaction { db in
            guard let (link, user) = try await find(token, now: now, on: db) else { return .gone }
            try await db.lockForUpdate(AccountLink.schema, ids: [try link.requireID()])
            guard let fresh = try await AccountLink.find(link.id, on: db), fresh.usedAt == nil else { return .gone }
            fresh.usedAt = now
            try await fresh.save(on: db)
            user.passwordHash = hash
            try await user.save(on: db)
            try await SessionsOfUser.endAll(userID: try user.requireID(), on: db)
            try await AuditEvent(
                at: now, actorID: user.id, action: "password.\(link.purpose.rawValue)", subject: "user \(user.id ?? 0)",
                detail: "by e-mail link"
            ).create(on: db)
            return .done(user)
        }
    }

    /// Whether `user` still waits for an invitation to be used: never signed in, no password of
    /// their own, and no unexpired invitation on its way.
    static func needsInvitation(_ user: User, now: Date, on db: any Database) async throws -> Bool {
        guard user.signedInAt == nil, user.passwordHash == unusablePassword else { return false }
        let pending = try await AccountLink.query(on: db).filter(\.$userID == user.requireID())
            .filter(\.$purpose == .invitation).filter(\.$usedAt == nil).filter(\.$expiresAt > now).count()
        return pending == 0
    }

    /// What a login without a password of its own has instead of a bcrypt hash: nothing matches it.
    static let unusablePassword = "!invited"

    /// The language of the mails to `user`: their own, else their company's country's.
    static func texts(for user: User, catalog: TranslationCatalog, on db: any Database) async throws -> Translations {
        if let own = user.language.flatMap(Language.init(rawValue:)) { return catalog[own] }
        let company = try await user.$company.get(on: db)
        return catalog[company?.country == "GB" || company?.country == "IE" ? .en : .nl]
    }
}

/// Invitations for logins without a password: by the import, by `retour invite`, and from `/users`.
enum Invitations {
    /// What the import calls with the e-mails it named without a password.
    static func sender(_ app: Application) -> @Sendable ([String], any Database) async throws -> Void {
        let catalog = app.translationCatalog
        let baseURL = app.baseURL
        let clock = app.clock
        return { emails, db in
            for email in emails {
                guard let user = try await User.query(on: db).filter(\.$email == email).first(), user.active,
                    try await AccountLinks.needsInvitation(user, now: clock.now, on: db)
                else { continue }
                let texts = try await AccountLinks.texts(for: user, catalog: catalog, on: db)
                try await AccountLinks.send(
                    .invitation, to: user, baseURL: baseURL, texts: texts, now: clock.now, on: db)
            }
        }
    }

    /// A new invitation for `user`, whatever came before (`retour invite`, "send again" on `/users`).
    static func resend(to user: User, app: Application, on db: any Database) async throws {
        let texts = try await AccountLinks.texts(for: user, catalog: app.translationCatalog, on: db)
        try await AccountLinks.send(
            .invitation, to: user, baseURL: app.baseURL, texts: texts, now: app.clock.now, on: db)
    }
}

/// `retour invite --email E`: sends a new invitation e-mail (through the outbox).
struct InviteCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The login to invite")
        var email: String?
    }

    var help: String { "Sends a new invitation e-mail with a link to choose a password: invite --email E" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let email = signature.email?.trimmingWhitespace().lowercased(), !email.isEmpty else {
            context.console.error("Name the login: invite --email E")
            throw ExitCode(2)
        }
        let app = context.application
        try await migrateGuarded(app)
        guard let user = try await User.query(on: app.db).filter(\.$email == email).first(), user.active else {
            context.console.error("No active login with e-mail \(email).")
            throw ExitCode(1)
        }
        try await Invitations.resend(to: user, app: app, on: app.db)
        context.console.print("An invitation to \(email) waits in the outbox; the worker sends it.")
    }
}
