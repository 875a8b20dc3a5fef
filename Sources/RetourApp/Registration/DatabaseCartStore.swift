import Fluent
import Foundation
import NIOConcurrencyHelpers
import RetourApplication
import RetourCore
import SQLKit
import Vapor

/// The cart positions and what adding one reads: the only code behind `CartChanges`,
/// `AddPositions` and `PositionCheck` that touches the database.
struct DatabaseCartStore: CartStore {
    let database: any Database
    /// The texts and settings of the mails a submission writes.
    let settings: StoreSettings

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any CartWork) async throws -> T) async throws -> T {
        let settings = settings
        return try await database.writeTransaction { db in try await work(Work(db: db, settings: settings)) }
    }

    /// Ends the phone links of positions that leave the cart (removed or submitted).
    static func endPhoneLinks(ofPositions ids: [Int], at: Date, on db: any Database) async throws {
        guard !ids.isEmpty else { return }
        try await UploadToken.query(on: db).filter(\.$positionID ~~ ids).set(\.$expiresAt, to: at).update()
    }

    /// What `preload` read for the rest of the transaction.
    private struct Preloaded {
        var policy: PolicyInForce
        var company: CompanyAddress?
        var lines: [Int: CheckedLine] = [:]
        /// The cart owner's positions by line, kept up to date as positions are saved.
        var cartOwner: Int
        var cart: [Int: [HeldPosition]] = [:]
    }

    struct Work: CartWork {
        let db: any Database
        let settings: StoreSettings
        private let preloaded = NIOLockedValueBox<Preloaded?>(nil)

        init(db: any Database, settings: StoreSettings) {
            self.db = db
            self.settings = settings
        }

        func lockPosition(_ id: Int) async throws -> CartPositionState? {
            try await db.lockForUpdate(CartPosition.schema, ids: [id])
            return try await CartPosition.find(id, on: db).map {
                CartPositionState(
                    id: id, ownerID: $0.userID, waitsForApproval: $0.approvalID != nil,
                    returnAddress: $0.returnAddress)
            }
        }

        func setReturnAddress(ofPosition id: Int, to address: Address) async throws {
            guard let position = try await CartPosition.find(id, on: db) else { throw Refusal.notFound() }
            position.returnAddress = address
            try await position.save(on: db)
        }

        func deletePosition(_ id: Int) async throws {
            try await CartPosition.query(on: db).filter(\.$id == id).delete()
        }

        func endPhoneLinks(ofPositions ids: [Int], at: Date) async throws {
            try await DatabaseCartStore.endPhoneLinks(ofPositions: ids, at: at, on: db)
        }

        func lockLines(_ ids: [Int]) async throws {
            try await db.lockForUpdate(InvoiceLine.schema, ids: ids)
        }

        func preload(lines ids: [Int], companyID: Int, cartOwner: Int, on day: CalendarDay) async throws {
            var known = Preloaded(
                policy: try await policy(on: day), company: try await companyAddress(companyID),
                cartOwner: cartOwner)
            if !ids.isEmpty {
                for position in try await CartPosition.query(on: db).filter(\.$userID == cartOwner)
                    .filter(\.$lineID ~~ ids).all()
                {
                    known.cart[position.lineID, default: []].append(position.held)
                }
                let facts = try await LineFactsQuery.lines(ids, companyID: companyID, on: db)
                let lines = try await InvoiceLine.query(on: db).filter(\.$id ~~ Array(facts.keys)).all()
                let claims = try await LineClaims.requests(onLines: Array(facts.keys), on: db)
                var serials: [Int: [String]] = [:]
                for serial in try await SerialNumber.query(on: db).filter(\.$line.$id ~~ Array(facts.keys))
                    .sort(\.$id).all()
                {
                    serials[serial.$line.id, default: []].append(serial.number)
                }
                var serialised: [Int: Bool] = [:]
                for article in try await Article.query(on: db).filter(\.$id ~~ Array(Set(lines.map(\.$article.id))))
                    .all()
                {
                    serialised[article.id ?? 0] = article.serialised
                }
                for line in lines {
                    guard let id = line.id, let lineFacts = facts[id] else { continue }
                    known.lines[id] = CheckedLine(
                        facts: lineFacts, requestClaims: claims[id] ?? LineClaims(),
                        serialised: serialised[line.$article.id] ?? false, deliveredSerials: serials[id] ?? [])
                }
            }
            preloaded.withLockedValue { $0 = known }
        }

        func lineIDs(invoices: [String], companyID: Int) async throws -> [LineKey: Int] {
            struct Row: Decodable {
                var id: Int
                var invoice_number: String
                var position: Int
            }
            var found: [LineKey: Int] = [:]
            for start in stride(from: 0, to: invoices.count, by: 500) {
                let chunk = Array(invoices[start..<min(start + 500, invoices.count)])
                let lines = try await db.sql.raw(
                    """
                    SELECT id, invoice_number, position FROM invoice_lines
                     WHERE company_id = \(bind: companyID) AND UPPER(invoice_number) IN (\(binds: chunk))
                    """
                ).all(decoding: Row.self)
                for line in lines { found[LineKey(invoice: line.invoice_number, position: line.position)] = line.id }
            }
            return found
        }

        func line(_ id: Int, companyID: Int) async throws -> CheckedLine? {
            if let known = preloaded.withLockedValue({ $0?.lines[id] }) { return known }
            guard let facts = try await LineFactsQuery.line(id, scope: .company(companyID), on: db),
                let line = try await InvoiceLine.find(id, on: db)
            else { return nil }
            let delivered = try await SerialNumber.query(on: db).filter(\.$line.$id == id).sort(\.$id).all()
                .map(\.number)
            let article = try await Article.find(line.$article.id, on: db)
            return CheckedLine(
                facts: facts, requestClaims: try await LineClaims.requests(onLine: id, on: db),
                serialised: article?.serialised ?? false, deliveredSerials: delivered)
        }

        func cartPositions(of owner: Int, onLine line: Int) async throws -> [HeldPosition] {
            if let known = preloaded.withLockedValue({ $0?.cartOwner == owner ? $0?.cart[line] ?? [] : nil }) {
                return known
            }
            return try await CartPosition.query(on: db).filter(\.$userID == owner).filter(\.$lineID == line).all()
                .map(\.held)
        }

        func openRequests(onLine line: Int, reason: ReasonID) async throws -> [OpenRequest] {
            try await ReturnRequest.query(on: db).filter(\.$lineID == line).filter(\.$reason == reason)
                .filter(\.$status !~ [RequestStatus.rejected, .closed]).all()
                .map { OpenRequest(number: $0.number, fields: $0.fields) }
        }

        func policy(on day: CalendarDay) async throws -> PolicyInForce {
            if let known = preloaded.withLockedValue({ $0?.policy }) { return known }
            let (version, policy) = try await PolicyStore.current(on: db, day: day)
            return PolicyInForce(version: version, policy: policy)
        }

        func companyAddress(_ companyID: Int) async throws -> CompanyAddress? {
            if let known = preloaded.withLockedValue({ $0?.company }) { return known }
            return try await Company.find(companyID, on: db).map {
                CompanyAddress(street: $0.street, postcode: $0.postcode, city: $0.city, country: $0.country)
            }
        }

        func file(_ id: String) async throws -> FileFacts? {
            try await Attachment.find(id, on: db).map { FileFacts(companyID: $0.companyID, isImage: $0.isImage) }
        }

        func replacementTerms(onLine line: Int) async throws -> ReplacementTerms {
            try await ReplacementOfferQuery.terms(onLine: line, on: db)
        }

        func material(_ code: String) async throws -> ReceivedMaterial? {
            try await Material.find(code, on: db).map {
                ReceivedMaterial(number: $0.number, unitPrice: $0.priceCents.map { Money(cents: $0) })
            }
        }

        func savePosition(
            _ prepared: PreparedPosition, line: Int, owner: PositionOwner, replacing: Int?, at now: Date
        ) async throws -> Int {
            let position: CartPosition
            if let replacing {
                guard let stored = try await CartPosition.find(replacing, on: db) else { throw Refusal.notFound() }
                position = stored
            } else {
                position = CartPosition()
                position.createdAt = now
            }
            position.userID = owner.userID
            position.companyID = owner.companyID ?? 0
            position.lineID = line
            position.reason = prepared.position.reason
            position.quantity = prepared.position.quantity
            position.serials = prepared.position.serials
            position.fields = prepared.position.fields
            position.attachments = prepared.attachments
            position.returnAddress = prepared.returnAddress
            try await position.save(on: db)
            let held = position.held
            // The next checks of this transaction see it in the cart.
            preloaded.withLockedValue {
                guard $0?.cartOwner == owner.userID else { return }
                $0?.cart[line, default: []].removeAll { $0.id == held.id }
                $0?.cart[line, default: []].append(held)
            }
            return try position.requireID()
        }

        func phoneLinkExists(_ token: String) async throws -> Bool {
            try await UploadToken.query(on: db).filter(\.$tokenHash == Tokens.hash(token)).first() != nil
        }

        func openPhoneLink(_ token: String, owner: PositionOwner, line: Int, until: Date) async throws {
            let record = UploadToken()
            record.tokenHash = Tokens.hash(token)
            record.userID = owner.userID
            record.companyID = owner.companyID ?? 0
            record.lineID = line
            record.expiresAt = until
            try await record.create(on: db)
        }

        func joinPhoneLink(_ token: String, owner: Int, toPosition position: Int) async throws {
            try await UploadToken.query(on: db).filter(\.$tokenHash == Tokens.hash(token)).filter(\.$userID == owner)
                .set(\.$positionID, to: position).update()
        }
    }
}

extension Request {
    /// The signed-in reseller's own cart, changed now.
    func cartChanges() throws -> CartChanges {
        CartChanges(
            ownerID: try requireUser().requireID(), store: DatabaseCartStore(database: db, settings: storeSettings),
            now: now)
    }

    /// Adding to `user`'s cart, now.
    func addPositions(for user: User) throws -> AddPositions {
        AddPositions(
            owner: PositionOwner(userID: try user.requireID(), companyID: user.companyID),
            store: DatabaseCartStore(database: db, settings: storeSettings), now: now, today: today,
            countryNames: application.translationCatalog.all)
    }
}

/// What the stores need to write mails and events in the reader's words: the settings, the texts
/// and where the site is (for links; empty: none).
struct StoreSettings: Sendable {
    var config: AppConfig
    var texts: TranslationCatalog
    var baseURL: String
}

extension Application {
    /// Without links: for work that no request started (the demo data).
    var storeSettings: StoreSettings { StoreSettings(config: config, texts: translationCatalog, baseURL: "") }
}

extension Request {
    var storeSettings: StoreSettings {
        StoreSettings(config: config, texts: application.translationCatalog, baseURL: baseURL)
    }
}
