import Foundation
import RetourApplication
import RetourCore

/// Positions, the lines they are about and what else a check reads, as plain values. A
/// transaction works on a copy and keeps it only when the work returns, like the database's.
actor InMemoryCartStore: CartStore, SubmissionStore {
    struct Position: Sendable {
        var state: CartPositionState
        var lineID: Int = 0
        var prepared: PreparedPosition?
        var createdAt: Date?
        var approval: Int?
    }

    struct State: Sendable {
        var positions: [Int: Position] = [:]
        var phoneLinksEnded: [Int: Date] = [:]
        var lines: [Int: (companyID: Int, line: CheckedLine)] = [:]
        var invoices: [LineKey: Int] = [:]
        var openRequests: [Int: [(ReasonID, OpenRequest)]] = [:]
        var policy = PolicyInForce(version: 1, policy: .standard)
        var companies: [Int: CompanyAddress] = [:]
        var files: [String: FileFacts] = [:]
        var replacement = ReplacementTerms(brandOffers: false, companyMayUse: true)
        var materials: [String: ReceivedMaterial] = [:]
        var nextID = 100
        var lockedLines: [[Int]] = []
        /// Phone links by token: whose, for which line, until when, joined to which position.
        var phoneLinks: [String: (owner: Int, line: Int, until: Date, position: Int?)] = [:]
        // Submissions.
        var requests: [Int: NewRequest] = [:]
        var claimedSerials: [String: Int] = [:]
        var sequences: [SubmissionSequence: Int64] = [:]
        var answers: [String: Submission] = [:]
        var confirmations: [[Int]] = []
        var announced: [[Int]] = []
        var rules: [Int: SubmitApproval] = [:]
        var approvals: [Int: StoredApproval] = [:]
        var submitters: [Int: Submitter] = [:]
        var decisions: [Int: (status: ApprovalStatus, by: Int, message: String?, submission: String?)] = [:]
        var toldRejected: [(submitter: Int, message: String)] = []
        var audit: [String] = []
        /// A parallel transaction's key: the next submission with it meets a uniqueness rule.
        var takenMeanwhile: String?
    }

    var state = State()

    func add(_ position: CartPositionState) { state.positions[position.id] = Position(state: position) }
    func add(line id: Int, invoice: String, position: Int, companyID: Int, _ line: CheckedLine) {
        state.lines[id] = (companyID, line)
        state.invoices[LineKey(invoice: invoice, position: position)] = id
    }
    func setCompanyAddress(_ address: CompanyAddress, of companyID: Int) { state.companies[companyID] = address }
    func addFile(_ id: String, _ facts: FileFacts) { state.files[id] = facts }
    func addOpenRequest(_ request: OpenRequest, reason: ReasonID, onLine line: Int) {
        state.openRequests[line, default: []].append((reason, request))
    }
    func position(_ id: Int) -> Position? { state.positions[id] }
    var positionCount: Int { state.positions.count }
    var lockedLines: [[Int]] { state.lockedLines }
    func phoneLink(_ token: String) -> (owner: Int, line: Int, until: Date, position: Int?)? { state.phoneLinks[token] }
    var requests: [NewRequest] { state.requests.sorted { $0.key < $1.key }.map(\.value) }
    var claimedSerials: [String: Int] { state.claimedSerials }
    var confirmations: [[Int]] { state.confirmations }
    var announced: [[Int]] { state.announced }
    var approvals: [Int: StoredApproval] { state.approvals }
    var audit: [String] { state.audit }
    var toldRejected: [String] { state.toldRejected.map(\.message) }
    func decision(_ id: Int) -> ApprovalStatus? { state.decisions[id]?.status }
    func addSubmitter(_ submitter: Submitter) { state.submitters[submitter.userID] = submitter }
    func setRule(_ rule: SubmitApproval, of companyID: Int) { state.rules[companyID] = rule }
    func keep(_ answer: Submission, userID: Int, key: String) { state.answers["\(userID)/\(key)"] = answer }
    func takeMeanwhile(_ key: String) { state.takenMeanwhile = key }
    /// A request of another submission now holds part of line `id`.
    func claim(quantity: Int, serials: Set<String>, ofLine id: Int) {
        state.lines[id]?.line.requestClaims = LineClaims(quantity: quantity, serials: serials, holder: "R-0")
    }

    func storedAnswer(userID: Int, key: String) async throws -> Submission? { state.answers["\(userID)/\(key)"] }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any SubmissionWork) async throws -> T) async throws
        -> T
    {
        let draft = Draft(state: state)
        let result = try await work(draft)
        state = await draft.state
        return result
    }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any CartWork) async throws -> T) async throws -> T {
        let draft = Draft(state: state)
        let result = try await work(draft)
        state = await draft.state
        return result
    }

    actor Draft: CartWork {
        var state: State
        init(state: State) { self.state = state }

        func lockPosition(_ id: Int) async throws -> CartPositionState? { state.positions[id]?.state }
        func setReturnAddress(ofPosition id: Int, to address: Address) async throws {
            state.positions[id]?.state.returnAddress = address
        }
        func deletePosition(_ id: Int) async throws { state.positions[id] = nil }
        func endPhoneLinks(ofPositions ids: [Int], at: Date) async throws {
            for id in ids { state.phoneLinksEnded[id] = at }
        }

        func lockLines(_ ids: [Int]) async throws { state.lockedLines.append(ids) }
        func preload(lines: [Int], companyID: Int, cartOwner: Int, on day: CalendarDay) async throws {}
        func lineIDs(invoices: [String], companyID: Int) async throws -> [LineKey: Int] {
            state.invoices.filter { invoices.contains($0.key.invoice) && state.lines[$0.value]?.companyID == companyID }
        }
        func line(_ id: Int, companyID: Int) async throws -> CheckedLine? {
            guard let stored = state.lines[id], stored.companyID == companyID else { return nil }
            return stored.line
        }
        func cartPositions(of owner: Int, onLine line: Int) async throws -> [HeldPosition] {
            state.positions.values.filter { $0.state.ownerID == owner && $0.lineID == line }.compactMap { position in
                position.prepared.map {
                    HeldPosition(
                        id: position.state.id, reason: $0.position.reason, quantity: $0.position.quantity,
                        serials: $0.position.serials, fields: $0.position.fields)
                }
            }
        }
        func openRequests(onLine line: Int, reason: ReasonID) async throws -> [OpenRequest] {
            (state.openRequests[line] ?? []).filter { $0.0 == reason }.map(\.1)
        }
        func policy(on day: CalendarDay) async throws -> PolicyInForce { state.policy }
        func companyAddress(_ companyID: Int) async throws -> CompanyAddress? { state.companies[companyID] }
        func file(_ id: String) async throws -> FileFacts? { state.files[id] }
        func replacementTerms(onLine line: Int) async throws -> ReplacementTerms { state.replacement }
        func material(_ code: String) async throws -> ReceivedMaterial? { state.materials[code.uppercased()] }

        func savePosition(
            _ position: PreparedPosition, line: Int, owner: PositionOwner, replacing: Int?, at: Date
        ) async throws -> Int {
            let id = replacing ?? state.nextID
            if replacing == nil { state.nextID += 1 }
            state.positions[id] = Position(
                state: CartPositionState(
                    id: id, ownerID: owner.userID, waitsForApproval: false, returnAddress: position.returnAddress),
                lineID: line, prepared: position, createdAt: state.positions[id]?.createdAt ?? at)
            return id
        }

        func phoneLinkExists(_ token: String) async throws -> Bool { state.phoneLinks[token] != nil }
        func openPhoneLink(_ token: String, owner: PositionOwner, line: Int, until: Date) async throws {
            state.phoneLinks[token] = (owner.userID, line, until, nil)
        }
        func joinPhoneLink(_ token: String, owner: Int, toPosition position: Int) async throws {
            guard state.phoneLinks[token]?.owner == owner else { return }
            state.phoneLinks[token]?.position = position
        }
    }
}

