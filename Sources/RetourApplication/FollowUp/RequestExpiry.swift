import Foundation
import RetourCore

/// Expires RMA numbers whose days have passed and reminds the reseller the day before. Each
/// request is handled in a transaction of its own, claimed so that several workers never take the
/// same one.
public struct RequestExpiry: Sendable {
    public var store: any RequestStore
    public var now: Date
    public var today: CalendarDay

    public init(store: any RequestStore, now: Date, today: CalendarDay) {
        self.store = store
        self.now = now
        self.today = today
    }

    public struct Round: Sendable, Hashable {
        public var expired = 0
        public var reminded = 0
        /// Requests whose reminder nobody could receive (the login is gone or disabled): marked as
        /// done, so that they do not hold up the others.
        public var unreachable: [String] = []

        public init(expired: Int = 0, reminded: Int = 0, unreachable: [String] = []) {
            self.expired = expired
            self.reminded = reminded
            self.unreachable = unreachable
        }
    }

    public func runOnce() async throws -> Round {
        var round = Round()
        let steps = RequestSteps(store: store, actor: .system, actorID: nil, now: now, today: today)
        let today = today
        while true {
            let expired = try await store.transaction { work -> Bool in
                guard let request = try await work.claimRequest(.expired(today: today)) else { return false }
                _ = try await steps.apply(.expire, to: request, message: nil, work: work)
                return true
            }
            guard expired else { break }
            round.expired += 1
        }
        let now = now
        while true {
            let reminded = try await store.transaction { work -> (number: String, sent: Bool)? in
                guard var request = try await work.claimRequest(.rmaReminder(lastDay: today.adding(days: 1))) else {
                    return nil
                }
                request.reminderSent = true
                try await work.save(request)
                let sent = try await work.tell(.rmaEndsTomorrow, about: request, by: .system, actorID: nil, at: now)
                return (request.number, sent)
            }
            guard let reminded else { break }
            if reminded.sent { round.reminded += 1 } else { round.unreachable.append(reminded.number) }
        }
        return round
    }
}
