import Foundation

/// What a person's export and erasure need from storage.
public protocol PersonalDataStore: Sendable {
    func person(email: String) async throws -> StoredPerson?
    /// Every stored fact about the person, as JSON.
    func facts(of person: StoredPerson) async throws -> Data
    /// Runs `work` in one transaction, the person's row locked.
    func erasing<T: Sendable>(
        _ person: StoredPerson, _ work: @escaping @Sendable (any PersonalDataErasure) async throws -> T
    )
        async throws -> T
}

/// The writes of one erasure, inside its transaction.
public protocol PersonalDataErasure: Sendable {
    /// Ends every session and token of the login and revokes its API keys.
    func endAccess(at: Date) async throws
    /// Takes the login out of use under the placeholder name and address.
    func retire(name: String, email: String) async throws
    /// Replaces `needle` in every text the database holds outside the login's own row; returns how
    /// many texts held it.
    func replaceEverywhere(_ needle: String, with replacement: String) async throws -> Int
    func audit(_ entry: AuditEntry) async throws
}

public struct StoredPerson: Sendable, Hashable {
    public var id: Int
    public var name: String
    public var email: String

    public init(id: Int, name: String, email: String) {
        self.id = id
        self.name = name
        self.email = email
    }
}
