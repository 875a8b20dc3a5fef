import NIOCore
import RetourCore
import Vapor

/// MultipartKit 4.7.1 looks up each byte of a part's header name in a 128-entry table: a byte of
/// 128 or more crashes the whole process. Every multipart body is watched by this guard before the
/// parser sees it, and such a body is refused as malformed (400). Header values (file names in
/// UTF-8) and the parts' contents are not concerned.
final class MultipartHeaderGuard {
    struct Malformed: Error {}

    private var scanner: Scanner

    init(boundary: String) { scanner = Scanner(boundary: boundary) }

    /// Each byte goes through a local copy of the scanner: the bytes of a 20 MB file then cost no
    /// exclusivity check of a class property each (they made the upload slow).
    func check(_ buffer: ByteBuffer) throws {
        var local = scanner
        defer { scanner = local }
        try buffer.withUnsafeReadableBytes { bytes in
            for byte in bytes { try local.check(byte) }
        }
    }

    private struct Scanner {
        private enum State {
            /// Part content or the preamble: looking for the next delimiter.
            case content
            /// Just after a delimiter: "\r\n" opens the headers, "--" closes the body.
            case afterDelimiter
            case lineStart
            case name
            case value
            case endOfHeaders
        }

        private let delimiter: [UInt8]
        /// The last bytes of content, as many as a line break and a delimiter: a ring, so that each byte
        /// of a 20 MB file costs the same few steps (an array shifted at every byte made the upload slow).
        private var ring: [UInt8]
        private var ringStart = 0
        private var ringCount = 0
        private var state = State.content

        init(boundary: String) {
            delimiter = Array("--\(boundary)".utf8)
            ring = Array(repeating: 0, count: delimiter.count + 2)
            // The body's first delimiter may come without a line break before it.
            push(UInt8(ascii: "\r"))
            push(UInt8(ascii: "\n"))
        }

        private mutating func push(_ byte: UInt8) {
            if ringCount < ring.count {
                ring[(ringStart + ringCount) % ring.count] = byte
                ringCount += 1
            } else {
                ring[ringStart] = byte
                ringStart = (ringStart + 1) % ring.count
            }
        }

        /// Whether the content seen last is a line break and the delimiter.
        private var atDelimiter: Bool {
            guard ringCount == ring.count, ring[ringStart] == UInt8(ascii: "\r"),
                ring[(ringStart + 1) % ring.count] == UInt8(ascii: "\n")
            else { return false }
            for (offset, byte) in delimiter.enumerated() where ring[(ringStart + 2 + offset) % ring.count] != byte {
                return false
            }
            return true
        }

        mutating func check(_ byte: UInt8) throws {
            switch state {
            case .content:
                push(byte)
                if byte == delimiter.last, atDelimiter {
                    state = .afterDelimiter
                    ringCount = 0
                }
            case .afterDelimiter:
                if byte == UInt8(ascii: "\n") { state = .lineStart }
                // The closing delimiter: nothing that follows matters.
                if byte == UInt8(ascii: "-") { state = .content }
            case .lineStart:
                if byte == UInt8(ascii: "\r") {
                    state = .endOfHeaders
                } else {
                    state = .name
                    try name(byte)
                }
            case .name:
                if byte == UInt8(ascii: ":") { state = .value } else { try name(byte) }
            case .value:
                if byte == UInt8(ascii: "\n") { state = .lineStart }
            case .endOfHeaders:
                state = .content
                ringCount = 0
            }
        }

        private func name(_ byte: UInt8) throws {
            if byte >= 0x80 { throw MultipartHeaderGuard.Malformed() }
        }
    }
}

/// Multipart bodies are read only where files are uploaded, and only once checked: a route that
/// streams its uploads feeds the guard itself (`UploadStream`); for any other route the body is
/// collected within its limit and checked before a decoder sees it.
struct MultipartSafetyMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let type = request.headers.contentType, type.type == "multipart",
            request.route?.userInfo[BodyLimit.streamsUploadKey] as? Bool != true
        else { return try await next.respond(to: request) }
        guard let boundary = type.parameters["boundary"], !boundary.isEmpty, boundary.count <= 200 else {
            throw Refusal(.malformed, detail: Message("app.registration.theFormCannotBeRead"))
        }
        try await BodyLimit.collect(request, max: BodyLimit.allowed(for: request))
        if let body = request.body.data {
            do { try MultipartHeaderGuard(boundary: boundary).check(body) } catch {
                throw Refusal(.malformed, detail: Message("app.registration.theFormCannotBeRead"))
            }
        }
        return try await next.respond(to: request)
    }
}
