import Crypto
import Foundation
import MultipartKit
import RetourCore
import Vapor

/// A form whose files were streamed to temporary files while the body arrived.
struct StreamedForm {
    /// The text fields, kept as multipart parts so that the usual form decoder reads them.
    var fields: [MultipartPart] = []
    var files: [StreamedFile] = []
    /// Files over the size limit, by their field and name: skipped, so that the rest of the form is
    /// still read and shown again with the mistake at the file field.
    var oversize: [(field: String, filename: String)] = []
    /// The whole body, when it was an ordinary url-encoded form (no files possible).
    var urlEncoded: Request?

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let request = urlEncoded { return try request.content.decode(type) }
        let boundary = "retour-\(UUID().uuidString)"
        let body = try MultipartSerializer().serialize(parts: fields, boundary: boundary)
        return try FormDataDecoder().decode(type, from: body, boundary: boundary)
    }

    /// Removes the temporary files that were not stored (on an error, or when nothing wanted them).
    func discard() {
        for file in files { try? FileManager.default.removeItem(atPath: file.temporaryPath) }
    }
}

/// One uploaded file, already on disk under a temporary name.
struct StreamedFile {
    var field: String
    var filename: String
    var temporaryPath: String
    var size: Int
    var sha256: String
}

/// Reads a form body as it arrives. Files go straight to temporary files; one that passes its limit
/// is dropped and skipped (its name kept, so the form comes back with the mistake and everything
/// else typed), up to `maximumSkippedBytes` in all, after which the body is refused with 413 at
/// once; text fields are bounded too. When
/// `csrf` is given, the form's `_csrf` field (the first of every form of ours) must match it before
/// a single file byte is written.
enum UploadStream {
    static let maximumFieldBytes = 256 * 1024
    /// Bytes of oversize files read past and thrown away before the body is refused outright.
    static let maximumSkippedBytes = 64 * 1024 * 1024

