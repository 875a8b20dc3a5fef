import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The answer of `GET /api/v1/lines` written straight into bytes: the same JSON as the Codable
/// encoding with the API's settings (keys sorted, "/" not escaped, absent values as null), which
/// `LineSearchJSONTests` holds it to. Measured (docs/benchmarks.md, issue 26): Foundation's
/// encoder took a fifth of the process's time on the week's search.
extension LineSearchResult {
    public func encodeResponse(for request: Request) async throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: Data(json)))
    }

    /// The JSON bytes of this answer.
    var json: [UInt8] {
        var out = JSONBytes()
        out.reserve(512 + documents.reduce(0) { $0 + $1.lines.count } * 700)
        out.raw("{\"documents\":[")
        for (index, document) in documents.enumerated() {
            if index > 0 { out.raw(",") }
            out.raw("{\"date\":")
            out.string(document.date)
            out.raw(",\"kind\":")
            out.string(document.kind)
            out.raw(",\"lines\":[")
            for (lineIndex, line) in document.lines.enumerated() {
                if lineIndex > 0 { out.raw(",") }
                line.write(to: &out)
            }
            out.raw("],\"number\":")
            out.string(document.number)
            out.raw("}")
        }
        out.raw("],\"page\":\(page),\"per\":\(per),\"total\":\(total)}")
        return out.bytes
    }
}

extension LineView {
    /// Keys in sorted order, as the API's encoder writes them.
    fileprivate func write(to out: inout JSONBytes) {
        out.raw("{\"article\":")
        out.string(article)
        out.raw(",\"brand\":")
        out.string(brand)
        out.raw(",\"claimableQuantity\":\(claimableQuantity),\"claimableSerials\":")
        out.strings(claimableSerials)
        out.raw(",\"currency\":")
        out.string(currency)
        out.raw(",\"customerItemNumber\":")
        out.string(customerItemNumber)
        out.raw(",\"customerOrderNumber\":")
        out.string(customerOrderNumber)
        out.raw(",\"deliveryAddress\":")
        if let address = deliveryAddress {
            out.raw("{\"city\":")
            out.string(address.city)
            out.raw(",\"country\":")
            out.string(address.country)
            out.raw(",\"postcode\":")
            out.string(address.postcode)
            out.raw(",\"street\":")
            out.string(address.street)
            out.raw("}")
        } else {
            out.raw("null")
        }
        out.raw(",\"deliveryDate\":")
        out.string(deliveryDate)
        out.raw(",\"deliveryNote\":")
        out.string(deliveryNote)
        out.raw(",\"description\":")
        out.string(description)
        out.raw(",\"ean\":")
        out.string(ean)
        out.raw(",\"id\":\(id),\"invoice\":")
        out.string(invoice)
        out.raw(",\"invoiceDate\":")
        out.string(invoiceDate)
        out.raw(",\"manufacturerModel\":")
        out.string(manufacturerModel)
        out.raw(",\"netAmount\":")
        out.string(netAmount?.decimalString ?? "")
        out.raw(",\"order\":")
        out.string(order)
        out.raw(",\"orderDate\":")
        out.string(orderDate)
        out.raw(",\"position\":\(position),\"quantity\":\(quantity),\"serials\":")
        out.strings(serials)
        out.raw(",\"unitPrice\":")
        out.string(unitPrice.decimalString)
        out.raw("}")
    }
}

/// JSON written byte by byte, strings escaped as Foundation's encoder escapes them.
struct JSONBytes {
    private(set) var bytes: [UInt8] = []

    mutating func reserve(_ count: Int) { bytes.reserveCapacity(count) }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func string(_ text: String?) {
        guard let text else { return raw("null") }
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 0x08: bytes.append(contentsOf: [92, UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [92, UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func strings(_ texts: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (index, text) in texts.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(text)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}
