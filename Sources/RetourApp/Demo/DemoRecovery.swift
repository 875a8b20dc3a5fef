import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The demo's vendor recovery, made by the real use cases on past days: Bytewise's defective HP
/// laptop went back to HP and was paid in full, its hard disk went to Seagate and is paid in part,
/// and its webcam waits in Logitech's open claim since 35 days. Loaded once.
enum DemoRecovery {
    static let invoice = "0962300950"

    private struct Case {
        var position: Int
        var serial: String
        var description: String
        /// Days ago: submitted, received and credited (and marked for the vendor) on.
        var submitted: Int
        var received: Int
        /// Days ago the claim was sent, with the vendor's RMA number; nil: not sent.
        var sent: (days: Int, rma: String)?
        /// Days ago and amount of the vendor's credit; nil: none yet; "all": the whole claim.
        var vendorCredit: (days: Int, amount: String?)?
    }

    private static let cases = [
        Case(
            position: 200, serial: "DEMO-HP-0001", description: "Scherm blijft zwart na opstarten", submitted: 66,
            received: 62, sent: (60, "HP-RMA-553201"), vendorCredit: (41, nil)),
        Case(
            position: 300, serial: "DEMO-SEA-0001", description: "Klikkend geluid, schijf niet herkend", submitted: 50,
            received: 46, sent: (44, "SGT-88412"), vendorCredit: (20, "30.00")),
        Case(
            position: 100, serial: "DEMO-LOGI-0001", description: "Geen beeld", submitted: 40, received: 35, sent: nil,
            vendorCredit: nil),
    ]

    static func load(_ app: Application) async throws {
        let db = app.db
        guard
            try await ReturnRequest.query(on: db).join(InvoiceLine.self, on: \ReturnRequest.$lineID == \InvoiceLine.$id)
                .filter(InvoiceLine.self, \.$invoiceNumber == invoice).count() == 0,
            let reseller = try await User.query(on: db).filter(\.$email == "inkoop@bytewise.nl").first(),
            let agent = try await User.query(on: db).filter(\.$email == "rma@retour.example").first()
        else { return }
        let store = DatabaseVendorRecoveryStore.live(db)
        let today = app.today
        let now = app.clock.now
        func day(_ ago: Int) -> (CalendarDay, Date) {
            (today.adding(days: -ago), now.addingTimeInterval(Double(-ago) * 86_400))
        }
        for demo in cases {
            guard
                let line = try await InvoiceLine.query(on: db).filter(\.$invoiceNumber == invoice)
                    .filter(\.$position == demo.position).first()
            else { continue }
            let (submittedDay, submittedAt) = day(demo.submitted)
            try await AddPositions(
                owner: PositionOwner(userID: try reseller.requireID(), companyID: reseller.companyID),
                store: DatabaseCartStore(database: db, settings: app.storeSettings), now: submittedAt,
                today: submittedDay,
                countryNames: app.translationCatalog.all
            ).save(
                PositionDraft(
                    line: try line.requireID(), reason: .defect, quantity: 1, serials: [demo.serial],
                    fields: ["fault": .string("no_response"), "description": .string(demo.description)],
                    attachments: [], returnAddress: nil))
            let answer = try await app.submitCart(
                user: reseller, idempotencyKey: nil, now: submittedAt, today: submittedDay, language: .nl,
                store: DatabaseCartStore(database: db, settings: app.storeSettings)
            ).run()
            guard let number = answer.requests.first?.number,
                let record = try await ReturnRequest.query(on: db).filter(\.$number == number).first()
            else { continue }
            let (receivedDay, receivedAt) = day(demo.received)
            // Loaded before the site is served: its mails carry no link.
            let requests = DatabaseRequestStore(database: db, config: app.config, texts: app.translationCatalog)
            let steps = RequestSteps(
                store: requests, actor: .agent, actorID: agent.id, now: receivedAt, today: receivedDay)
            try await steps.receive(
                GoodsReceipt(quantity: 1, serials: [demo.serial], condition: .asExpected, note: nil),
                on: record.requireID())
            try await steps.credit(amount: nil, reason: nil, mayExceedValue: false, on: record.requireID())
            let units = try await RecordDisposition(
                store: store, actorID: agent.id, today: receivedDay, now: receivedAt)(
                    request: number,
                    units: [
                        .init(
                            serial: demo.serial, quantity: 1, disposition: .returnToVendor, grade: .defective, note: nil
                        )
                    ])
            guard let claim = units.first?.claimNumber else { continue }
            if let sent = demo.sent {
                let (sentDay, sentAt) = day(sent.days)
                _ = try await VendorClaimSteps(store: store, actorID: agent.id, today: sentDay, now: sentAt).send(
                    claim, vendorRmaNumber: sent.rma)
            }
            if let credit = demo.vendorCredit {
                let (creditDay, creditAt) = day(credit.days)
                let steps = VendorClaimSteps(store: store, actorID: agent.id, today: creditDay, now: creditAt)
                guard let current = try await store.claim(number: claim, today: creditDay),
                    let amount = credit.amount.flatMap(Money.init(decimal:)) ?? Optional(current.expectedCredit)
                else { continue }
                _ = try await steps.credit(claim, amount: amount, reference: "CN-\(claim)")
            }
        }
    }
}
