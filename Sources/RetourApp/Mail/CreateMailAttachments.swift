import Fluent

/// Migration 011 — the documents a mail carries (the return form of each ship-directly request of
/// a confirmation), rendered when the mail is sent.
struct CreateMailAttachments: AsyncMigration {
    var name: String { "RetourApp.CreateMailAttachments" }

    func prepare(on database: any Database) async throws {
        try await database.schema("mail_outbox").field("attachments", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("mail_outbox").deleteField("attachments").update()
    }
}
