import Foundation
import RetourCore

/// A submitted request as the follow-up use cases read and change it: what was asked for (fixed
/// at submission) and what its life has made of it since.
public struct StoredRequest: Sendable, Hashable {
    // Fixed at submission.
    public var id: Int
    public var number: String
    public var reason: ReasonID
    public var fields: [String: JSONValue]
    public var companyID: Int
    public var userID: Int
    public var lineID: Int
    public var quantity: Int
    public var serials: [String]
    public var policyVersion: Int

    // Changed by its life.
    public var status: RequestStatus
    public var lastChangeAt: Date?
    public var closedOn: CalendarDay?
    public var rmaNumber: String?
    public var validUntil: CalendarDay?
    public var reminderSent = false
    public var resellerExtensions = 0
    /// The agent asked the reseller for information and waits for the answer.
    public var informationRequested = false
    /// When the reseller answered such a question; cleared by the agent's next step.
    public var answeredAt: Date?
    public var receipt: ReceivedGoods?
    public var creditNote: CreditNote?
    public var replacement: Replacement?

    public init(
        id: Int, number: String, reason: ReasonID, fields: [String: JSONValue], companyID: Int, userID: Int,
        lineID: Int, quantity: Int, serials: [String], policyVersion: Int, status: RequestStatus
    ) {
        self.id = id
        self.number = number
        self.reason = reason
        self.fields = fields
        self.companyID = companyID
        self.userID = userID
        self.lineID = lineID
        self.quantity = quantity
        self.serials = serials
        self.policyVersion = policyVersion
        self.status = status
    }

    /// What arrived at the warehouse.
    public struct ReceivedGoods: Sendable, Hashable {
        public var quantity: Int?
        public var serials: [String]?
        public var condition: ReceiptCondition?
        public var note: String?
        public var differences: ReceiptDifferences?

        public init(
            quantity: Int?, serials: [String]?, condition: ReceiptCondition?, note: String?,
            differences: ReceiptDifferences?
        ) {
            self.quantity = quantity
            self.serials = serials
            self.condition = condition
            self.note = note
            self.differences = differences
        }
    }

    /// The request's note: a credit, or the charge of a replacement that did not come back.
    public struct CreditNote: Sendable, Hashable {
        public var number: String
        public var amount: Money?
        public var kind: Settlement.Kind?
        public var reason: String?
        public var date: CalendarDay?

        public init(number: String, amount: Money?, kind: Settlement.Kind?, reason: String?, date: CalendarDay?) {
            self.number = number
            self.amount = amount
            self.kind = kind
            self.reason = reason
            self.date = date
        }
    }

    /// An advance replacement the reseller asked for.
    public struct Replacement: Sendable, Hashable {
        public var status: ReplacementStatus
        public var shipBy: CalendarDay?
        public var returnBy: CalendarDay?
        public var tracking: String?
        public var reminded = false

        public init(
            status: ReplacementStatus, shipBy: CalendarDay?, returnBy: CalendarDay?, tracking: String?, reminded: Bool
        ) {
            self.status = status
            self.shipBy = shipBy
            self.returnBy = returnBy
            self.tracking = tracking
            self.reminded = reminded
        }
    }
}

/// What a receipt found different from the request: the differences as data, or — in rows from
/// before they were data — the sentence written then, stored as `{"written": …}`.
public enum ReceiptDifferences: Codable, Sendable, Hashable {
    case found([Discrepancy])
    case written(String)

    private struct Written: Codable { var written: String }

    // Through single values only: the SQLite driver decodes a column's JSON one value at a time.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let old = try? container.decode(Written.self) {
            self = .written(old.written)
        } else {
            self = .found(try container.decode([Discrepancy].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .found(let differences): try container.encode(differences)
        case .written(let sentence): try container.encode(Written(written: sentence))
        }
    }

    /// The differences in the reader's words (older rows hold the text itself).
    public func text(_ t: Translations) -> String {
        switch self {
        case .found(let differences): return t.text(Discrepancy.summary(differences))
        case .written(let sentence): return sentence
        }
    }
}
