import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

/// Files as clients send them: a multipart body, and the smallest bytes that read as a JPEG.
enum TestUploads {
    static func multipart(_ parts: [(name: String, filename: String?, bytes: [UInt8])], boundary: String = "b")
        -> ByteBuffer
    {
        var body = ByteBuffer()
        for part in parts {
            let file = part.filename.map { "; filename=\"\($0)\"" } ?? ""
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\"\(file)\r\n\r\n")
            body.writeBytes(part.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        return body
    }

    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]
}
