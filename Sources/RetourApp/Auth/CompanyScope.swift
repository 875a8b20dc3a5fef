import RetourCore

extension User {
    /// The scope of this user's queries. A reseller login without a company has none: refused.
    func companyScope() throws -> CompanyScope {
        guard let scope = CompanyScope(role: role, companyID: companyID) else {
            throw Refusal(.forbidden, detail: Message("app.auth.thisLoginBelongsToNoCompany"))
        }
        return scope
    }
}
