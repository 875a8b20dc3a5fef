import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit
import Vapor

/// One submitted request, as the API contract answers it.
struct SubmittedRequestView: Content {
    var number: String
    var rmaNumber: String?
    var validUntil: String?
    var status: String
    var outcome: String
    var shipDirectly: Bool
    var message: String
    var position: Int

    enum CodingKeys: String, CodingKey {
        case number, rmaNumber, validUntil, status, outcome, shipDirectly, message, position
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(number, forKey: .number)
        try container.encode(rmaNumber, forKey: .rmaNumber)
        try container.encode(validUntil, forKey: .validUntil)
        try container.encode(status, forKey: .status)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(shipDirectly, forKey: .shipDirectly)
        try container.encode(message, forKey: .message)
        try container.encode(position, forKey: .position)
    }
}

extension SubmittedRequestView {
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        number = try container.decode(String.self, forKey: .number)
        rmaNumber = try container.decodeIfPresent(String.self, forKey: .rmaNumber)
        validUntil = try container.decodeIfPresent(String.self, forKey: .validUntil)
        status = try container.decode(String.self, forKey: .status)
        outcome = try container.decode(String.self, forKey: .outcome)
        shipDirectly = try container.decode(Bool.self, forKey: .shipDirectly)
        message = try container.decode(String.self, forKey: .message)
        position = try container.decode(Int.self, forKey: .position)
    }
}

/// What a submission answers: the requests made, or — when the company's four-eyes rule holds
/// it — the approval it waits for (then only `approval`, as the contract's 202 says).
struct SubmissionAnswer: Content {
    var requests: [SubmittedRequestView]
    var approval: WaitingApprovalView?

    init(requests: [SubmittedRequestView], approval: WaitingApprovalView? = nil) {
        self.requests = requests
        self.approval = approval
    }

    enum CodingKeys: String, CodingKey { case requests, approval }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requests = try container.decodeIfPresent([SubmittedRequestView].self, forKey: .requests) ?? []
        approval = try container.decodeIfPresent(WaitingApprovalView.self, forKey: .approval)
    }

    /// The answer while the submission waits for approval: only the approval.
    struct Waiting: Content {
        var approval: WaitingApprovalView
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let approval {
            try Waiting(approval: approval).encode(to: encoder)
        } else {
            try container.encode(requests, forKey: .requests)
        }
    }

    var status: HTTPStatus { approval == nil ? .created : .accepted }
}

/// A submission waiting for a colleague's approval, as the API answers it.
struct WaitingApprovalView: Content {
    var id: Int
    var status: String
    var amount: String
}

extension SubmissionAnswer {
    /// The submission as the API contract answers it.
    init(_ submission: Submission) {
        self.init(
            requests: submission.requests.map {
                SubmittedRequestView(
                    number: $0.number, rmaNumber: $0.rmaNumber, validUntil: $0.validUntil?.iso,
                    status: $0.status.rawValue, outcome: $0.outcome.rawValue, shipDirectly: $0.outcome == .shipDirectly,
                    message: $0.message, position: $0.position)
            },
            approval: submission.approval.map {
                WaitingApprovalView(id: $0.id, status: $0.status.rawValue, amount: $0.amount.decimalString)
            })
    }

    /// The answer as kept with an idempotency key, read back; nil where it cannot be read.
    var submission: Submission? {
        var requests: [SubmittedRequest] = []
        for view in self.requests {
            guard let status = RequestStatus(rawValue: view.status), let outcome = Outcome(rawValue: view.outcome)
            else { return nil }
            requests.append(
                SubmittedRequest(
                    number: view.number, rmaNumber: view.rmaNumber,
                    validUntil: view.validUntil.flatMap(CalendarDay.init(iso:)),
                    status: status, outcome: outcome, message: view.message, position: view.position))
        }
        var waiting: WaitingApproval?
        if let approval {
            guard let status = ApprovalStatus(rawValue: approval.status), let amount = Money(decimal: approval.amount)
            else { return nil }
            waiting = WaitingApproval(id: approval.id, status: status, amount: amount)
        }
        return Submission(requests: requests, approval: waiting)
    }
}

extension Request {
    /// Submitting `user`'s cart now, answered in their language.
    func submitCart(user: User, idempotencyKey: String?) throws -> SubmitCart {
        try application.submitCart(
            user: user, idempotencyKey: idempotencyKey, now: now, today: today, language: language,
            store: DatabaseCartStore(database: db, settings: storeSettings))
    }
}

extension Application {
    /// Submitting `user`'s cart, answered in their own language (`language` where they have none).
    func submitCart(
        user: User, idempotencyKey: String?, now: Date, today: CalendarDay, language: Language,
        store: DatabaseCartStore
    ) throws -> SubmitCart {
        SubmitCart(
            store: store, userID: try user.requireID(), companyID: user.companyID, rights: user.rights,
            idempotencyKey: idempotencyKey, now: now, today: today,
            texts: translationCatalog[user.language ?? language],
            countryNames: translationCatalog.all)
    }
}

extension SubmitCart {
    /// Runs the submission and counts it: made, or refused for a clash with another.
    func answer() async throws -> SubmissionAnswer {
        do {
            let submission = try await run()
            RetourMetrics.submissions("created").increment()
            return SubmissionAnswer(submission)
        } catch let refusal as Refusal where refusal.kind == .conflict {
            RetourMetrics.submissions("conflict").increment()
            throw refusal
        }
    }
}
