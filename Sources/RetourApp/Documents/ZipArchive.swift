import Foundation

/// A ZIP archive of stored (uncompressed) entries: photos and PDFs are compressed already, and
/// every unzip tool reads it. Names are kept to plain ASCII so no reader mangles them.
struct ZipArchive {
    private var body = Data()
    private var directory = Data()
    private var count: UInt16 = 0
    /// Entries and sizes stay within the classic format's 32-bit fields.
    static let maximumSize = Int(UInt32.max) - 1

    enum Failure: Error { case tooLarge }

    mutating func add(_ name: String, _ data: Data) throws {
        let name = Data(Self.plain(name).utf8)
        guard body.count + data.count + name.count + 30 < Self.maximumSize, count < UInt16.max else {
            throw Failure.tooLarge
        }
        let crc = CRC32.checksum(data)
        let offset = UInt32(body.count)
        var local = Data()
        local.append(le32: 0x0403_4b50)
        local.append(le16: 20)  // version needed
        local.append(le16: 0x0800)  // names are UTF-8
        local.append(le16: 0)  // stored
        local.append(le16: 0)  // time
        local.append(le16: 0x21)  // date: 1980-01-01
        local.append(le32: crc)
        local.append(le32: UInt32(data.count))
        local.append(le32: UInt32(data.count))
        local.append(le16: UInt16(name.count))
        local.append(le16: 0)
        body.append(local)
        body.append(name)
        body.append(data)

        directory.append(le32: 0x0201_4b50)
        directory.append(le16: 20)
        directory.append(le16: 20)
        directory.append(le16: 0x0800)
        directory.append(le16: 0)
        directory.append(le16: 0)
        directory.append(le16: 0x21)
        directory.append(le32: crc)
        directory.append(le32: UInt32(data.count))
        directory.append(le32: UInt32(data.count))
        directory.append(le16: UInt16(name.count))
        directory.append(le16: 0)  // extra
        directory.append(le16: 0)  // comment
        directory.append(le16: 0)  // disk
        directory.append(le16: 0)  // internal attributes
        directory.append(le32: 0)  // external attributes
        directory.append(le32: offset)
        directory.append(name)
        count += 1
    }

    var size: Int { body.count + directory.count + 22 }

    func finish() -> Data {
        var result = body
        result.append(directory)
        result.append(le32: 0x0605_4b50)
        result.append(le16: 0)
        result.append(le16: 0)
        result.append(le16: count)
        result.append(le16: count)
        result.append(le32: UInt32(directory.count))
        result.append(le32: UInt32(body.count))
        result.append(le16: 0)
        return result
    }

    /// Letters, digits and `.-_/` only; anything else becomes `_`.
    static func plain(_ name: String) -> String {
        String(
            name.unicodeScalars.map { scalar -> Character in
                let allowed =
                    scalar.isASCII
                    && (CharacterSet.alphanumerics.contains(scalar) || "._-/".unicodeScalars.contains(scalar))
                return allowed ? Character(scalar) : "_"
            }
        ).replacingOccurrences(of: "..", with: "_")
    }
}

enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

extension Data {
    fileprivate mutating func append(le16 value: UInt16) {
        append(UInt8(value & 0xFF))
        append(UInt8(value >> 8))
    }

    fileprivate mutating func append(le32 value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}
