import Fluent
import RetourCore
import SQLKit
import Vapor

/// Wrong delivery, option B: the article actually received, found by EAN, manufacturer model or
/// article number — whatever its case and without the spaces around it, as the main search finds
/// numbers — with its own keep offer (API contract, "Material identification").
enum Material {
    /// What the API and the page's lookup answer for a found article. The page also gets the
    /// sentences it shows (`text`, `normal`, `special`) in the reader's language.
    struct Answer: Content {
        var article: String
        var description: String
        var brand: String
        var keepOffer: ReasonView.Offer?
        var text: String?
        var normal: String?
        var special: String?

        enum CodingKeys: String, CodingKey { case article, description, brand, keepOffer, text, normal, special }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(article, forKey: .article)
            try container.encode(description, forKey: .description)
            try container.encode(brand, forKey: .brand)
            // null, not absent: the contract lists the key.
            try container.encode(keepOffer, forKey: .keepOffer)
            try container.encodeIfPresent(text, forKey: .text)
            try container.encodeIfPresent(normal, forKey: .normal)
            try container.encodeIfPresent(special, forKey: .special)
        }
    }

    /// The article with `code` and its offer under `policy`, or nil when nothing matches.
    static func answer(
        _ code: String, policy: Policy, texts: Translations? = nil, on database: any Database
    ) async throws -> Answer? {
        guard let article = try await find(code, on: database) else { return nil }
        var answer = Answer(
            article: article.number, description: article.description, brand: article.brand.name)
        if let cents = article.priceCents, let discount = policy[.wrongDelivery].keepDiscountBasisPoints {
            let price = Money(cents: cents)
            let special = price.discounted(byBasisPoints: discount)
            answer.keepOffer = ReasonView.Offer(normalPrice: price.decimalString, unitPrice: special.decimalString)
            if let t = texts {
                answer.normal = t("register.offer.normal", ["price": t.language.format(price)])
                answer.special = t("register.offer.special", ["price": t.language.format(special)])
            }
        }
        if texts != nil { answer.text = "\(article.number) - \(article.description)" }
        return answer
    }

    /// No article has this code: a problem the page's script shows where a found article would be.
    static func notFound(_ code: String) -> Refusal {
        let shown = String(code.trimmingWhitespace().prefix(60))
        return Refusal(
            .notFound, detail: Message("app.registration.noArticleFoundFor", ["shown": "\(shown)"]))
    }
}
