import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit
import Vapor

/// Writes the events other systems learn of, inside the transaction of the change.
enum DatabaseEventOutbox {
    typealias Kind = IntegrationEventKind

    /// Records `kinds` for each request as it now stands, with a delivery for every webhook that
    /// listens. Call it last in the transaction: it takes the event sequence's row lock and keeps
    /// it until the commit, so events are numbered in the order their transactions commit — a
    /// reader of the feed never sees event 7 and later finds 6 — and no transaction holding it
    /// waits for another lock.
    static func record(
        _ kinds: [Kind], of records: [ReturnRequest], at now: Date, language: Language, texts: TranslationCatalog,
        on db: any Database
    ) async throws {
        guard !kinds.isEmpty, !records.isEmpty else { return }
        let encoder = eventEncoder()
        // The webhooks of the requests' companies and those for every company: not every
        // reseller's (a thousand resellers may each have some).
        let companies = Array(Set(records.map(\.companyID)))
        let listening = try await Webhook.query(on: db).filter(\.$deletedAt == nil)
            .group(.or) { $0.filter(\.$companyID ~~ companies.map { Optional($0) }).filter(\.$companyID == nil) }
            .all()
        for record in records {
            let data = try await RequestQueries.view(record, withEvents: true, texts: texts[language], on: db)
            for kind in kinds {
                let sequence = try await NumberSequence.next("event", db)
                let event = IntegrationEvent()
                event.sequence = sequence
                event.companyID = record.companyID
                event.requestID = try record.requireID()
                event.type = .request(kind)
                event.occurredAt = now
                let body = EventBody(id: "evt_\(sequence)", type: kind.rawValue, occurredAt: now, data: data)
                event.body = String(decoding: try encoder.encode(body), as: UTF8.self)
                try await event.create(on: db)
                for webhook in listening
                where webhook.events.contains(.request(kind))
                    && (webhook.companyID == nil || webhook.companyID == record.companyID)
                {
                    try await deliver(event, to: webhook, orderedBy: try record.requireID(), at: now, on: db)
                }
            }
        }
    }
}

extension DatabaseEventOutbox {
    /// Records a vendor claim's event for the distributor's webhooks (those of no company); no
    /// reseller's feed shows it. Last in the transaction, as `record`.
    static func record(_ kind: VendorClaimEvent, of claim: VendorClaim, at now: Date, on db: any Database)
        async throws
    {
        struct ID: Decodable { var id: Int }
        let sql = db.sql
        guard
            let claimID = try await sql.raw("SELECT id FROM vendor_claims WHERE number = \(bind: claim.number)")
                .first(decoding: ID.self)?.id
        else { return }
        let encoder = eventEncoder()
        let listening = try await Webhook.query(on: db).filter(\.$deletedAt == nil).filter(\.$companyID == nil).all()
        let sequence = try await NumberSequence.next("event", db)
        let event = IntegrationEvent()
        event.sequence = sequence
        event.type = .vendorClaim(kind)
        event.occurredAt = now
        let body = ClaimEventBody(
            id: "evt_\(sequence)", type: kind.rawValue, occurredAt: now, data: VendorClaimView(claim))
        event.body = String(decoding: try encoder.encode(body), as: UTF8.self)
        try await event.create(on: db)
        for webhook in listening where webhook.events.contains(.vendorClaim(kind)) {
            try await deliver(event, to: webhook, orderedBy: -claimID, at: now, on: db)
        }
    }
}

extension DatabaseEventOutbox {
    /// A delivery of `event` to `webhook`, due now. Deliveries with the same `key` (a request's id,
    /// or minus a vendor claim's) to one webhook go out in order.
    /// Events are written once, as the feed and every webhook send them.
    fileprivate static func eventEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    fileprivate static func deliver(
        _ event: IntegrationEvent, to webhook: Webhook, orderedBy key: Int, at now: Date, on db: any Database
    ) async throws {
        let delivery = WebhookDelivery()
        delivery.webhookID = try webhook.requireID()
        delivery.eventID = try event.requireID()
        delivery.requestID = key
        delivery.status = .pending
        delivery.attempts = 0
        delivery.unfinishedAttempts = 0
        delivery.nextAttemptAt = now
        delivery.giveUpAt = now.addingTimeInterval(WebhookWorker.retrySeconds)
        try await delivery.create(on: db)
    }
}

/// A vendor claim's event as the feed and the webhooks send it.
struct ClaimEventBody: Codable {
    var id: String
    var type: String
    var occurredAt: Date
    var data: VendorClaimView
}

/// An event as the feed and the webhooks send it.
struct EventBody: Codable {
    var id: String
    var type: String
    var occurredAt: Date
    var data: RequestView
}
