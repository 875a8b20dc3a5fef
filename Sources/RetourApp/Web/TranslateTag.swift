import Leaf
import RetourCore

/// `#t("key")`, or `#t("key", "name", value, …)` for a text with placeholders: the text of `key` in
/// the reader's language, escaped like any other output. Views ask for the texts they print instead
/// of receiving the whole catalogue on every render.
struct TranslateTag: LeafTag {
    struct Misuse: Error, CustomStringConvertible {
        var description: String
    }

    func render(_ context: LeafContext) throws -> LeafData {
        guard let key = context.parameters.first?.string else {
            throw Misuse(description: "#t needs a text key as its first parameter")
        }
        let rest = Array(context.parameters.dropFirst())
        guard rest.count % 2 == 0 else { throw Misuse(description: "#t(\"\(key)\", …) needs name and value pairs") }
        var values: [String: String] = [:]
        for index in stride(from: 0, to: rest.count, by: 2) {
            guard let name = rest[index].string else { throw Misuse(description: "#t(\"\(key)\", …): a name is text") }
            values[name] = rest[index + 1].string ?? ""
        }
        let texts = context.request?.texts ?? context.application?.translationCatalog[.default]
        return .string(texts.map { $0(key, values) } ?? key)
    }
}
