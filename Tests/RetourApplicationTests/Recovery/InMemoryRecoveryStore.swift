import Foundation
import RetourApplication
import RetourCore

/// The vendor-recovery store as plain values, so the use cases are tested without a database. A
/// transaction works on a copy and keeps it only when the work returns.
actor InMemoryRecoveryStore: VendorRecoveryStore {
    struct State: Sendable {
        var subjects: [String: DispositionSubject] = [:]
        var units: [Int: (request: String, unit: NewUnit)] = [:]
        var claims: [Int: StoredClaim] = [:]
        var nextID = 1
        var audit: [String] = []
        var events: [(VendorClaimEvent, String)] = []
        var brands: [Int: BrandTerms] = [:]
        var versions: [Int: [TermsVersion]] = [:]
    }

    struct StoredClaim: Sendable {
        var number: String
        var brandID: Int
        var brand: String
        var status: VendorClaimStatus
        var openedOn: CalendarDay
        var vendorRmaNumber: String?
        var sentOn: CalendarDay?
        var credits: [VendorClaim.Credit] = []
        var writeOffReason: String?
    }

    var state = State()

    func add(_ subject: DispositionSubject) { state.subjects[subject.number] = subject }
    var audit: [String] { state.audit }
    var events: [(VendorClaimEvent, String)] { state.events }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any VendorRecoveryWork) async throws -> T)
        async throws -> T
    {
        let draft = Draft(state: state)
        let result = try await work(draft)
        state = await draft.state
        return result
    }

    func claims(in list: VendorClaimList?, page: Int, per: Int, today: CalendarDay) async throws -> (
        claims: [VendorClaim], total: Int
    ) {
        let statuses = list?.statuses ?? VendorClaimStatus.allCases
        let all = state.claims.filter { statuses.contains($0.value.status) }.sorted { $0.key < $1.key }
        let claims = all.dropFirst((page - 1) * per).prefix(per).map { Self.view($0.key, state, today: today) }
        return (Array(claims), all.count)
    }

    func claim(number: String, today: CalendarDay) async throws -> VendorClaim? {
        state.claims.first { $0.value.number == number }.map { Self.view($0.key, state, today: today) }
    }

    func addBrand(_ terms: BrandTerms) { state.brands[terms.brandID] = terms }

    func brandTerms(brandID: Int) async throws -> BrandTerms? { state.brands[brandID] }

    func termsVersions(brandID: Int, limit: Int) async throws -> [TermsVersion] {
        Array((state.versions[brandID] ?? []).reversed().prefix(limit))
    }

    func subject(requestNumber: String) async throws -> DispositionSubject? {
        guard var subject = state.subjects[requestNumber] else { return nil }
        subject.units = Self.units(of: requestNumber, state)
        return subject
    }

    func dispositions(ofRequest number: String) async throws -> [StoredUnit]? {
        guard state.subjects[number] != nil else { return nil }
        return Self.units(of: number, state)
    }

    func recoveryFigures(from: CalendarDay, to: CalendarDay, today: CalendarDay) async throws -> RecoveryReport.Figures
    {
        RecoveryReport.Figures(credits: [], shares: [], claims: [])
    }

    static func units(of request: String, _ state: State) -> [StoredUnit] {
        state.units.filter { $0.value.request == request }.sorted { $0.key < $1.key }.map { id, entry in
            let claim = entry.unit.claimID.flatMap { state.claims[$0] }
            return StoredUnit(
                id: id, serial: entry.unit.serial, quantity: entry.unit.quantity, disposition: entry.unit.disposition,
                grade: entry.unit.grade, note: entry.unit.note, markedOn: entry.unit.markedOn,
                expectedCredit: entry.unit.expectedCredit, claimNumber: claim?.number, claimStatus: claim?.status)
        }
    }

    static func view(_ id: Int, _ state: State, today: CalendarDay) -> VendorClaim {
        let claim = state.claims[id]!
        let units = state.units.filter { $0.value.unit.claimID == id }.sorted { $0.key < $1.key }.map {
            VendorClaim.Unit(
                request: $0.value.request, serial: $0.value.unit.serial, quantity: $0.value.unit.quantity,
                disposition: $0.value.unit.disposition, grade: $0.value.unit.grade,
                expectedCredit: $0.value.unit.expectedCredit ?? .zero)
        }
        return VendorClaim(
            number: claim.number, brand: claim.brand, status: claim.status, units: units,
            vendorRmaNumber: claim.vendorRmaNumber, openedOn: claim.openedOn, sentOn: claim.sentOn,
            credits: claim.credits, writeOffReason: claim.writeOffReason, vendorAddress: nil,
            ageDays: claim.openedOn.days(until: today))
    }

    actor Draft: VendorRecoveryWork {
        var state: State
        init(state: State) { self.state = state }

        func lockSubject(requestNumber: String) async throws -> DispositionSubject? {
            guard var subject = state.subjects[requestNumber] else { return nil }
            subject.units = InMemoryRecoveryStore.units(of: requestNumber, state)
            return subject
        }

        func replaceUnits(ofRequest requestID: Int, keeping: Set<Int>, with units: [NewUnit]) async throws {
            guard let number = state.subjects.values.first(where: { $0.requestID == requestID })?.number else { return }
            state.units = state.units.filter { $0.value.request != number || keeping.contains($0.key) }
            for unit in units {
                state.units[state.nextID] = (number, unit)
                state.nextID += 1
            }
        }

        func openClaim(brandID: Int, today: CalendarDay, now: Date) async throws -> Int {
            if let open = state.claims.first(where: { $0.value.brandID == brandID && $0.value.status == .open }) {
                return open.key
            }
            let id = state.nextID
            state.nextID += 1
            let brand = state.subjects.values.first { $0.brandID == brandID }?.brandName ?? ""
            state.claims[id] = StoredClaim(
                number: VendorClaimNumbers.number(sequence: Int64(id)), brandID: brandID, brand: brand, status: .open,
                openedOn: today)
            return id
        }

        func dropEmptyOpenClaims(brandID: Int) async throws {
            for (id, claim) in state.claims where claim.brandID == brandID && claim.status == .open {
                if !state.units.values.contains(where: { $0.unit.claimID == id }) { state.claims[id] = nil }
            }
        }

        func lockClaim(number: String, today: CalendarDay) async throws -> VendorClaim? {
            state.claims.first { $0.value.number == number }.map {
                InMemoryRecoveryStore.view($0.key, state, today: today)
            }
        }

        private func change(_ number: String, _ apply: (inout StoredClaim) -> Void) {
            guard let id = state.claims.first(where: { $0.value.number == number })?.key else { return }
            apply(&state.claims[id]!)
        }

        func markSent(claimNumber: String, vendorRmaNumber: String, on day: CalendarDay) async throws {
            change(claimNumber) {
                $0.status = .sent
                $0.vendorRmaNumber = vendorRmaNumber
                $0.sentOn = day
            }
        }

        func addCredit(
            claimNumber: String, amount: Money, reference: String, status: VendorClaimStatus, at: Date, by actorID: Int?
        ) async throws {
            change(claimNumber) {
                $0.credits.append(VendorClaim.Credit(amount: amount, reference: reference, at: at))
                $0.status = status
            }
        }

        func writeOff(claimNumber: String, reason: String, at: Date) async throws {
            change(claimNumber) {
                $0.status = .writtenOff
                $0.writeOffReason = reason
            }
        }

        func lockBrandTerms(brandID: Int) async throws -> BrandTerms? { state.brands[brandID] }

        func saveBrandTerms(
            brandID: Int, terms: VendorReturnTerms?, advanceReplacement: Bool, at: Date, by actorID: Int?
        ) async throws {
            state.brands[brandID]?.terms = terms
            state.brands[brandID]?.advanceReplacement = advanceReplacement
            state.versions[brandID, default: []].append(
                TermsVersion(terms: terms, advanceReplacement: advanceReplacement, at: at, by: actorID.map { "\($0)" }))
        }

        func audit(_ action: String, subject: String, detail: String, actorID: Int?, at: Date) async throws {
            state.audit.append("\(action) \(subject)")
        }

        func announce(_ event: VendorClaimEvent, claimNumber: String, today: CalendarDay, at: Date) async throws {
            state.events.append((event, claimNumber))
        }
    }
}
