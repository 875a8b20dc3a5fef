/// The dashboards' charts, written as SVG text on the server (no script): one frame, one way to
/// write a coordinate.
enum SVGChart {
    static let width = 720.0
    static let height = 220.0
    static let left = 40.0
    static let bottom = 190.0
    static let top = 20.0

    /// The opening tag, named `label` for screen readers, and the base line.
    static func begin(label: String) -> HTMLText {
        var svg = HTMLText(reservingCapacity: 4_096)
        svg.raw(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" class=\"chart\" aria-label=\""
        )
        svg.text(label)
        svg.raw("\"><line x1=\"\(left)\" y1=\"\(bottom)\" x2=\"\(width - 10)\" y2=\"\(bottom)\" stroke=\"#888\"/>")
        return svg
    }

    /// A coordinate with one decimal, cut rather than rounded.
    static func number(_ value: Double) -> String { String(Double(Int(value * 10)) / 10) }
}
