/// Writes an import batch as the contract's JSON document — the inverse of `ImportParser`. Test
/// fixtures and generated data go through the same import path as the ERP's documents.
public enum ImportDocument {
    public static func json(_ batch: ImportBatch) -> JSONValue {
        .object([
            "companies": .array(batch.companies.map(company)),
            "users": .array(batch.users.map(user)),
            "brands": .array(batch.brands.map(brand)),
            "articles": .array(batch.articles.map(article)),
            "invoices": .array(batch.invoices.map(invoice)),
        ])
    }

    private static func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    private static func integer(_ value: Int?) -> JSONValue { value.map { .integer(Int64($0)) } ?? .null }

    private static func address(_ address: Address?) -> JSONValue {
        guard let address else { return .null }
        return .object([
            "street": .string(address.street), "postcode": .string(address.postcode), "city": .string(address.city),
            "country": .string(address.country),
        ])
    }

    private static func company(_ company: CompanyRecord) -> JSONValue {
        .object([
            "number": .string(company.number), "name": .string(company.name), "email": text(company.email),
            "address": address(company.address),
        ])
    }

    private static func user(_ user: UserRecord) -> JSONValue {
        .object([
            "email": .string(user.email), "name": .string(user.name), "company": text(user.company),
            "role": .string(user.role.rawValue), "password": text(user.password),
        ])
    }

    private static func brand(_ brand: BrandRecord) -> JSONValue {
        var fields: [String: JSONValue] = [
            "name": .string(brand.name), "doaDays": integer(brand.doaDays),
            "warrantyMonths": integer(brand.warrantyMonths),
            "warrantyHandling": .string(brand.warrantyHandling.rawValue),
            "doaHandling": .string(brand.doaHandling.rawValue),
        ]
        if let centre = brand.serviceCentre {
            fields["serviceCentre"] = .object([
                "company": .string(centre.company), "street": .string(centre.street),
                "postcode": .string(centre.postcode), "city": .string(centre.city), "url": text(centre.url),
            ])
        }
        return .object(fields)
    }

    private static func article(_ article: ArticleRecord) -> JSONValue {
        .object([
            "number": .string(article.number), "description": .string(article.description),
            "brand": .string(article.brand), "manufacturerModel": text(article.manufacturerModel),
            "ean": text(article.ean), "serialised": .bool(article.serialised), "kind": .string(article.kind.rawValue),
            "specialOrder": .bool(article.specialOrder), "returnable": .bool(article.returnable),
            "warrantyMonths": integer(article.warrantyMonths), "price": text(article.price?.decimalString),
        ])
    }

    private static func numbered(_ value: NumberedDate?) -> JSONValue {
        guard let value else { return .null }
        return .object(["number": .string(value.number), "date": text(value.date?.iso)])
    }

    private static func invoice(_ invoice: InvoiceRecord) -> JSONValue {
        .object([
            "number": .string(invoice.number), "company": .string(invoice.company), "date": .string(invoice.date.iso),
            "customerOrderNumber": text(invoice.customerOrderNumber), "currency": .string(invoice.currency),
            "lines": .array(
                invoice.lines.map { line in
                    .object([
                        "position": integer(line.position), "article": .string(line.article),
                        "quantity": integer(line.quantity), "unitPrice": .string(line.unitPrice.decimalString),
                        "customerItemNumber": text(line.customerItemNumber),
                        "deliveryNote": numbered(line.deliveryNote), "order": numbered(line.order),
                        "deliveryAddress": address(line.deliveryAddress),
                        "serials": .array(line.serials.map(JSONValue.string)),
                    ])
                }),
        ])
    }
}
