import Crypto
import Fluent
import Foundation

/// The only code that reads and writes `form_answers`.
struct FormAnswerStore {
    /// An answer not fetched within this time is gone: the address then shows the page afresh.
    static let lifetimeSeconds: TimeInterval = 15 * 60
    /// A browser that sends forms faster than it follows the redirects keeps only its newest answers.
    static let keptPerBrowser = 10

    let database: any Database

    /// Keeps `page` for the browser holding `browserKey`, under a new one-time token, which it returns.
    func keep(page: [UInt8], status: Int, browserKey: String, now: Date) async throws -> String {
        let token = randomToken(bytes: 24)
        let answer = FormAnswer()
        answer.tokenHash = Tokens.hash(token)
        answer.browserHash = Tokens.hash(browserKey)
        answer.status = status
        answer.sealed = try AES.GCM.seal(page, using: Self.key(browserKey, token)).combined ?? Data()
        answer.createdAt = now
        try await answer.create(on: database)
        let newestOfTheOlder = try await FormAnswer.query(on: database).filter(\.$browserHash == answer.browserHash)
            .sort(\.$id, .descending).offset(Self.keptPerBrowser).limit(1).all(\.$id)
        if let newest = newestOfTheOlder.first {
            try await FormAnswer.query(on: database).filter(\.$browserHash == answer.browserHash)
                .filter(\.$id <= newest).delete()
        }
        return token
    }

    /// The page kept under `token` for this browser, once: it is deleted as it is read. Nothing for
    /// another browser, an unknown or spent token, or an answer past its lifetime.
    func take(token: String, browserKey: String, now: Date) async throws -> (status: Int, page: Data)? {
        guard let answer = try await FormAnswer.query(on: database).filter(\.$tokenHash == Tokens.hash(token)).first()
        else { return nil }
        guard answer.browserHash == Tokens.hash(browserKey) else { return nil }
        try await answer.delete(on: database)
        guard now.timeIntervalSince(answer.createdAt) < Self.lifetimeSeconds,
            let box = try? AES.GCM.SealedBox(combined: answer.sealed),
            let page = try? AES.GCM.open(box, using: Self.key(browserKey, token))
        else { return nil }
        return (answer.status, page)
    }

    /// Forgets answers past their lifetime; run by the worker's housekeeping.
    @discardableResult
    func prune(now: Date) async throws -> Int {
        try await DatabaseHousekeepingStore.deleted(
            FormAnswer.query(on: database).filter(\.$createdAt < now.addingTimeInterval(-Self.lifetimeSeconds)))
    }

    /// Neither half alone opens a page: the token travels in the address, the key in a cookie.
    private static func key(_ browserKey: String, _ token: String) -> SymmetricKey {
        SymmetricKey(data: SHA256.hash(data: Data((browserKey + "\u{0}" + token).utf8)))
    }
}
