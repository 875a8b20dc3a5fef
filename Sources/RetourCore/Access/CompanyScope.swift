/// Whose documents a query may return: one company's, or — only for the distributor's staff,
/// decided by their role — every company's. There is no "no company" that could mean "all".
public enum CompanyScope: Sendable, Hashable {
    case company(Int)
    case allCompanies

    /// The scope of a user of `role` with `companyID`; nil for a reseller login without a company,
    /// which is refused everywhere rather than shown nothing, or everything.
    public init?(role: Role, companyID: Int?) {
        if role.seesAllCompanies {
            self = .allCompanies
        } else if let companyID {
            self = .company(companyID)
        } else {
            return nil
        }
    }

    /// The one company the scope is limited to; nil when it covers every company.
    public var companyID: Int? {
        switch self {
        case .company(let id): id
        case .allCompanies: nil
        }
    }

    public func allows(_ companyID: Int) -> Bool {
        switch self {
        case .company(let own): return own == companyID
        case .allCompanies: return true
        }
    }
}
