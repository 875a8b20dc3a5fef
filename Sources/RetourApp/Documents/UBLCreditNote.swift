import Fluent
import Foundation
import RetourApplication
import RetourCore

extension Documents {
    /// The settlement of `record` as UBL: what the PDF shows, as lines, allowances and charges.
    static func ubl(for record: ReturnRequest, texts t: Translations, config: AppConfig, db: any Database)
        async throws -> String
    {
        guard let number = record.creditNoteNumber, let cents = record.creditAmountCents,
            let issued = CalendarDay(iso: record.creditNoteDate ?? "")
        else { throw Refusal.notFound() }
        let (line, article) = try await RequestQueries.line(record.lineID, on: db)
        let company = try await RequestQueries.company(record.companyID, on: db)
        let settlement = try await RequestSettlements.settlement(for: record, db: db)
        let amount = Money(cents: cents)
        let charge = record.creditKind == .charge
        let quantity = record.receivedQuantity.map { min($0, record.quantity) } ?? record.quantity
        let name = [article?.number, article?.description].compactMap { $0 }.joined(separator: " ")
        var lines: [UBLDocument.Line] = []
        var adjustments: [UBLDocument.Adjustment] = []
        if charge {
            // Kept goods invoiced to the reseller: one line of the whole amount.
            lines.append(
                UBLDocument.Line(
                    quantity: 1, unitPrice: amount, name: name, description: "\(quantity) × \(name)",
                    articleNumber: article?.number))
        } else {
            lines.append(
                UBLDocument.Line(
                    quantity: quantity, unitPrice: Money(cents: line?.unitPriceCents ?? 0), name: name,
                    description: article?.description, articleNumber: article?.number))
            if settlement.fee.cents > 0 {
                adjustments.append(.init(isCharge: false, amount: settlement.fee, reason: t["creditNote.returnFee"]))
            }
            // What the agent or the settlement rule credited besides the goods' value less the fee.
            let difference = try settlement.value - settlement.fee - amount
            if difference != .zero {
                let reason = t("creditNote.adjusted", ["reason": record.creditReason ?? ""])
                adjustments.append(
                    .init(
                        isCharge: difference.cents < 0,
                        amount: Money(cents: Int64(clamping: difference.cents.magnitude)),
                        reason: reason))
            }
        }
        let seller = try await Distributor.current(config, on: db).seller
        var buyer = UBLDocument.Party(
            name: company?.name ?? "", street: company?.street, postcode: company?.postcode, city: company?.city,
            countryCode: company?.country ?? seller.countryCode, identifier: company?.number,
            email: company?.email)
        if buyer.countryCode.count != 2 { buyer.countryCode = seller.countryCode }
        let document = UBLDocument(
            kind: charge ? .invoice : .creditNote, number: number, issueDate: issued, currency: line?.currency ?? "EUR",
            buyerReference: record.number,
            invoiceReference: line.map { ($0.invoiceNumber, CalendarDay(iso: $0.invoiceDate)) },
            note: record.rmaNumber.map { "RMA \($0)" }, seller: seller, buyer: buyer, lines: lines,
            adjustments: adjustments, vatBasisPoints: CreditNotes.vatBasisPoints, vat: try CreditNotes.vat(on: amount))
        return try document.xml()
    }
}