extension InMemoryCartStore.Draft: SubmissionWork {
    func lockCart(of userID: Int) async throws {}

    func storedAnswer(userID: Int, key: String) async throws -> Submission? { state.answers["\(userID)/\(key)"] }

    func submittable(of userID: Int, approval: Int?) async throws -> [SubmittablePosition] {
        state.positions.values.filter { $0.state.ownerID == userID && $0.approval == approval }
            .sorted { $0.state.id < $1.state.id }
            .compactMap { position in
                position.prepared.map {
                    SubmittablePosition(
                        id: position.state.id,
                        draft: PositionDraft(
                            line: position.lineID, reason: $0.position.reason, quantity: $0.position.quantity,
                            serials: $0.position.serials, fields: $0.position.fields, attachments: $0.attachments,
                            returnAddress: $0.returnAddress))
                }
            }
    }

    func approvalRule(companyID: Int) async throws -> SubmitApproval? { state.rules[companyID] }

    func value(of positions: [SubmittablePosition]) async throws -> Money {
        try positions.reduce(Money.zero) {
            try $0 + (state.lines[$1.draft.line]?.line.facts.unitPrice ?? .zero) * ($1.draft.quantity ?? 0)
        }
    }

    func hold(_ positions: [Int], submitterID: Int, companyID: Int, amount: Money, at: Date) async throws
        -> WaitingApproval
    {
        let approval = WaitingApproval(id: state.approvals.count + 1, status: .waiting, amount: amount)
        state.approvals[approval.id] = StoredApproval(
            id: approval.id, companyID: companyID, submitterID: submitterID, status: .waiting, amount: amount)
        for id in positions {
            state.positions[id]?.approval = approval.id
            state.positions[id]?.state.waitsForApproval = true
        }
        return approval
    }