    /// `skipsOversize`: a file over the limit is left out and the rest read (a page that shows the
    /// form again); otherwise the body is refused at once.
    static func read(
        _ request: Request, csrf expected: String?, maximumFiles: Int, directory: String, skipsOversize: Bool = false
    ) async throws -> StreamedForm {
        guard let type = request.headers.contentType, type.type == "multipart", type.subType == "form-data",
            let boundary = type.parameters["boundary"], !boundary.isEmpty, boundary.count <= 200
        else {
            try await BodyLimit.collect(request, max: maximumFieldBytes)
            if let expected {
                let sent =
                    (try? request.content.get(String.self, at: "_csrf")) ?? request.headers.first(name: "X-CSRF-Token")
                guard let sent, constantTimeEqual(sent, expected) else { throw csrfRefusal(request) }
            }
            return StreamedForm(urlEncoded: request)
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let state = State(
            expected: expected, checksCSRF: expected != nil,
            maximumFiles: maximumFiles, directory: directory, skipsOversize: skipsOversize)
        let parser = MultipartParser(boundary: boundary)
        let guarded = MultipartHeaderGuard(boundary: boundary)
        parser.onHeader = { name, value in state.header(name, value) }
        parser.onBody = { buffer in state.body(&buffer) }
        parser.onPartComplete = { state.complete() }
        do {
            if let collected = request.body.data {
                try feed(parser, guarded, collected)
                if let failure = state.failure { throw failure }
            } else {
                for try await chunk in request.body {
                    try feed(parser, guarded, chunk)
                    if let failure = state.failure { throw failure }
                }
            }
            if state.checksCSRF && !state.csrfMatched { throw csrfRefusal(request) }
        } catch {
            state.abandon()
            if error is State.CSRFMismatch { throw csrfRefusal(request) }
            throw error
        }
        return StreamedForm(fields: state.fields, files: state.files, oversize: state.oversize)
    }

    /// Bytes that break the multipart syntax are the client's mistake: 400.
    private static func feed(_ parser: MultipartParser, _ guarded: MultipartHeaderGuard, _ chunk: ByteBuffer) throws {
        do {
            try guarded.check(chunk)
            try parser.execute(chunk)
        } catch {
            throw Refusal(.malformed, detail: Message("app.registration.theFormCannotBeRead"))
        }
    }

    static func csrfRefusal(_ request: Request) -> Abort { CSRFMiddleware.forgery(request) }

    /// The parser's callbacks are synchronous; this keeps what they found between them.
    private final class State {
        struct CSRFMismatch: Error {}

        let expected: String?
        let checksCSRF: Bool
        let maximumFiles: Int
        let directory: String
        let skipsOversize: Bool
        var fields: [MultipartPart] = []
        var files: [StreamedFile] = []
        var failure: (any Error)?
        var csrfMatched = false
        var fieldBytes = 0
        var oversize: [(field: String, filename: String)] = []
        var skippedBytes = 0
        /// Whether the current file passed the limit: the rest of its bytes are skipped.
        private var skipping = false

        private var headers = HTTPHeaders()
        private var started = false
        private var name = ""
        private var filename: String?
        private var value = ByteBuffer()
        private var handle: FileHandle?
        private var path = ""
        private var size = 0
        private var hasher = SHA256()

        init(expected: String?, checksCSRF: Bool, maximumFiles: Int, directory: String, skipsOversize: Bool) {
            self.skipsOversize = skipsOversize
            self.expected = expected
            self.checksCSRF = checksCSRF
            self.maximumFiles = maximumFiles
            self.directory = directory
        }

        func header(_ field: String, _ value: String) {
            headers.add(name: field, value: value)
        }

        private func begin() {
            guard !started else { return }
            started = true
            let disposition = headers.first(name: .contentDisposition) ?? ""
            name = Self.parameter("name", in: disposition) ?? ""
            filename = Self.parameter("filename", in: disposition)
        }

        func body(_ buffer: inout ByteBuffer) {
            guard failure == nil else { return }
            begin()
            guard let filename else {
                fieldBytes += buffer.readableBytes
                guard fieldBytes <= UploadStream.maximumFieldBytes else {
                    failure = Abort(.payloadTooLarge)
                    return
                }
                value.writeBuffer(&buffer)
                return
            }
            guard !filename.isEmpty || buffer.readableBytes > 0 else { return }
            if skipping {
                skippedBytes += buffer.readableBytes
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                if skippedBytes > UploadStream.maximumSkippedBytes { failure = Self.tooLarge }
                return
            }
            if handle == nil {
                guard !checksCSRF || csrfMatched else {
                    failure = CSRFMismatch()
                    return
                }
                guard files.count < maximumFiles else {
                    failure = Refusal(
                        .tooManyAttempts,
                        detail: Message("app.registration.tooManyFilesAtOnceAt", ["maximumFiles": "\(maximumFiles)"]))
                    return
                }
                path = directory + "/upload-" + UUID().uuidString
                guard FileManager.default.createFile(atPath: path, contents: nil),
                    let opened = FileHandle(forWritingAtPath: path)
                else {
                    failure = Abort(.internalServerError, reason: "cannot write \(path)")
                    return
                }
                handle = opened
                size = 0
                hasher = SHA256()
            }
            size += buffer.readableBytes
            guard size <= FileKind.maximumBytes else {
                guard skipsOversize else {
                    failure = Self.tooLarge
                    return
                }
                // The file goes; the form goes on being read, with the bytes past it counted.
                try? handle?.close()
                handle = nil
                try? FileManager.default.removeItem(atPath: path)
                path = ""
                oversize.append((name, filename))
                skipping = true
                skippedBytes += size
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                if skippedBytes > UploadStream.maximumSkippedBytes { failure = Self.tooLarge }
                return
            }
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            hasher.update(data: bytes)
            do { try handle?.write(contentsOf: bytes) } catch { failure = error }
        }

        static var tooLarge: Refusal {
            Refusal(
                .tooLarge, detail: Message("app.registration.aFileMayBeAtMost"),
                errors: [FieldError("file", message: Message("app.registration.theFileIsLargerThan20"))])
        }

        func complete() {
            guard failure == nil else { return }
            begin()
            if skipping {
                skipping = false
            } else if let filename {
                if let handle {
                    try? handle.close()
                    self.handle = nil
                    let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
                    files.append(
                        StreamedFile(field: name, filename: filename, temporaryPath: path, size: size, sha256: digest))
                }
            } else {
                if name == "_csrf", let expected,
                    constantTimeEqual(String(buffer: value), expected)
                {
                    csrfMatched = true
                }
                var part = MultipartPart(headers: headers, body: value)
                part.headers.remove(name: .contentType)
                fields.append(part)
            }
            headers = HTTPHeaders()
            started = false
            name = ""
            filename = nil
            value = ByteBuffer()
        }

        /// Removes every file written so far: a refused body leaves nothing behind.
        func abandon() {
            try? handle?.close()
            handle = nil
            if !path.isEmpty { try? FileManager.default.removeItem(atPath: path) }
            for file in files { try? FileManager.default.removeItem(atPath: file.temporaryPath) }
        }

        /// `name="…"` from a Content-Disposition header.
        static func parameter(_ key: String, in header: String) -> String? {
            for piece in header.split(separator: ";") {
                let pair = piece.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].lowercased() == key else { continue }
                var value = String(pair[1])
                if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 {
                    value = String(value.dropFirst().dropLast())
                }
                return value
            }
            return nil
        }
    }
}
