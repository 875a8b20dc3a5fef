import Fluent
import Foundation
import RetourCore
import SQLKit

/// An administrator publishes a new version of the rules, in force from today or a later day — a
/// use case shared by the API and the policy page. Every problem is reported at once: the page's
/// own reading of its form, the policy's rules, the date and the note.
struct PublishPolicy {
    var actor: User
    var now: Date
    var today: CalendarDay

    /// `draft` is nil when the form could not be read into a policy; `formErrors` say why. Without
    /// `effectiveFrom` the version is in force from today.
    func run(
        _ draft: Policy?, formErrors: [FieldError] = [], effectiveFrom: String?, note: String?,
        on database: any Database
    ) async throws -> PolicyVersion {
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
        if note.count > 500 {
            errors.append(FieldError("note", message: Message("app.admin.atMost500Characters")))
        }
        guard errors.isEmpty, let draft else { throw Refusal.invalid(errors) }
        let from = effective
        let document = try PolicyStore.encode(draft)
        let actorID = try actor.requireID()
        return try await database.writeTransaction { db in
            if !db.isSQLite {
                // Two administrators publishing at once would both take the same next number.
                try await db.sql.raw("LOCK TABLE policy_versions IN EXCLUSIVE MODE").run()
            }
            let latest = try await PolicyVersion.query(on: db).sort(\.$version, .descending).first()?.version ?? 0
            let record = PolicyVersion()
            record.version = latest + 1
            record.effectiveFrom = from.iso
            record.document = document
            record.note = note.isEmpty ? nil : note
            record.createdBy = actorID
            record.createdAt = now
            try await record.create(on: db)
            try await AuditEvent(
                at: now, actorID: actorID, action: "policy.create", subject: "policy version \(record.version)",
                detail: "effective from \(from.iso)" + (record.note.map { ": \($0)" } ?? "")
            ).create(on: db)
            return record
        }
    }
}
