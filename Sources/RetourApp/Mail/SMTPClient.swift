import Foundation
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL

/// A small SMTP client: EHLO, optional STARTTLS and AUTH PLAIN, one message per connection.
struct SMTPClient {
    let settings: MailSettings.SMTP
    let group: any EventLoopGroup

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func send(_ message: MailMessage) async throws {
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let settings = self.settings
        try await channel.executeThenClose { inbound, outbound in
            var replies = inbound.makeAsyncIterator()
            func reply(expecting codes: Set<Int>) async throws {
                while true {
                    guard var line = try await replies.next(), let text = line.readString(length: line.readableBytes)
                    else {
                        throw Failure(description: "the SMTP server closed the connection")
                    }
                    let trimmed = text.hasSuffix("\r") ? String(text.dropLast()) : text
                    guard trimmed.count >= 3, let code = Int(trimmed.prefix(3)) else {
                        throw Failure(description: "unexpected SMTP reply: \(trimmed)")
                    }
                    if trimmed.count > 3 && trimmed[trimmed.index(trimmed.startIndex, offsetBy: 3)] == "-" { continue }
                    guard codes.contains(code) else { throw Failure(description: "SMTP server answered: \(trimmed)") }
                    return
                }
            }
            func command(_ text: String, expecting codes: Set<Int>) async throws {
                try await outbound.write(ByteBuffer(string: text + "\r\n"))
                try await reply(expecting: codes)
            }

            try await reply(expecting: [220])
            try await command("EHLO retour.local", expecting: [250])
            if settings.startTLS {
                try await command("STARTTLS", expecting: [220])
                let context = try NIOSSLContext(configuration: .makeClientConfiguration())
                let handler = try NIOSSLClientHandler(context: context, serverHostname: settings.host)
                try await channel.channel.pipeline.addHandler(handler, position: .first)
                try await command("EHLO retour.local", expecting: [250])
            }
            if let username = settings.username, let password = settings.password {
                let token = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
                try await command("AUTH PLAIN \(token)", expecting: [235])
            }
            try await command("MAIL FROM:<\(MailMessage.address(message.from))>", expecting: [250])
            try await command("RCPT TO:<\(MailMessage.address(message.to))>", expecting: [250, 251])
            try await command("DATA", expecting: [354])
            // Dot-stuffing: a line starting with "." gets a second one.
            let data = message.rendered.split(separator: "\r\n", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
            try await outbound.write(ByteBuffer(string: data))
            try await command(".", expecting: [250])
            try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
        }
    }
}
