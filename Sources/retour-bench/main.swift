import Foundation
import RetourCore

// Rule-engine benchmark: how many times per second all 14 reasons are decided for one line, on
// one core. Run in release: `make bench`.

let policy = Policy.standard
let invoiceDay = CalendarDay(iso: "2021-12-08")!
let lines = [
    LineFacts(
        invoiceDate: invoiceDay, deliveryDate: invoiceDay.adding(days: -1), quantity: 10, claimedQuantity: 2,
        unitPrice: Money(cents: 6_321), article: ArticleFacts(), brand: BrandFacts(name: "SEAGATE", doaDays: 14)),
    LineFacts(
        invoiceDate: invoiceDay, quantity: 1, unitPrice: Money(cents: 64_900), article: ArticleFacts(),
        brand: BrandFacts(
            name: "ACER", doaDays: 14, warrantyHandling: .directService,
            serviceCentre: ServiceCentre(company: "ACER COMPUTER BV", street: "", postcode: "", city: "", url: nil))),
    LineFacts(
        invoiceDate: invoiceDay, quantity: 5, unitPrice: Money(cents: 1_000), article: ArticleFacts(kind: .licence),
        brand: BrandFacts(name: "MICROSOFT")),
]
let days = (0..<40).map { invoiceDay.adding(days: $0) }

func run(_ iterations: Int) -> (seconds: Double, enabled: Int) {
    var enabled = 0
    let start = DispatchTime.now().uptimeNanoseconds
    for index in 0..<iterations {
        let verdicts = Eligibility.evaluate(lines[index % lines.count], policy: policy, today: days[index % days.count])
        enabled &+= verdicts.count { $0.enabled }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return (seconds, enabled)
}

let iterations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 1_000_000
_ = run(iterations / 10)  // warm-up
let measured = run(iterations)
let perSecond = Double(iterations) / measured.seconds
print(
    "eligibility: \(iterations) evaluations of all 14 reasons in \(String(format: "%.2f", measured.seconds)) s = "
        + "\(Int(perSecond)) evaluations/s on one core (checksum \(measured.enabled))")
