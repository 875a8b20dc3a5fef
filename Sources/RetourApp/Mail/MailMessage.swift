import Foundation

/// An RFC 5322 message: UTF-8 text, base64 body, an encoded subject.
struct MailMessage {
    var from: String
    var to: String
    var subject: String
    var body: String
    var date: Date
    var id: String

    var rendered: String {
        let subjectLine =
            subject.allSatisfy { $0.isASCII } ? subject : "=?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?="
        let encoded = Data(body.utf8).base64EncodedString()
        var bodyLines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            bodyLines.append(String(encoded[index..<end]))
            index = end
        }
        return [
            "From: \(from)", "To: \(to)", "Subject: \(subjectLine)", "Date: \(Self.dateFormatter.string(from: date))",
            "Message-ID: <\(id)>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64", "",
        ].joined(separator: "\r\n") + "\r\n" + bodyLines.joined(separator: "\r\n") + "\r\n"
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
