import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The credit note and the return form of a request, rendered from what is stored, so the same
/// request always gives the same document.
enum Documents {
    static func creditNote(for record: ReturnRequest, texts t: Translations, config: AppConfig, db: any Database)
        async throws
        -> Data
    {
        guard let number = record.creditNoteNumber, let cents = record.creditAmountCents else {
            throw Refusal.notFound()
        }
        let language = t.language
        let (line, article) = try await RequestQueries.line(record.lineID, on: db)
        let company = try await RequestQueries.company(record.companyID, on: db)
        let settlement = try await RequestSettlements.settlement(for: record, db: db)
        let amount = Money(cents: cents)
        let vat = try CreditNotes.vat(on: amount)
        let charge = record.creditKind == .charge
        let pdf = PDFDocument()
        var y = 60.0
        for (index, part) in try await Distributor.current(config, on: db).returnAddress.enumerated() {
            pdf.text(part, x: 50, y: y, size: 9, bold: index == 0)
            y += 12
        }
        y = 150
        pdf.text(company?.name ?? "", x: 320, y: y, size: 10, bold: true)
        pdf.text(company?.street ?? "", x: 320, y: y + 13, size: 10)
        pdf.text("\(company?.postcode ?? "") \(company?.city ?? "")", x: 320, y: y + 26, size: 10)
        pdf.text(t("creditNote.customerNumber", ["number": company?.number ?? ""]), x: 320, y: y + 39, size: 9)
        y = 240
        let title = t[charge ? "creditNote.titleCharge" : "creditNote.title"]
        pdf.text("\(title) \(number)", x: 50, y: y, size: 18, bold: true)
        let date = CalendarDay(iso: record.creditNoteDate ?? "").map(language.format) ?? ""
        pdf.text(t("creditNote.date", ["date": date]), x: 50, y: y + 22, size: 10)
        pdf.text(t("creditNote.request", ["number": record.number]), x: 50, y: y + 36, size: 10)
        pdf.text(
            t(
                "creditNote.invoice",
                [
                    "invoice": line?.invoiceNumber ?? "", "position": "\(line?.position ?? 0)",
                    "date": CalendarDay(iso: line?.invoiceDate ?? "").map(language.format) ?? "",
                ]),
            x: 50, y: y + 50, size: 10)
        if let rma = record.rmaNumber { pdf.text("RMA: \(rma)", x: 50, y: y + 64, size: 10) }
        y += 95
        pdf.rule(y: y)
        pdf.text(t["creditNote.description"], x: 50, y: y + 14, size: 9, bold: true)
        pdf.rightAligned(t["creditNote.quantity"], x: 380, y: y + 14, size: 9, bold: true)
        pdf.rightAligned(t["creditNote.price"], x: 460, y: y + 14, size: 9, bold: true)
        pdf.rightAligned(t["creditNote.amount"], x: 545, y: y + 14, size: 9, bold: true)
        pdf.rule(y: y + 20)
        let quantity = record.receivedQuantity.map { min($0, record.quantity) } ?? record.quantity
        pdf.text("\(article?.number ?? "") \(article?.description ?? "")", x: 50, y: y + 36, size: 9)
        pdf.rightAligned("\(quantity)", x: 380, y: y + 36, size: 9)
        pdf.rightAligned(language.format(Money(cents: line?.unitPriceCents ?? 0)), x: 460, y: y + 36, size: 9)
        pdf.rightAligned(language.format(settlement.value), x: 545, y: y + 36, size: 9)
        var rowY = y + 52
        // Every deduction on its own line: the lines add up to the total.
        let replaced = record.replacementStatus.map { $0 != .waitingApproval } ?? false
        let method = Reason.named(record.reason).settlement.method(given: record.fields)
        for row in try settlement.lines(booked: amount, method: method, replaced: replaced).dropFirst() {
            let next = pdf.wrapped(Self.label(of: row.kind, record: record, t), x: 50, y: rowY, width: 400, size: 9)
            pdf.rightAligned(language.format(row.amount), x: 545, y: rowY, size: 9)
            rowY = max(next, rowY + 16)
        }
        pdf.rule(y: rowY)
        pdf.text(t["creditNote.totalExcludingVAT"], x: 300, y: rowY + 16, size: 10)
        pdf.rightAligned(language.format(amount), x: 545, y: rowY + 16, size: 10, bold: true)
        pdf.text(
            t("creditNote.vat", ["percent": "\(CreditNotes.vatBasisPoints / 100)"]), x: 300, y: rowY + 32, size: 10)
        pdf.rightAligned(language.format(vat), x: 545, y: rowY + 32, size: 10)
        pdf.text(t["creditNote.totalIncludingVAT"], x: 300, y: rowY + 48, size: 10, bold: true)
        pdf.rightAligned(language.format(try amount + vat), x: 545, y: rowY + 48, size: 10, bold: true)
        pdf.text(t.text(Outcome.noEntitlement), x: 50, y: 800, size: 7)
        return try pdf.finish()
    }