    func next(_ sequence: SubmissionSequence) async throws -> Int64 {
        state.sequences[sequence, default: 0] += 1
        return state.sequences[sequence, default: 0]
    }

    func createRequest(_ request: NewRequest) async throws -> Int {
        let id = state.requests.count + 1
        state.requests[id] = request
        return id
    }

    func claimSerials(_ serials: [String], onLine line: Int, request: Int) async throws {
        for serial in serials {
            if state.claimedSerials["\(line)/\(serial)"] != nil { throw SubmissionConflict() }
            state.claimedSerials["\(line)/\(serial)"] = request
        }
    }

    func removeFromCart(position: Int, at: Date) async throws {
        state.positions[position] = nil
        state.phoneLinksEnded[position] = at
    }

    func confirm(requests: [Int], to userID: Int, texts: Translations, at: Date) async throws {
        state.confirmations.append(requests)
    }

    func keepAnswer(_ submission: Submission, userID: Int, key: String, at: Date) async throws {
        if state.takenMeanwhile == key { throw SubmissionConflict() }
        state.answers["\(userID)/\(key)"] = submission
    }

    func announceCreated(requests: [Int], language: Language, at: Date) async throws {
        state.announced.append(requests)
    }

    func lockApproval(_ id: Int) async throws -> StoredApproval? { state.approvals[id] }
    func submitter(_ userID: Int) async throws -> Submitter? { state.submitters[userID] }
    func decide(
        approval id: Int, status: ApprovalStatus, by approverID: Int, message: String?, submission: String?, at: Date
    ) async throws {
        state.approvals[id]?.status = status
        state.decisions[id] = (status, approverID, message, submission)
    }
    func returnToCart(approval id: Int) async throws {
        for (key, position) in state.positions where position.approval == id {
            state.positions[key]?.approval = nil
            state.positions[key]?.state.waitsForApproval = false
        }
    }
    func tellRejected(submitterID: Int, approverID: Int, message: String, language: Language, at: Date) async throws {
        state.toldRejected.append((submitterID, message))
    }
    func audit(_ action: String, subject: String, detail: String, actorID: Int?, at: Date) async throws {
        state.audit.append("\(action) \(subject)")
    }
}
