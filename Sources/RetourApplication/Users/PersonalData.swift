import Foundation

/// A person's right to see what is stored about them and to be forgotten (contract "Data that
/// lasts"): `retour export-user` and `retour erase-user`. Erasure takes the person's name and
/// e-mail out of every text the database holds — requests, messages, timelines, mails, logs — and
/// ends their sessions, tokens and keys; the requests, amounts and credit notes stay, since the
/// distributor must keep them.
public struct PersonalData: Sendable {
    public let store: any PersonalDataStore
    public let now: Date

    public init(store: any PersonalDataStore, now: Date) {
        self.store = store
        self.now = now
    }

    /// What erasure writes instead of the person's name and e-mail.
    public static func placeholders(for id: Int) -> (name: String, email: String) {
        ("Verwijderde gebruiker \(id)", "verwijderd-\(id)@retour.invalid")
    }

    /// A name shorter than this is replaced in the user's own record only: replacing "Al" in every
    /// text would garble other words.
    public static let shortestNameReplacedEverywhere = 4

    public enum Outcome: Equatable, Sendable {
        case erased(texts: Int)
        case notFound
    }

    /// Every stored fact about the person with `email`, as JSON; nil when there is no such person.
    public func export(email: String) async throws -> Data? {
        guard let person = try await store.person(email: email.lowercased()) else { return nil }
        return try await store.facts(of: person)
    }

    /// Erases the person with `email` in one transaction: the login cannot sign in again, every
    /// session, token and key ends, and their name and e-mail are replaced in every text column.
    public func erase(email: String) async throws -> Outcome {
        guard let person = try await store.person(email: email.lowercased()) else { return .notFound }
        let placeholder = Self.placeholders(for: person.id)
        var needles = [(person.email, placeholder.email)]
        if person.name.count >= Self.shortestNameReplacedEverywhere { needles.append((person.name, placeholder.name)) }
        let replacing = needles
        let now = now
        return try await store.erasing(person) { erasure in
            try await erasure.endAccess(at: now)
            try await erasure.retire(name: placeholder.name, email: placeholder.email)
            var texts = 0
            for (needle, replacement) in replacing {
                texts += try await erasure.replaceEverywhere(needle, with: replacement)
            }
            try await erasure.audit(
                AuditEntry(
                    at: now, actorID: nil, action: "user.erased", subject: "user \(person.id)",
                    detail: "retour erase-user"))
            return .erased(texts: texts)
        }
    }
}
