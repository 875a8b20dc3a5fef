/// The file types a reseller may attach, recognised by their bytes, never by their name.
public enum FileKind: String, Sendable, CaseIterable {
    case pdf
    case png
    case jpeg
    case doc
    case docx

    public static let maximumBytes = 20 * 1024 * 1024

    public var contentType: String {
        switch self {
        case .pdf: return "application/pdf"
        case .png: return "image/png"
        case .jpeg: return "image/jpeg"
        case .doc: return "application/msword"
        case .docx: return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
    }

    public var isImage: Bool { self == .png || self == .jpeg }

    /// The kind of `bytes`, or nil when it is none of the accepted ones.
    public static func detect(_ bytes: [UInt8]) -> FileKind? {
        func starts(_ prefix: [UInt8]) -> Bool {
            bytes.count >= prefix.count && Array(bytes.prefix(prefix.count)) == prefix
        }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            // An OLE2 container is a Word document when it holds a "WordDocument" stream (UTF-16 name).
            let name: [UInt8] = Array("WordDocument".utf8).flatMap { [$0, UInt8(0)] }
            return contains(bytes, name) ? .doc : nil
        }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            // A ZIP is a Word document when it holds word/document.xml.
            return contains(bytes, Array("word/document.xml".utf8)) ? .docx : nil
        }
        return nil
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
