import Foundation
import RetourCore

/// An administrator publishes a new version of the rules, in force from today or a later day — a
/// use case shared by the API and the policy page. Every problem is reported at once: the page's
/// own reading of its form, the policy's rules, the date and the note.
public struct PublishPolicy: Sendable {
    public var store: any RulesStore
    public var actorID: Int
    public var now: Date
    public var today: CalendarDay

    public static let maximumNote = 500

    public init(store: any RulesStore, actorID: Int, now: Date, today: CalendarDay) {
        self.store = store
        self.actorID = actorID
        self.now = now
        self.today = today
    }

    /// `draft` is nil when the form could not be read into a policy; `formErrors` say why. Without
    /// `effectiveFrom` the version is in force from today.
    public func run(_ draft: Policy?, formErrors: [FieldError] = [], effectiveFrom: String?, note: String?)
        async throws -> PublishedVersion
    {
        let (draft, effective, note) = try check(
            draft, formErrors: formErrors, effectiveFrom: effectiveFrom, note: note)
        let from = effective
        let (actorID, now) = (actorID, now)
        return try await store.transaction { work in
            let next = try await work.lockLatestVersion() + 1
            let published = try await work.addVersion(
                next, policy: draft, effectiveFrom: from, note: note, by: actorID, at: now)
            try await work.audit(
                AuditEntry(
                    at: now, actorID: actorID, action: "policy.create", subject: "policy version \(next)",
                    detail: "effective from \(from.iso)" + (published.note.map { ": \($0)" } ?? "")))
            return published
        }
    }

    /// What `run` would publish — the policy, its first day and its note — or every problem at once;
    /// the page asks for confirmation with this before it publishes.
    public func check(_ draft: Policy?, formErrors: [FieldError] = [], effectiveFrom: String?, note: String?) throws
        -> (policy: Policy, effectiveFrom: CalendarDay, note: String?)
    {
        var errors = formErrors + (draft?.problems() ?? [])
        var effective = today
        if let raw = effectiveFrom {
            if let day = CalendarDay(iso: raw.trimmingWhitespace()), day >= today {
                effective = day
            } else {
                errors.append(FieldError("effectiveFrom", message: Message("app.admin.chooseTodayOrLaterAsYyyy")))
            }
        }
        let note = (note ?? "").trimmingWhitespace()
        if note.count > Self.maximumNote {
            errors.append(FieldError("note", message: Message("app.admin.atMost500Characters")))
        }
        guard errors.isEmpty, let draft else { throw Refusal.invalid(errors) }
        return (draft, effective, note.isEmpty ? nil : note)
    }
}
