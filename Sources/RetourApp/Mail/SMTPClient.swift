import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// A small SMTP client: EHLO, STARTTLS or implicit TLS, AUTH PLAIN, one message per connection.
/// It cannot hang: connecting, every reply and the whole conversation have time limits.
struct SMTPClient {
    let settings: MailSettings.SMTP
    let group: any EventLoopGroup

    /// Why a mail was not delivered. `permanent` failures (a 5xx reply, a refused configuration)
    /// are not retried; the others are, with a growing delay.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        var permanent = false
    }

    func send(_ message: MailMessage) async throws {
        let settings = self.settings
        if settings.username != nil && !settings.startTLS && !settings.implicitTLS && !settings.allowPlainAuth {
            throw Failure(
                description:
                    "SMTP AUTH over an unencrypted connection is refused; use RETOUR_SMTP_STARTTLS=1 or RETOUR_SMTP_TLS=1 (or allow it with RETOUR_SMTP_ALLOW_PLAIN_AUTH=1)",
                permanent: true)
        }
        let tls = try Self.tlsContext(settings)
        let lines = SMTPLines()
        let readTimeout = TimeAmount.seconds(Int64(settings.readTimeoutSeconds))
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(Int64(settings.connectTimeoutSeconds)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if settings.implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: Self.serverName(settings.host)))
                    }
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: readTimeout))
                    try channel.pipeline.syncOperations.addHandler(lines)
                }
            }
            .connect(host: settings.host, port: settings.port).get()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await Self.converse(message, settings: settings, tls: tls, channel: channel, lines: lines)
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(settings.totalTimeoutSeconds))
                    // Closing ends the conversation's wait for a reply, so the group can finish.
                    try? await channel.close().get()
                    throw Failure(description: "the SMTP server took longer than \(settings.totalTimeoutSeconds) s")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            try? await channel.close().get()
            throw error
        }
        try? await channel.close().get()
    }

    private static func converse(
        _ message: MailMessage, settings: MailSettings.SMTP, tls: NIOSSLContext, channel: any Channel,
        lines: SMTPLines
    ) async throws {
        func reply(expecting codes: Set<Int>) async throws {
            while true {
                let text = try await lines.next()
                guard text.count >= 3, let code = Int(text.prefix(3)) else {
                    throw Failure(description: "unexpected SMTP reply: \(text.prefix(200))")
                }
                if text.count > 3 && text[text.index(text.startIndex, offsetBy: 3)] == "-" { continue }
                guard codes.contains(code) else {
                    // 5xx: the server will not take this mail, now or later; its own words are kept.
                    throw Failure(description: "SMTP server answered: \(text.prefix(300))", permanent: code >= 500)
                }
                return
            }
        }
        func command(_ text: String, expecting codes: Set<Int>) async throws {
            try await channel.writeAndFlush(ByteBuffer(string: text + "\r\n")).get()
            try await reply(expecting: codes)
        }

        try await reply(expecting: [220])
        try await command("EHLO retour.local", expecting: [250])
        if settings.startTLS && !settings.implicitTLS {
            try await command("STARTTLS", expecting: [220])
            // Anything the server sent along with its 220 arrived before encryption: it is thrown
            // away, never read as an answer after it (STARTTLS command injection).
            try await channel.eventLoop.submit {
                lines.discardBuffered()
                let handler = try NIOSSLClientHandler(context: tls, serverHostname: serverName(settings.host))
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            }.get()
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
        try await channel.writeAndFlush(ByteBuffer(string: data)).get()
        try await command(".", expecting: [250])
        try? await channel.writeAndFlush(ByteBuffer(string: "QUIT\r\n")).get()
    }

    static func tlsContext(_ settings: MailSettings.SMTP) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let file = settings.caFile {
            configuration.trustRoots = .file(file)
        }
        return try NIOSSLContext(configuration: configuration)
    }

    /// SNI carries host names only; for an address literal there is nothing to name.
    static func serverName(_ host: String) -> String? {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1 { return nil }
        return host
    }
}

/// Splits what the server sends into reply lines and hands them to the conversation. Closes the
/// connection when the server stays silent past the read timeout.
final class SMTPLines: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private let state = NIOLockedValueBox(State())

    private struct State {
        var buffer = ByteBuffer()
        var ready: [String] = []
        var waiting: CheckedContinuation<String, any Error>?
        var failure: (any Error)?
    }

    static let longestLine = 4_096

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        state.withLockedValue { state in
            state.buffer.writeBuffer(&incoming)
            while let index = state.buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                let length = index - state.buffer.readerIndex + 1
                var line = state.buffer.readString(length: length) ?? ""
                while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
                state.ready.append(line)
            }
            if state.buffer.readableBytes > Self.longestLine {
                state.failure = SMTPClient.Failure(description: "the SMTP server sent an over-long line")
            }
            state.buffer.discardReadBytes()
        }
        deliver()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            fail(SMTPClient.Failure(description: "the SMTP server did not answer in time"))
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPClient.Failure(description: "the SMTP server closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    /// Forgets everything received and not yet read.
    func discardBuffered() {
        state.withLockedValue { state in
            state.buffer.clear()
            state.ready.removeAll()
        }
    }

    func next() async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            let immediate: Result<String, any Error>? = state.withLockedValue { state in
                if !state.ready.isEmpty { return .success(state.ready.removeFirst()) }
                if let failure = state.failure { return .failure(failure) }
                state.waiting = continuation
                return nil
            }
            if let immediate { continuation.resume(with: immediate) }
        }
    }

    private func fail(_ error: any Error) {
        let waiting = state.withLockedValue { state -> CheckedContinuation<String, any Error>? in
            if state.failure == nil { state.failure = error }
            defer { state.waiting = nil }
            return state.waiting
        }
        waiting?.resume(throwing: error)
    }

    private func deliver() {
        let delivery = state.withLockedValue {
            state -> (CheckedContinuation<String, any Error>, Result<String, any Error>)? in
            guard let waiting = state.waiting else { return nil }
            if !state.ready.isEmpty {
                state.waiting = nil
                return (waiting, .success(state.ready.removeFirst()))
            }
            if let failure = state.failure {
                state.waiting = nil
                return (waiting, .failure(failure))
            }
            return nil
        }
        if let (continuation, result) = delivery { continuation.resume(with: result) }
    }
}
