import RetourCore
import Vapor

/// Whose documents a query may return: one company's, or — only for the distributor's staff,
/// decided by their role — every company's. There is no "no company" that could mean "all".
enum CompanyScope: Sendable, Hashable {
    case company(Int)
    case allCompanies

    func allows(_ companyID: Int) -> Bool {
        switch self {
        case .company(let own): return own == companyID
        case .allCompanies: return true
        }
    }
}

extension User {
    /// The scope of this user's queries. A reseller login without a company has none: refused.
    func companyScope() throws -> CompanyScope {
        if role.seesAllCompanies { return .allCompanies }
        guard let companyID else {
            throw Refusal(
                .forbidden, detail: Message("app.auth.thisLoginBelongsToNoCompany"))
        }
        return .company(companyID)
    }
}
