import Fluent
import RetourCore

/// A message in a request's thread, from the reseller or an agent, with files of the request's own
/// company — a use case shared by the API and the page.
struct PostMessage {
    var context: RequestActions.Context
    var author: User
    var text: String
    var attachmentIDs: [String]

    /// The message as it will be kept, or the field error: checked before files are stored.
    static func checkedText(_ raw: String?) throws -> String {
        let text = (raw ?? "").trimmingWhitespace()
        guard !text.isEmpty, text.count <= RequestAction.messageMaximumLength else {
            throw Refusal.invalid([FieldError("message", message: Message("app.followup.writeAMessageAtMost4000"))])
        }
        return text
    }

    @discardableResult
    func run(on record: ReturnRequest, database: any Database) async throws -> ReturnRequest {
        let text = try Self.checkedText(text)
        for id in attachmentIDs {
            // Only files of the request's own company, whoever attaches them: an agent sees every
            // company's files, but must never hand one company's file to another.
            guard let file = try await AttachmentStore.visible(id, to: author, on: database),
                file.companyID == record.companyID
            else {
                throw Refusal.invalid([FieldError("attachments", message: Message("app.followup.unknownAttachment"))])
            }
        }
        return try await RequestActions.perform(
            .message, on: record, context: context, message: text, attachments: attachmentIDs, database: database)
    }
}
