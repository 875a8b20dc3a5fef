import Foundation
import RetourApplication
import Testing

/// People and the texts that name them, as plain values; an erasure works on a copy that is kept
/// only when it finishes.
actor InMemoryPersonalDataStore: PersonalDataStore {
    struct State: Sendable {
        var people: [StoredPerson] = []
        var texts: [String] = []
        var accessEnded: [Int: Date] = [:]
        var audit: [AuditEntry] = []
    }

    var state = State()
    var failBeforeAudit = false

    init(people: [StoredPerson], texts: [String]) {
        state.people = people
        state.texts = texts
    }

    func failingBeforeAudit() { failBeforeAudit = true }

    func person(email: String) async throws -> StoredPerson? { state.people.first { $0.email == email } }

    func facts(of person: StoredPerson) async throws -> Data {
        try JSONEncoder().encode(["name": person.name, "texts": "\(state.texts.filter { $0.contains(person.name) })"])
    }

    func erasing<T: Sendable>(
        _ person: StoredPerson, _ work: @escaping @Sendable (any PersonalDataErasure) async throws -> T
    )
        async throws -> T
    {
        let draft = Draft(state: state, id: person.id, failBeforeAudit: failBeforeAudit)
        let result = try await work(draft)
        state = await draft.state
        return result
    }

    actor Draft: PersonalDataErasure {
        var state: State
        let id: Int
        let failBeforeAudit: Bool

        init(state: State, id: Int, failBeforeAudit: Bool) {
            self.state = state
            self.id = id
            self.failBeforeAudit = failBeforeAudit
        }

        func endAccess(at: Date) async throws { state.accessEnded[id] = at }

        func retire(name: String, email: String) async throws {
            guard let index = state.people.firstIndex(where: { $0.id == id }) else { return }
            state.people[index].name = name
            state.people[index].email = email
        }

        func replaceEverywhere(_ needle: String, with replacement: String) async throws -> Int {
            var count = 0
            for index in state.texts.indices where state.texts[index].contains(needle) {
                state.texts[index] = state.texts[index].replacingOccurrences(of: needle, with: replacement)
                count += 1
            }
            return count
        }

        func audit(_ entry: AuditEntry) async throws {
            struct Interrupted: Error {}
            if failBeforeAudit { throw Interrupted() }
            state.audit.append(entry)
        }
    }
}

@Suite struct PersonalDataUseCaseTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let anna = StoredPerson(id: 7, name: "Anna de Vries", email: "anna@pcpartner.nl")

    @Test func erasureReplacesTheNameAndAddressInEveryTextAndEndsAccess() async throws {
        let store = InMemoryPersonalDataStore(
            people: [anna],
            texts: ["Graag ophalen, Anna de Vries", "mail to anna@pcpartner.nl", "Niets over haar", "Anna de Vries"])
        let outcome = try await PersonalData(store: store, now: now).erase(email: "Anna@PCPartner.nl")
        #expect(outcome == .erased(texts: 3))
        let state = await store.state
        #expect(state.texts[0] == "Graag ophalen, Verwijderde gebruiker 7")
        #expect(state.texts[1] == "mail to verwijderd-7@retour.invalid")
        #expect(state.texts[2] == "Niets over haar")
        #expect(
            state.people == [StoredPerson(id: 7, name: "Verwijderde gebruiker 7", email: "verwijderd-7@retour.invalid")]
        )
        #expect(state.accessEnded[7] == now)
        #expect(state.audit.map(\.action) == ["user.erased"])
        #expect(state.audit.first?.subject == "user 7")
        // The address no longer finds anyone: a second erasure reports it.
        #expect(try await PersonalData(store: store, now: now).erase(email: anna.email) == .notFound)
        #expect(try await PersonalData(store: store, now: now).export(email: anna.email) == nil)
    }

    @Test func aShortNameIsReplacedInTheLoginOnly() async throws {
        let al = StoredPerson(id: 8, name: "Al", email: "al@bytewise.nl")
        let store = InMemoryPersonalDataStore(people: [al], texts: ["Alles goed, Al", "al@bytewise.nl belde"])
        #expect(try await PersonalData(store: store, now: now).erase(email: al.email) == .erased(texts: 1))
        let state = await store.state
        #expect(state.texts == ["Alles goed, Al", "verwijderd-8@retour.invalid belde"])
        #expect(state.people.first?.name == "Verwijderde gebruiker 8")
    }

    @Test func anErasureThatFailsChangesNothing() async throws {
        let store = InMemoryPersonalDataStore(people: [anna], texts: ["Anna de Vries belde"])
        await store.failingBeforeAudit()
        await #expect(throws: (any Error).self) {
            try await PersonalData(store: store, now: now).erase(email: anna.email)
        }
        let state = await store.state
        #expect(state.texts == ["Anna de Vries belde"])
        #expect(state.people == [anna])
        #expect(state.accessEnded.isEmpty)
    }
}
