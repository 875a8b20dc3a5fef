/// Reads a JSON document of the form `{"section": [record, record, …], …}` piece by piece, from
/// chunks of bytes, so that an import of any size never holds more than one record at a time. It
/// does not interpret a record: it hands over its bytes (for `JSONDecoder`) or skips them.
public struct JSONSectionReader {
    public struct Malformed: Error, Sendable {
        /// Bytes read before the problem.
        public let offset: Int
    }

    private let nextChunk: () throws -> [UInt8]?
    private var buffer: [UInt8] = []
    private var position = 0
    private var consumed = 0
    private var started = false
    private var finished = false
    /// The source said it has no more bytes: it is not asked again.
    private var exhausted = false

    /// `nextChunk` returns the document's next bytes, nil at its end.
    public init(nextChunk: @escaping () throws -> [UInt8]?) {
        self.nextChunk = nextChunk
    }

    /// Bytes of the document read so far.
    public var bytesRead: Int { consumed + position }

    // MARK: sections

    /// The next section's name, positioned at its value; nil after the document's last section.
    public mutating func nextSection() throws -> String? {
        guard !finished else { return nil }
        try skipWhitespace()
        if !started {
            guard try take() == UInt8(ascii: "{") else { throw malformed() }
            started = true
            try skipWhitespace()
            if try peek() == UInt8(ascii: "}") {
                _ = try take()
                return try end()
            }
        } else {
            switch try take() {
            case UInt8(ascii: ","): try skipWhitespace()
            case UInt8(ascii: "}"): return try end()
            default: throw malformed()
            }
        }
        let name = try readKey()
        try skipWhitespace()
        guard try take() == UInt8(ascii: ":") else { throw malformed() }
        try skipWhitespace()
        return name
    }

    /// Whether the current section's value is an array (then read it with `nextRecord`).
    public mutating func sectionIsArray() throws -> Bool { try peek() == UInt8(ascii: "[") }

    /// The bytes of the section's next record, or nil after its last. `keep: false` skips it.
    public mutating func nextRecord(keep: Bool = true) throws -> [UInt8]? {
        try skipWhitespace()
        switch try peek() {
        case UInt8(ascii: "["):
            _ = try take()
            try skipWhitespace()
            if try peek() == UInt8(ascii: "]") {
                _ = try take()
                return nil
            }
        case UInt8(ascii: ","):
            _ = try take()
            try skipWhitespace()
        case UInt8(ascii: "]"):
            _ = try take()
            return nil
        default:
            throw malformed()
        }
        var bytes: [UInt8]? = keep ? [] : nil
        try scanValue(into: &bytes)
        try skipWhitespace()
        guard let next = try peek(), next == UInt8(ascii: ",") || next == UInt8(ascii: "]") else { throw malformed() }
        return bytes ?? []
    }

    /// The bytes of the current section's whole value (a section that is small, or not an array).
    public mutating func sectionValue(keep: Bool = true) throws -> [UInt8] {
        var bytes: [UInt8]? = keep ? [] : nil
        try scanValue(into: &bytes)
        return bytes ?? []
    }

    private mutating func end() throws -> String? {
        finished = true
        try skipWhitespace()
        guard try peek() == nil else { throw malformed() }
        return nil
    }

    // MARK: values

    /// Scans one JSON value, copying its bytes into `bytes` when given. Strings are followed through
    /// their escapes; objects and arrays by their depth. The value's own syntax is `JSONDecoder`'s
    /// to check: here only its extent matters.
    private mutating func scanValue(into bytes: inout [UInt8]?) throws {
        guard let first = try peek() else { throw malformed() }
        switch first {
        case UInt8(ascii: "\""):
            try scanString(into: &bytes)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            repeat {
                guard let byte = try peek() else { throw malformed() }
                switch byte {
                case UInt8(ascii: "\""):
                    try scanString(into: &bytes)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
                bytes?.append(byte)
                position += 1
            } while depth > 0
        default:
            // A number, true, false or null: up to the next delimiter.
            while let byte = try peek(), !Self.isDelimiter(byte) {
                bytes?.append(byte)
                position += 1
            }
        }
    }

    private mutating func scanString(into bytes: inout [UInt8]?) throws {
        // Each byte is taken whether it is kept or not: `bytes?.append(try take())` would skip the
        // take when nothing is kept.
        let quote = try take()
        bytes?.append(quote)
        while true {
            let byte = try take()
            bytes?.append(byte)
            if byte == UInt8(ascii: "\\") {
                let escaped = try take()
                bytes?.append(escaped)
            } else if byte == UInt8(ascii: "\"") {
                return
            }
        }
    }

    /// A section name, its escapes read as JSON reads them (an unknown section is named in the
    /// error, whatever characters it has).
    private mutating func readKey() throws -> String {
        var bytes: [UInt8]? = []
        try scanString(into: &bytes)
        guard let bytes, bytes.count >= 2 else { throw malformed() }
        let body = Array(bytes.dropFirst().dropLast())
        guard body.contains(UInt8(ascii: "\\")) else { return String(decoding: body, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        var plain: [UInt8] = []
        func flushPlain() {
            scalars.append(contentsOf: String(decoding: plain, as: UTF8.self).unicodeScalars)
            plain = []
        }
        var index = 0
        func hex4() throws -> UInt32 {
            guard index + 4 <= body.count,
                let value = UInt32(String(decoding: body[index..<index + 4], as: UTF8.self), radix: 16)
            else { throw malformed() }
            index += 4
            return value
        }
        while index < body.count {
            let byte = body[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                plain.append(byte)
                continue
            }
            flushPlain()
            guard index < body.count else { throw malformed() }
            let escape = body[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(Unicode.Scalar(escape))
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800...0xDBFF).contains(code) {
                    // A surrogate pair: the low half must follow.
                    guard index + 2 <= body.count, body[index] == UInt8(ascii: "\\"),
                        body[index + 1] == UInt8(ascii: "u")
                    else { throw malformed() }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw malformed() }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw malformed() }
                scalars.append(scalar)
            default:
                throw malformed()
            }
        }
        flushPlain()
        return String(scalars)
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") || isWhitespace(byte)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    // MARK: bytes

    private mutating func skipWhitespace() throws {
        while let byte = try peek(), Self.isWhitespace(byte) { position += 1 }
    }

    /// The next byte without taking it; nil at the document's end.
    private mutating func peek() throws -> UInt8? {
        if position == buffer.count, try !refill() { return nil }
        return buffer[position]
    }

    private mutating func take() throws -> UInt8 {
        if position == buffer.count, try !refill() { throw malformed() }
        defer { position += 1 }
        return buffer[position]
    }

    private mutating func refill() throws -> Bool {
        while !exhausted {
            guard let chunk = try nextChunk() else {
                exhausted = true
                return false
            }
            if chunk.isEmpty { continue }
            consumed += buffer.count
            buffer = chunk
            position = 0
            return true
        }
        return false
    }

    private func malformed() -> Malformed { Malformed(offset: bytesRead) }
}