    /// The width of the return form's instruction: from the margin to just before the QR code.
    static let returnFormTextWidth = 335.0

    /// What a line of the credit note below the goods says.
    static func label(of kind: CreditNoteLine.Kind, record: ReturnRequest, _ t: Translations) -> String {
        switch kind {
        case .goods: t["creditNote.description"]
        case .returnFee: t["creditNote.returnFee"]
        case .keptAtSpecialPrice: t["creditNote.keptAtSpecialPrice"]
        case .specialPriceDiscount: t["creditNote.specialPriceDiscount"]
        case .notCredited: t["creditNote.notCredited"]
        case .exchange: t["creditNote.exchange"]
        case .replacement: t["creditNote.replacement"]
        case .adjustment: t("creditNote.adjusted", ["reason": record.creditReason ?? ""])
        }
    }

    static func returnForm(for record: ReturnRequest, texts t: Translations, config: AppConfig, db: any Database)
        async throws
        -> Data
    {
        guard let rma = record.rmaNumber else { throw Refusal.notFound() }
        let language = t.language
        let reason = record.reason
        let (line, article) = try await RequestQueries.line(record.lineID, on: db)
        let company = try await RequestQueries.company(record.companyID, on: db)
        let pdf = PDFDocument()
        pdf.text(t["returnForm.title"], x: 50, y: 70, size: 20, bold: true)
        pdf.text(t["returnForm.inTheBox"], x: 50, y: 92, size: 10)
        // The number for the box, and which one it is not: the request number is for the records.
        // Left of the QR code (x 400 on), however long the sentence is in the reader's language.
        let afterInstruction = pdf.wrapped(
            t.forReason("returnForm.onTheBox", reason, ["rma": rma, "number": record.number]), x: 50, y: 108,
            width: Self.returnFormTextWidth, size: 10)
        // The number for the box below the instruction, however many lines that took.
        let rmaY = max(150, afterInstruction + 28)
        pdf.text(rma, x: 50, y: rmaY, size: 28, bold: true)
        pdf.qrCode(rma, x: 400, y: 100, size: 140)
        if let until = record.validUntil.flatMap(CalendarDay.init(iso:)) {
            pdf.text(t("returnForm.validUntil", ["date": language.format(until)]), x: 50, y: rmaY + 25, size: 11)
        }
        pdf.text(t["returnForm.address"], x: 50, y: 270, size: 11, bold: true)
        var y = 288.0
        for part in try await Distributor.current(config, on: db).returnAddress {
            pdf.text(part, x: 50, y: y, size: 12)
            y += 16
        }
        y += 20
        pdf.rule(y: y)
        let rows: [(String, String)] = [
            (t["returnForm.request"], record.number),
            (t["returnForm.sender"], "\(company?.name ?? "") (\(company?.number ?? ""))"),
            (t["returnForm.invoice"], "\(line?.invoiceNumber ?? "") #\(line?.position ?? 0)"),
            (t["returnForm.article"], "\(article?.number ?? "") \(article?.description ?? "")"),
            (t["returnForm.quantity"], "\(record.quantity)"),
            (t["returnForm.serials"], (record.serials).joined(separator: ", ")),
            (t["returnForm.reason"], Reason.named(reason).label.text(t)),
        ]
        for (label, value) in rows {
            y += 18
            pdf.text(label, x: 50, y: y, size: 10, bold: true)
            pdf.text(value, x: 170, y: y, size: 10)
        }
        pdf.text(Outcome.noEntitlement.text(t), x: 50, y: 800, size: 7)
        return try pdf.finish()
    }

    /// The credit note of `record` as UBL, as a download (the API and the request page alike).
    static func ublResponse(for record: ReturnRequest, texts: Translations, config: AppConfig, db: any Database)
        async throws -> Response
    {
        let xml = try await ubl(for: record, texts: texts, config: config, db: db)
        return response(
            Data(xml.utf8), filename: "\(record.creditNoteNumber ?? record.number).xml",
            type: HTTPMediaType(type: "application", subType: "xml", parameters: ["charset": "utf-8"]))
    }

    static func response(
        _ data: Data, filename: String, type: HTTPMediaType = HTTPMediaType(type: "application", subType: "pdf")
    ) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = type
        response.headers.replaceOrAdd(name: .contentDisposition, value: AttachmentStore.contentDisposition(filename))
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }
}
