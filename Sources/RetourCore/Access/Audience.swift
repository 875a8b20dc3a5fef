/// Who a group of routes is for. Which roles each admits is a rule of the portal, decided here once;
/// the web adapter puts each route in one group and checks the group, never a role by hand.
public enum Audience: CaseIterable, Sendable {
    /// Anyone signed in: the request pages, attachments, search.
    case signedIn
    /// Resellers of a company: registration and the cart.
    case reseller
    /// A company's purchasing department, which manages its sub-logins.
    case resellerAdmin
    /// The distributor's agents and administrators: the queue and the decisions.
    case backOffice
    /// Administrators: the rules, the mail log, imports, metrics.
    case admin
    /// Who may make API keys and webhooks: a company's purchasing department for its company, an
    /// administrator for the distributor.
    case keyMakers

    public func admits(_ role: Role) -> Bool {
        switch self {
        case .signedIn: true
        case .reseller: role.belongsToCompany
        case .resellerAdmin: role == .resellerAdmin
        case .backOffice: role == .agent || role == .admin
        case .admin: role == .admin
        case .keyMakers: role == .resellerAdmin || role == .admin
        }
    }
}

extension Role {
    /// An agent credits at most the goods' value; only an administrator may credit more.
    public var mayCreditAboveTheGoodsValue: Bool { self == .admin }
}
