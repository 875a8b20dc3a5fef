import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// What goes to the manufacturer with a claim: the packing list (every unit and serial) and the
/// evidence packet — the packing list, and per unit the reseller's fault description, the receipt
/// condition and the reseller's photos.
enum VendorClaimPacket {
    /// Photos beyond this many bytes in all are listed, not packed, so a packet stays mailable.
    static let maximumPhotoBytes = 100 * 1024 * 1024

    static func packingList(_ claim: VendorClaim, texts t: Translations, returnAddress: [String]) throws -> Data {
        let language = t.language
        let pdf = PDFDocument()
        var y = 60.0
        for (index, part) in returnAddress.enumerated() {
            pdf.text(part, x: 50, y: y, size: 9, bold: index == 0)
            y += 12
        }
        if let address = claim.vendorAddress {
            let lines = [address.company, address.street, "\(address.postcode) \(address.city)", address.country]
            for (index, line) in lines.enumerated() {
                pdf.text(line, x: 320, y: 150 + Double(index) * 13, size: 10, bold: index == 0)
            }
        }
        y = 240
        pdf.text(t("vendorClaim.pdf.title", ["number": claim.number]), x: 50, y: y, size: 18, bold: true)
        pdf.text(t("vendorClaim.pdf.brand", ["brand": claim.brand]), x: 50, y: y + 22, size: 10)
        pdf.text(
            t("vendorClaim.pdf.vendorRma", ["number": claim.vendorRmaNumber ?? "–"]), x: 50, y: y + 36, size: 10)
        pdf.text(
            t("vendorClaim.pdf.opened", ["date": language.format(claim.openedOn)]), x: 50, y: y + 50, size: 10)
        y += 75
        func header() {
            pdf.rule(y: y)
            pdf.text(t["vendorClaim.pdf.request"], x: 50, y: y + 14, size: 9, bold: true)
            pdf.text(t["vendorClaim.pdf.serial"], x: 160, y: y + 14, size: 9, bold: true)
            pdf.rightAligned(t["vendorClaim.pdf.quantity"], x: 420, y: y + 14, size: 9, bold: true)
            pdf.rightAligned(t["vendorClaim.pdf.expected"], x: 545, y: y + 14, size: 9, bold: true)
            pdf.rule(y: y + 20)
            y += 36
        }
        header()
        for unit in claim.units {
            if y > PDFDocument.height - 80 {
                pdf.newPage()
                y = 60
                header()
            }
            pdf.text(unit.request, x: 50, y: y, size: 9)
            pdf.text(unit.serial ?? "–", x: 160, y: y, size: 9)
            pdf.rightAligned("\(unit.quantity)", x: 420, y: y, size: 9)
            pdf.rightAligned(language.format(unit.expectedCredit), x: 545, y: y, size: 9)
            y += 14
        }
        pdf.rule(y: y)
        pdf.rightAligned(
            t("vendorClaim.pdf.total", ["amount": language.format(claim.expectedCredit)]), x: 545, y: y + 16, size: 10,
            bold: true)
        return try pdf.finish()
    }

    static func zip(_ claim: VendorClaim, texts t: Translations, req: Request) async throws -> Data {
        var archive = ZipArchive()
        try archive.add(
            "\(claim.number)-packing-list.pdf",
            try packingList(
                claim, texts: t, returnAddress: try await Distributor.current(req.config, on: req.db).returnAddress))
        var photoBytes = 0
        for (index, unit) in claim.units.enumerated() {
            let folder = "units/\(index + 1)-\(unit.serial ?? unit.request)/"
            guard let record = try await RequestQueries.find(number: unit.request, on: req.db)
            else { continue }
            let fault = record.fields["fault"].flatMap { value -> String? in
                guard case .string(let code) = value else { return nil }
                return t.texts["choice.fault.\(code)"] ?? code
            }
            let description = record.fields["description"].flatMap { value -> String? in
                guard case .string(let text) = value else { return nil }
                return text
            }
            let condition = record.receivedCondition
            var lines = [
                t("vendorClaim.packet.request", ["number": unit.request]),
                t("vendorClaim.packet.serial", ["serial": unit.serial ?? "–"]),
                t("vendorClaim.packet.quantity", ["quantity": "\(unit.quantity)"]),
                t("vendorClaim.packet.fault", ["fault": fault ?? "–"]),
                t("vendorClaim.packet.description", ["text": description ?? "–"]),
                t("vendorClaim.packet.condition", ["condition": condition.map { $0.label.text(t) } ?? "–"]),
            ]
            if let note = record.receiptNote, !note.isEmpty {
                lines.append(t("vendorClaim.packet.receiptNote", ["text": note]))
            }
            let attachments = try await RequestQueries.attachments(record.attachments, on: req.db)
            var packed = 0
            for attachment in attachments where attachment.isImage {
                guard photoBytes + attachment.size <= maximumPhotoBytes,
                    let data = try? await bytes(attachment.sha256, req: req)
                else {
                    lines.append(t("vendorClaim.packet.photoLeftOut", ["name": attachment.filename]))
                    continue
                }
                photoBytes += data.count
                packed += 1
                try archive.add(folder + "photos/\(packed)-" + attachment.filename, data)
            }
            try archive.add(folder + "unit.txt", Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        return archive.finish()
    }

    /// The packet as a download.
    static func response(_ claim: VendorClaim, req: Request) async throws -> Response {
        Documents.response(
            try await zip(claim, texts: req.texts, req: req), filename: "\(claim.number).zip", type: .zip)
    }

    /// A stored file's bytes, from whichever store holds them.
    private static func bytes(_ digest: String, req: Request) async throws -> Data {
        try await req.application.fileStore.content(of: digest, now: req.now, on: req.db).bytes()
    }
}
