import Fluent
import Foundation
import RetourCore

/// A document a mail carries, stored with the mail as a reference and rendered when it is sent:
/// the outbox row stays small, and the document is the one the portal would show.
struct MailAttachment: Codable, Hashable, Sendable {
    /// The request whose return form this is.
    var returnFormOf: String
    var language: String

    func filename(rma: String, texts t: Translations) -> String {
        t("mail.returnForm.filename", ["rma": rma])
    }

    /// The file to attach, or nil when its request is gone or has no RMA number any more.
    func render(catalog: TranslationCatalog, config: AppConfig, db: any Database) async throws -> MailMessage.File? {
        guard let record = try await RequestQueries.find(number: returnFormOf, on: db),
            let rma = record.rmaNumber
        else { return nil }
        let language = Language(rawValue: language) ?? .default
        let data = try await Documents.returnForm(for: record, texts: catalog[language], config: config, db: db)
        return MailMessage.File(
            filename: filename(rma: rma, texts: catalog[language]), contentType: "application/pdf", data: data)
    }
}
