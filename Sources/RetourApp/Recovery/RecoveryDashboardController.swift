import Foundation
import RetourApplication
import RetourCore
import Vapor

/// `/backoffice/recovery`: per brand and month what was credited to resellers and what the
/// manufacturers owe and paid, with a chart (SVG written here, no script), the oldest open claims
/// first, and the same as CSV.
struct RecoveryDashboardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.recovery, use: page)
        routes.get(PageRoute.recoveryCSV, use: csv)
    }

    struct Row: Encodable {
        var brand: String
        var month: String
        var credited: String
        var expected: String
        var received: String
        var days0to30: String
        var days31to60: String
        var days61to90: String
        var over90: String
        var rate: String
    }

    struct Content: Encodable {
        var from: String
        var to: String
        var brands: [Row]
        var months: [Row]
        var chart: String
        var csvLink: String
        var oldest: [VendorClaimsPageController.ListRow]
    }

    private func figures(_ req: Request) async throws -> (CalendarDay, CalendarDay, RecoveryReport.Figures) {
        let (from, to) = try VendorRecoveryAPIController.period(req, blankIsAbsent: true)
        let figures = try await RecoveryFigures(store: req.vendorRecovery, today: req.today).figures(from: from, to: to)
        return (from, to, figures)
    }

    static func row(_ row: RecoveryReport.Row, _ t: Translations) -> Row {
        let language = t.language
        return Row(
            brand: row.brand, month: row.month ?? "", credited: language.format(row.creditedToResellers),
            expected: language.format(row.expectedFromVendor), received: language.format(row.receivedFromVendor),
            days0to30: language.format(row.openExposure.days0to30),
            days31to60: language.format(row.openExposure.days31to60),
            days61to90: language.format(row.openExposure.days61to90), over90: language.format(row.openExposure.over90),
            rate: row.recoveryRate.flatMap { Int($0.replacingOccurrences(of: ".", with: "")) }.map {
                Message("recovery.rate", ["rate": .percent(basisPoints: $0)]).text(t)
            } ?? "–")
    }

    @Sendable func page(req: Request) async throws -> Response {
        let (from, to, figures) = try await figures(req)
        let (brands, months) = (figures.rows(byMonth: false), figures.rows(byMonth: true))
        let t = req.texts
        // The claims that wait longest for the manufacturer: first the sent ones, then those not sent.
        var waiting: [VendorClaim] = []
        for list in [VendorClaimList.sent, .open] {
            waiting += try await req.vendorRecovery.claims(in: list, page: 1, per: 10, today: req.today).claims
        }
        let oldest = waiting.sorted { $0.ageDays > $1.ageDays }.prefix(10).map {
            VendorClaimsPageController.row($0, req)
        }
        let content = Content(
            from: from.iso, to: to.iso, brands: brands.map { Self.row($0, t) },
            months: months.map { Self.row($0, t) }, chart: Self.chart(months, t),
            csvLink: "\(PageRoute.recoveryCSV.path())?from=\(from.iso)&to=\(to.iso)", oldest: Array(oldest))
        return try await req.renderPage("recovery", title: t["recovery.title"], nav: "recovery", content: content)
    }

    @Sendable func csv(req: Request) async throws -> Response {
        let (from, to, figures) = try await figures(req)
        let months = figures.rows(byMonth: true)
        var lines = [
            "brand;month;credited_to_resellers;expected_from_vendor;received_from_vendor;exposure_0_30;exposure_31_60;exposure_61_90;exposure_over_90;recovery_rate"
        ]
        for row in months {
            let fields = [
                Self.field(row.brand), row.month ?? "", row.creditedToResellers.decimalString,
                row.expectedFromVendor.decimalString, row.receivedFromVendor.decimalString,
                row.openExposure.days0to30.decimalString, row.openExposure.days31to60.decimalString,
                row.openExposure.days61to90.decimalString, row.openExposure.over90.decimalString,
                row.recoveryRate ?? "",
            ]
            lines.append(fields.joined(separator: ";"))
        }
        let response = Response(status: .ok, body: .init(string: "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "retour-recovery-\(from.iso)-\(to.iso).csv")
        return response
    }

    /// A text cell that a spreadsheet shows as text: quoted where it holds a separator, and never
    /// read as a formula.
    static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == ";" || $0 == "\"" || $0.isNewline }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Per month: what the manufacturers owe (light) and what they paid (dark), side by side.
    static func chart(_ months: [RecoveryReport.Row], _ t: Translations) -> String {
        var expected: [String: Int64] = [:]
        var received: [String: Int64] = [:]
        for row in months {
            guard let month = row.month else { continue }
            expected[month, default: 0] += row.expectedFromVendor.cents
            received[month, default: 0] += row.receivedFromVendor.cents
        }
        let keys = Set(expected.keys).sorted()
        let (width, left, bottom, top) = (SVGChart.width, SVGChart.left, SVGChart.bottom, SVGChart.top)
        let most = max(1, expected.values.max() ?? 1, received.values.max() ?? 1)
        let step = keys.isEmpty ? 0 : (width - left - 10) / Double(keys.count)
        var svg = SVGChart.begin(label: t["recovery.chartLabel"])
        for (index, month) in keys.enumerated() {
            let x = left + Double(index) * step
            for (offset, (amount, colour)) in [(expected[month] ?? 0, "#9dbbe0"), (received[month] ?? 0, "#2e5c8a")]
                .enumerated()
            {
                let barHeight = (bottom - top) * Double(amount) / Double(most)
                svg.raw(
                    "<rect class=\"bar\" x=\"\(SVGChart.number(x + step * (0.1 + 0.4 * Double(offset))))\" y=\"\(SVGChart.number(bottom - barHeight))\" width=\"\(SVGChart.number(step * 0.4))\" height=\"\(SVGChart.number(barHeight))\" fill=\"\(colour)\"><title>"
                )
                svg.text(
                    "\(month): \(Money(cents: amount).decimalString) \(offset == 0 ? t["recovery.expected"] : t["recovery.received"])"
                )
                svg.raw("</title></rect>")
            }
            svg.raw(
                "<text x=\"\(SVGChart.number(x + step / 2))\" y=\"\(bottom + 14)\" font-size=\"9\" text-anchor=\"middle\">"
            )
            svg.text(month)
            svg.raw("</text>")
        }
        svg.raw("</svg>")
        return svg.html
    }

}
