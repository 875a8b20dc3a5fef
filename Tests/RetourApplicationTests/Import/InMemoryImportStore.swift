import Foundation
import RetourApplication
import RetourCore

/// The master data and invoice history as plain values. A transaction works on a copy and keeps it
/// only when the work returns, like the database's.
actor InMemoryImportStore: ImportStore {
    struct Login: Sendable, Hashable {
        var standing: LoginStanding
        var passwordHash: String?
        var fingerprint: String?
    }

    struct State: Sendable {
        var companies: Set<String> = []
        var brands: Set<String> = []
        var articles: Set<String> = []
        var invoices: Set<String> = []
        var lines = 0
        var logins: [String: Login] = [:]
        var writes = 0
        var bulkLoads = 0
        var sessionsEnded: [Int] = []
        var invited: [String] = []
        var statisticsRefreshed: [Bool] = []
    }

    var state = State()

    func addLogin(_ email: String, id: Int, role: Role, company: Int?, password: String?) {
        state.logins[email] = Login(
            standing: LoginStanding(id: id, role: role.rawValue, companyID: company, active: true),
            passwordHash: password.map { "bcrypt(\($0))" }, fingerprint: password.map(Self.fingerprint))
    }

    static func fingerprint(_ password: String) -> String { "hmac(\(password))" }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any ImportWork) async throws -> T) async throws -> T {
        let draft = Draft(state: state)
        let result = try await work(draft)
        state = await draft.state
        return result
    }

    func existing(_ kind: ImportReference.Kind, among keys: [String]) async throws -> Set<String> {
        Draft.existing(kind, keys, in: state)
    }

    func staff(among emails: [String]) async throws -> Set<String> {
        Set(
            emails.filter {
                guard let role = state.logins[$0].flatMap({ Role(rawValue: $0.standing.role) }) else { return false }
                return !role.belongsToCompany
            })
    }

    func fingerprinter() async throws -> (@Sendable (String) -> String)? { Self.fingerprint }

    func passwordFingerprints(of emails: [String]) async throws -> [String: String] {
        state.logins.filter { emails.contains($0.key) }.compactMapValues(\.fingerprint)
    }

    func refreshStatistics(afterBulkLoad: Bool) async throws { state.statisticsRefreshed.append(afterBulkLoad) }

    actor Draft: ImportWork {
        var state: State
        init(state: State) { self.state = state }

        static func existing(_ kind: ImportReference.Kind, _ keys: [String], in state: State) -> Set<String> {
            let stored =
                switch kind {
                case .company: state.companies
                case .brand: state.brands
                case .article: state.articles
                }
            return Set(keys).intersection(stored)
        }

        func existing(_ kind: ImportReference.Kind, among keys: [String]) async throws -> Set<String> {
            Self.existing(kind, keys, in: state)
        }

        func logins(of emails: [String]) async throws -> [String: LoginStanding] {
            state.logins.filter { emails.contains($0.key) }.mapValues(\.standing)
        }

        func write(_ batch: ImportBatch, passwords: NewPasswords, newLines: Bool) async throws -> ImportCounts {
            state.writes += 1
            var counts = ImportCounts()
            state.companies.formUnion(batch.companies.map(\.number))
            state.brands.formUnion(batch.brands.map(\.name))
            state.articles.formUnion(batch.articles.map(\.number))
            for user in batch.users {
                var login =
                    state.logins[user.email]
                    ?? Login(
                        standing: LoginStanding(id: 100 + state.logins.count, role: "", companyID: nil, active: true))
                login.standing.role = user.role.rawValue
                login.standing.active = user.active ?? true
                if let hash = passwords.hashes[user.email] {
                    login.passwordHash = hash
                    login.fingerprint = passwords.fingerprints[user.email]
                }
                state.logins[user.email] = login
            }
            state.invoices.formUnion(batch.invoices.map(\.number))
            state.lines += batch.lineCount
            counts.companies = batch.companies.count
            counts.users = batch.users.count
            counts.brands = batch.brands.count
            counts.articles = batch.articles.count
            counts.invoices = batch.invoices.count
            counts.lines = batch.lineCount
            counts.serials = batch.invoices.flatMap(\.lines).reduce(0) { $0 + $1.serials.count }
            return counts
        }

        func startBulkLoadIfEmpty() async throws -> Bool {
            guard state.invoices.isEmpty else { return false }
            state.bulkLoads += 1
            return true
        }

        func finishBulkLoad() async throws {}
        func endSessions(ofLogin id: Int) async throws { state.sessionsEnded.append(id) }
        func invite(_ emails: [String]) async throws { state.invited += emails }
    }
}
