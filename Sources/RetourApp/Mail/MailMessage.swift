import Foundation

/// An RFC 5322 message: UTF-8 text, base64 body, an encoded subject; with files, multipart/mixed.
struct MailMessage {
    struct File {
        var filename: String
        var contentType: String
        var data: Data
    }

    var from: String
    var to: String
    var subject: String
    var body: String
    var date: Date
    var id: String
    var files: [File] = []

    var rendered: String {
        var headers = [
            "From: \(from)", "To: \(to)", "Subject: \(Self.encodedWord(subject))",
            "Date: \(Self.dateFormatter.string(from: date))", "Message-ID: <\(id)>", "MIME-Version: 1.0",
        ]
        let text = [
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "",
            Self.base64Lines(Data(body.utf8)),
        ]
        guard !files.isEmpty else { return (headers + text).joined(separator: "\r\n") + "\r\n" }
        // The boundary is derived from the message id: unique per mail, never part of base64 text.
        let boundary = "=_retour_" + String(id.filter { $0.isLetter || $0.isNumber }.prefix(40))
        headers.append("Content-Type: multipart/mixed; boundary=\"\(boundary)\"")
        var parts = headers + ["", "--\(boundary)"] + text
        for file in files {
            let name = Self.encodedWord(file.filename).replacingOccurrences(of: "\"", with: "")
            parts += [
                "--\(boundary)", "Content-Type: \(file.contentType); name=\"\(name)\"",
                "Content-Disposition: attachment; filename=\"\(name)\"", "Content-Transfer-Encoding: base64", "",
                Self.base64Lines(file.data),
            ]
        }
        parts.append("--\(boundary)--")
        return parts.joined(separator: "\r\n") + "\r\n"
    }

    private static func encodedWord(_ text: String) -> String {
        text.allSatisfy { $0.isASCII } ? text : "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    private static func base64Lines(_ data: Data) -> String {
        let encoded = data.base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines.joined(separator: "\r\n")
    }

    /// The bare address of "Name <address>".
    static func address(_ text: String) -> String {
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            return String(text[text.index(after: open)..<close])
        }
        return text.trimmingCharacters(in: .whitespaces)
    }

    private static let dateFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter
    }()
}
