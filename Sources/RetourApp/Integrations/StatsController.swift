import Fluent
import Foundation
import RetourCore
import Vapor

/// The SLA dashboard for agents and administrators: `GET /api/v1/stats`, the page
/// `/backoffice/stats` with its charts (SVG written here, no script), and `/backoffice/stats.csv`.
struct StatsController: RoleRouteCollection {
    let surface: Surface

    enum Surface {
        case api
        case pages
    }

    func boot(_ routes: RoleRoutes) throws {
        switch surface {
        case .api:
            routes.backOffice.get(APIRoute.stats, use: api)
        case .pages:
            routes.backOffice.get(PageRoute.stats, use: page)
            routes.backOffice.get(PageRoute.statsCSV, use: csv)
        }
    }

    private func report(_ req: Request) async throws -> ServiceLevelReport {
        let (range, clamped) = try ServiceLevelReport.range(
            from: req.query[String.self, at: "from"], to: req.query[String.self, at: "to"], today: req.today)
        return try await ServiceLevelReport.make(range, clamped: clamped, timeZone: req.config.timeZone, on: req.db)
    }

    @Sendable func api(req: Request) async throws -> ServiceLevelReport {
        try await report(req)
    }

    @Sendable func csv(req: Request) async throws -> Response {
        let report = try await report(req)
        let response = Response(status: .ok, body: .init(string: "\u{FEFF}" + report.csv))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "retour-sla-\(report.from)-\(report.to).csv")
        return response
    }

    struct PageContent: Encodable {
        struct Row: Encodable {
            var week: String
            var reason: String
            var requests: Int
            var decision: String
            var credit: String
            var credited: String
        }

        var from: String
        var to: String
        var clamped: Bool
        var chart: String
        var csvLink: String
        var rows: [Row]
        var brands: [Brand]

        /// A brand's row with its figure written as the reader writes numbers.
        struct Brand: Encodable {
            var brand: String
            var defectRequests: Int
            var linesSold: Int
            var per100Lines: String
        }
    }

    @Sendable func page(req: Request) async throws -> Response {
        let report = try await report(req)
        let t = req.texts
        let language = req.language
        // Numbers as the reader writes them: "4,8" in Dutch, "4.8" in English.
        func number(_ value: Double) -> String {
            let text = String(format: "%.1f", value)
            return language == .nl ? text.replacingOccurrences(of: ".", with: ",") : text
        }
        func durations(_ d: ServiceLevelReport.Durations) -> String {
            guard d.count > 0 else { return "" }
            return t(
                "stats.durations",
                [
                    "median": d.median.map(number) ?? "", "p90": "\(d.p90 ?? 0)",
                    "target": "\(d.targetDays)", "share": "\(Int(((d.withinTarget ?? 0) * 100).rounded()))",
                ])
        }
        let rows = report.weeks.map { week in
            PageContent.Row(
                week: week.week,
                reason: ReasonID(rawValue: week.reason).map { Reason.named($0).label.text(t) } ?? week.reason,
                requests: week.requests, decision: durations(week.decision), credit: durations(week.credit),
                credited: Money(decimal: week.creditedAmount).map { language.format($0) } ?? week.creditedAmount)
        }
        let content = PageContent(
            from: report.from, to: report.to, clamped: report.clamped, chart: Self.chart(report, t),
            csvLink: "\(PageRoute.statsCSV.path())?from=\(report.from)&to=\(report.to)", rows: rows,
            brands: report.brands.map {
                PageContent.Brand(
                    brand: $0.brand, defectRequests: $0.defectRequests, linesSold: $0.linesSold,
                    per100Lines: number($0.per100Lines))
            })
        return try await req.renderPage("stats", title: t["stats.title"], nav: "stats", content: content)
    }

    /// Requests per week as bars, and the share decided within target as a line (0–100 %).
    static func chart(_ report: ServiceLevelReport, _ t: Translations) -> String {
        var weeks: [String] = []
        var requests: [String: Int] = [:]
        var decided: [String: (within: Double, count: Int)] = [:]
        for week in report.weeks {
            if requests[week.week] == nil { weeks.append(week.week) }
            requests[week.week, default: 0] += week.requests
            if let share = week.decision.withinTarget {
                let sofar = decided[week.week] ?? (0, 0)
                decided[week.week] = (
                    sofar.within + share * Double(week.decision.count), sofar.count + week.decision.count
                )
            }
        }
        let (width, left, bottom, top) = (SVGChart.width, SVGChart.left, SVGChart.bottom, SVGChart.top)
        let most = max(1, requests.values.max() ?? 1)
        let step = weeks.isEmpty ? 0 : (width - left - 10) / Double(weeks.count)
        var svg = SVGChart.begin(label: t["stats.chartLabel"])
        svg.raw("<text x=\"2\" y=\"\(top + 4)\" font-size=\"10\">\(most)</text>")
        var points: [String] = []
        for (index, week) in weeks.enumerated() {
            let count = requests[week] ?? 0
            let barHeight = (bottom - top) * Double(count) / Double(most)
            let x = left + Double(index) * step
            svg.raw(
                "<rect class=\"bar\" x=\"\(SVGChart.number(x + step * 0.15))\" y=\"\(SVGChart.number(bottom - barHeight))\" width=\"\(SVGChart.number(step * 0.7))\" height=\"\(SVGChart.number(barHeight))\" fill=\"#4a7ab5\"><title>"
            )
            svg.text("\(week): \(count)")
            svg.raw("</title></rect>")
            if weeks.count <= 26 || index % 4 == 0 {
                svg.raw(
                    "<text x=\"\(SVGChart.number(x + step / 2))\" y=\"\(bottom + 14)\" font-size=\"9\" text-anchor=\"middle\">"
                )
                svg.text(String(week.suffix(3)))
                svg.raw("</text>")
            }
            if let share = decided[week], share.count > 0 {
                let y = bottom - (bottom - top) * share.within / Double(share.count)
                points.append("\(SVGChart.number(x + step / 2)),\(SVGChart.number(y))")
            }
        }
        if !points.isEmpty {
            svg.raw(
                "<polyline class=\"within-target\" fill=\"none\" stroke=\"#d2691e\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
            )
        }
        svg.raw("</svg>")
        return svg.html
    }

}
