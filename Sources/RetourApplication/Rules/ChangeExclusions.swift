import Foundation
import RetourCore

/// An administrator changes what is excluded from returns — per reason the article kinds, special
/// orders and non-returnable articles, or one article by its number — as a new version of the
/// rules in force from today. The version in force is read inside the transaction that publishes
/// the next one, so that two administrators at once never write over each other's change.
public struct ChangeExclusions: Sendable {
    /// What one reason excludes.
    public struct ReasonExclusions: Sendable, Hashable {
        public var kinds: Set<ArticleKind>
        public var specialOrders: Bool
        public var nonReturnable: Bool

        public init(kinds: Set<ArticleKind>, specialOrders: Bool, nonReturnable: Bool) {
            self.kinds = kinds
            self.specialOrders = specialOrders
            self.nonReturnable = nonReturnable
        }

        public init(_ rules: ReasonPolicy) {
            self.init(
                kinds: rules.excludedKinds, specialOrders: rules.excludeSpecialOrders,
                nonReturnable: rules.excludeNonReturnable)
        }
    }

    public enum Change: Sendable, Hashable {
        /// Every reason's exclusions, as the form sends them all.
        case reasons([ReasonID: ReasonExclusions])
        case excludeArticle(String)
        case includeArticle(String)
    }

    public var store: any RulesStore
    public var actorID: Int
    public var now: Date
    public var today: CalendarDay

    public init(store: any RulesStore, actorID: Int, now: Date, today: CalendarDay) {
        self.store = store
        self.actorID = actorID
        self.now = now
        self.today = today
    }

    public func run(_ change: Change) async throws -> PublishedVersion {
        let (actorID, now, today) = (actorID, now, today)
        if case .excludeArticle(let number) = change {
            let trimmed = number.trimmingWhitespace()
            guard !trimmed.isEmpty, trimmed.count <= Policy.maximumArticleNumberLength else {
                throw Refusal.invalid([FieldError("article", message: Message("exclusions.enterAnArticleNumber"))])
            }
        }
        return try await store.transaction { work in
            let next = try await work.lockLatestVersion() + 1
            var policy = try await work.policy(inForceOn: today)
            var excluded = policy.excludedArticles ?? []
            let detail: String
            switch change {
            case .reasons(let exclusions):
                for (reason, wanted) in exclusions {
                    var rules = policy[reason]
                    rules.excludedKinds = wanted.kinds
                    rules.excludeSpecialOrders = wanted.specialOrders
                    rules.excludeNonReturnable = wanted.nonReturnable
                    policy.reasons[reason] = rules
                }
                detail = "exclusions per reason"
            case .excludeArticle(let raw):
                let number = raw.trimmingWhitespace()
                guard try await work.articleExists(number) else {
                    throw Refusal.invalid(
                        [
                            FieldError(
                                "article", message: Message("exclusions.noSuchArticle", ["article": .text(number)]))
                        ])
                }
                guard !excluded.contains(number) else {
                    throw Refusal.invalid(
                        [
                            FieldError(
                                "article", message: Message("exclusions.alreadyExcluded", ["article": .text(number)]))
                        ])
                }
                excluded.insert(number)
                detail = "article \(number) excluded"
            case .includeArticle(let raw):
                let number = raw.trimmingWhitespace()
                guard excluded.contains(number) else {
                    throw Refusal.invalid(
                        [FieldError("article", message: Message("exclusions.notExcluded", ["article": .text(number)]))])
                }
                excluded.remove(number)
                detail = "article \(number) no longer excluded"
            }
            policy.excludedArticles = excluded
            let problems = policy.problems()
            guard problems.isEmpty else { throw Refusal.invalid(problems) }
            let published = try await work.addVersion(
                next, policy: policy, effectiveFrom: today, note: detail, by: actorID, at: now)
            try await work.audit(
                AuditEntry(
                    at: now, actorID: actorID, action: "policy.create", subject: "policy version \(next)",
                    detail: "effective from \(today.iso): \(detail)"))
            return published
        }
    }
}
