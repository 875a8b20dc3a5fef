import CCairo
import CQRencode
import Foundation

/// An A4 PDF drawn with cairo: text in DejaVu Sans (€ included), rules and QR codes, page by page.
final class PDFDocument {
    static let width = 595.0
    static let height = 842.0

    private let path: String
    private let surface: OpaquePointer
    private let context: OpaquePointer

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("retour-\(UUID().uuidString).pdf").path
        surface = cairo_pdf_surface_create(path, Self.width, Self.height)
        context = cairo_create(surface)
        cairo_set_source_rgb(context, 0, 0, 0)
    }

    func text(_ text: String, x: Double, y: Double, size: Double = 10, bold: Bool = false) {
        cairo_select_font_face(
            context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
        cairo_move_to(context, x, y)
        cairo_show_text(context, text)
    }

    /// Text broken into lines no wider than `width`, measured with the font's own extents; a word
    /// wider than the width on its own is broken where it must. Returns the baseline after the last
    /// line, for what follows.
    @discardableResult
    func wrapped(
        _ text: String, x: Double, y: Double, width: Double, size: Double = 10, bold: Bool = false,
        leading: Double = 1.3
    ) -> Double {
        select(size: size, bold: bold)
        var baseline = y
        for line in lines(of: text, width: width) {
            cairo_move_to(context, x, baseline)
            cairo_show_text(context, line)
            baseline += size * leading
        }
        return baseline
    }

    /// How `text` breaks into lines of at most `width` points in the current font.
    private func lines(of text: String, width: Double) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if advance(candidate) <= width {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            current = ""
            // A word longer than the line on its own: as many characters per line as fit.
            var rest = Substring(word)
            while advance(String(rest)) > width, rest.count > 1 {
                var fitting = rest.count - 1
                while fitting > 1 && advance(String(rest.prefix(fitting))) > width { fitting -= 1 }
                lines.append(String(rest.prefix(fitting)))
                rest = rest.dropFirst(fitting)
            }
            current = String(rest)
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    private func advance(_ text: String) -> Double {
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        return extents.x_advance
    }

    private func select(size: Double, bold: Bool) {
        cairo_select_font_face(
            context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
    }

    /// Text whose right edge is at `x`, for amounts.
    func rightAligned(_ text: String, x: Double, y: Double, size: Double = 10, bold: Bool = false) {
        cairo_select_font_face(
            context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        cairo_move_to(context, x - extents.x_advance, y)
        cairo_show_text(context, text)
    }

    func rule(y: Double, from x1: Double = 50, to x2: Double = 545) {
        cairo_set_line_width(context, 0.6)
        cairo_move_to(context, x1, y)
        cairo_line_to(context, x2, y)
        cairo_stroke(context)
    }

    /// A QR code of `content` with its top-left corner at (x, y), `size` points wide.
    func qrCode(_ content: String, x: Double, y: Double, size: Double) {
        guard let code = QRcode_encodeString(content, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let module = size / Double(width)
        for row in 0..<width {
            for column in 0..<width where code.pointee.data[row * width + column] & 1 == 1 {
                cairo_rectangle(context, x + Double(column) * module, y + Double(row) * module, module, module)
            }
        }
        cairo_fill(context)
    }

    /// Ends the page; what is drawn next goes on a new one.
    func newPage() {
        cairo_show_page(context)
    }

    /// Ends the page and returns the PDF's bytes.
    func finish() throws -> Data {
        cairo_show_page(context)
        cairo_destroy(context)
        cairo_surface_finish(surface)
        cairo_surface_destroy(surface)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }
}
