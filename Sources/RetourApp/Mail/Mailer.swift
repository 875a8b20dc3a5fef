import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Where finished mails go: files for the demo and development, SMTP in production, a recording
/// for tests. The outbox worker only knows this port.
protocol Mailer: Sendable {
    func send(_ message: MailMessage, id: Int) async throws
}

/// Writes each mail as a file named after its Message-ID (the default transport): the outbox id,
/// the installation and the time it was written, so that no installation replaces another's file.
struct FileMailer: Mailer {
    let directory: String

    func send(_ message: MailMessage, id: Int) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let local = message.id.prefix { $0 != "@" }.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        let path = "\(directory)/\(local.isEmpty ? String(format: "%08d", id) : String(local)).eml"
        guard FileManager.default.createFile(atPath: path, contents: Data(message.rendered.utf8)) else {
            throw ConfigError("cannot write \(path)")
        }
    }
}

/// Hands each mail to the configured SMTP server.
struct SMTPMailer: Mailer {
    let settings: MailSettings.SMTP
    let group: any EventLoopGroup

    func send(_ message: MailMessage, id: Int) async throws {
        try await SMTPClient(settings: settings, group: group).send(message)
    }
}

/// Keeps every mail in memory, for tests that read what was sent.
final class RecordingMailer: Mailer, @unchecked Sendable {
    private let lock = NIOLock()
    private var messages: [MailMessage] = []

    var sent: [MailMessage] { lock.withLock { messages } }

    func send(_ message: MailMessage, id: Int) async throws {
        lock.withLock { messages.append(message) }
    }
}

extension Application {
    private struct MailerKey: StorageKey {
        typealias Value = any Mailer
    }

    /// The transport of the outbox; chosen from the configuration unless a test set one.
    var mailer: any Mailer {
        get {
            if let chosen = storage[MailerKey.self] { return chosen }
            switch config.mailTransport {
            case .file: return FileMailer(directory: config.mailDirectory)
            case .smtp: return SMTPMailer(settings: config.smtp, group: eventLoopGroup)
            }
        }
        set { storage[MailerKey.self] = newValue }
    }
}
