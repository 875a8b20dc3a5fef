import RetourApplication
import RetourCore

/// The result list of the search page — documents with their lines — written as escaped HTML
/// directly: it is most of the page, and Leaf rendered it at a sixth of the API's pace for the same
/// search (`docs/benchmarks.md`). The rest of the page stays in `search.leaf`.
struct SearchResultsHTML {
    let texts: Translations
    /// Resellers go from a chosen reason to its form; the distributor's staff only look.
    let canRegister: Bool
    /// A reseller without the right to register sees no reason chooser at all; staff see it to look.
    var showsChooser: Bool = true

    func html(_ documents: [DocumentView], kind: DocumentKind) -> String {
        var out = HTMLText(reservingCapacity: 4_096 + 2_800 * documents.reduce(0) { $0 + $1.lines.count })
        let columns = [
            "search.column.deliveryNote", "search.column.order", "search.column.position", "search.column.article",
            "search.column.manufacturerModel", "search.column.brand", "search.column.description",
            "search.column.quantity",
        ].map { texts[$0] }
        for document in documents {
            let date = document.day.map(texts.language.format) ?? document.date
            out.raw("<section class=\"document\">\n  <h2>")
            out.text(texts("search.group.\(kind.rawValue)", ["number": document.number, "date": date]))
            out.raw(" <button type=\"button\" class=\"link details-all\">[")
            out.text(texts["search.details"])
            out.raw("]</button></h2>\n  <table class=\"lines\">\n    <thead><tr>")
            for column in columns {
                out.raw("<th>")
                out.text(column)
                out.raw("</th>")
            }
            out.raw("<th>")
            out.text(texts["search.column.reason"])
            out.raw("</th></tr></thead>\n")
            for line in document.lines { write(line, columns: columns, to: &out) }
            out.raw("  </table>\n</section>\n")
        }
        return out.html
    }

    private func write(_ line: LineView, columns: [String], to out: inout HTMLText) {
        let values: [String] = [
            line.deliveryNote ?? "", line.order ?? "", String(line.position), line.article,
            line.manufacturerModel ?? "", line.brand, line.description, String(line.quantity),
        ]
        out.raw("    <tbody class=\"line\" id=\"line-\(line.id)\">\n")
        // The disclosure is a button in the first cell: a table row may not carry aria-expanded.
        out.raw("      <tr class=\"summary\">\n")
        for (index, (column, value)) in zip(columns, values).enumerated() {
            out.raw("        <td data-label=\"")
            out.text(column)
            out.raw("\">")
            if index == 0 {
                out.raw("<button type=\"button\" class=\"row-toggle\" aria-expanded=\"false\"")
                out.raw(" aria-controls=\"details-\(line.id)\"><span class=\"arrow\" aria-hidden=\"true\">▸</span>")
                out.raw("<span class=\"visually-hidden\">")
                out.text(texts("search.lineDetails", ["article": line.article]))
                out.raw("</span></button>")
            }
            out.text(value)
            out.raw("</td>\n")
        }
        guard showsChooser else {
            out.raw("        <td class=\"reason\"></td>\n      </tr>\n")
            writeDetails(line, to: &out)
            return
        }
        // A list of its own rather than a native select: browsed with the keyboard without leaving
        // the page (WCAG 3.2.2), each refused reason with its refusal in sight (Public/js/app.js).
        let id = String(line.id)
        out.raw("        <td class=\"reason\"><div class=\"reason-chooser\" data-line=\"\(id)\" data-register=\"")
        out.raw(canRegister ? "true" : "false")
        out.raw("\"><button type=\"button\" class=\"reason-button\" id=\"reason-button-\(id)\"")
        out.raw(" aria-haspopup=\"listbox\" aria-expanded=\"false\" aria-controls=\"reason-list-\(id)\" title=\"")
        out.text(texts["search.disabledHelp"])
        out.raw("\">")
        out.text(texts["search.selectReason"])
        out.raw("…</button><ul class=\"reason-list\" id=\"reason-list-\(id)\" role=\"listbox\"")
        out.raw(" aria-labelledby=\"reason-button-\(id)\" tabindex=\"0\" hidden></ul>")
        out.raw("<p class=\"reason-note\" role=\"status\" hidden></p>")
        out.raw("</div></td>\n      </tr>\n")
        writeDetails(line, to: &out)
    }

    private func writeDetails(_ line: LineView, to out: inout HTMLText) {
        let language = texts.language

        let unit = language.format(line.unitPrice, currency: line.currency)
        let net = line.netAmount.map { language.format($0, currency: line.currency) } ?? ""
        let address = line.deliveryAddress.map { "\($0.street), \($0.postcode) \($0.city), \($0.country)" } ?? ""
        let details: [(key: String, value: String)] = [
            ("search.line.customerOrder", line.customerOrderNumber ?? ""),
            ("search.line.customerItem", line.customerItemNumber ?? ""),
            ("search.line.manufacturerModel", line.manufacturerModel ?? ""),
            ("search.line.description", line.description), ("search.line.ean", line.ean ?? ""),
        ]
        out.raw(
            "      <tr class=\"details\" id=\"details-\(line.id)\" hidden>\n        <td colspan=\"9\">\n          <dl>\n"
        )
        for detail in details { term(detail.key, detail.value, to: &out) }
        term(
            "search.line.price", texts("search.line.priceValue", ["net": net, "unit": unit]), class: "price", to: &out)
        term(
            "search.line.deliveryDate", line.deliveryDate.flatMap(CalendarDay.init(iso:)).map(language.format) ?? "",
            to: &out)
        term("search.line.deliveryAddress", address, to: &out)
        out.raw("            <dt>")
        out.text(texts["search.line.serials"])
        out.raw("</dt>\n            <dd class=\"serials\">")
        if line.serials.isEmpty {
            out.text(texts["search.line.noSerials"])
        } else {
            out.raw("<ul>")
            for serial in line.serials {
                out.raw("<li>")
                out.text(serial)
                out.raw("</li>")
            }
            out.raw("</ul>")
        }
        out.raw(
            "</dd>\n          </dl>\n          <div class=\"reasons\" data-src=\"\(PageRoute.lineReasons.path(String(line.id)))\" data-loading=\""
        )
        out.text(texts["reasons.loading"])
        out.raw("\" data-failed=\"")
        out.text(texts["reasons.failed"])
        out.raw("\"></div>\n        </td>\n      </tr>\n    </tbody>\n")
    }

    private func term(_ key: String, _ value: String, class name: String? = nil, to out: inout HTMLText) {
        out.raw("            <dt>")
        out.text(texts[key])
        out.raw(name.map { "</dt><dd class=\"\($0)\">" } ?? "</dt><dd>")
        out.text(value)
        out.raw("</dd>\n")
    }
}
