/// What a reseller's login may do, granted per user by the company's purchasing department
/// (`users[].rights` in the import, checkboxes on `/users`). The distributor's own staff act by
/// their role alone.
public enum UserRight: String, CaseIterable, Sendable, Codable, Comparable {
    /// Search lines, follow the status, open the archive and the documents.
    case view
    /// Fill the cart: register positions, upload evidence, answer the agent.
    case register
    /// Submit the cart.
    case submit
    /// Approve or reject colleagues' submissions that wait for a second person.
    case approve

    public static func < (lhs: UserRight, rhs: UserRight) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The right's name on `/users` and in refusals.
    public var name: Message {
        switch self {
        case .view: return Message("rights.view.name")
        case .register: return Message("rights.register.name")
        case .submit: return Message("rights.submit.name")
        case .approve: return Message("rights.approve.name")
        }
    }

    /// What the right allows, in plain words, next to its checkbox.
    public var explanation: Message {
        switch self {
        case .view: return Message("rights.view.explanation")
        case .register: return Message("rights.register.explanation")
        case .submit: return Message("rights.submit.explanation")
        case .approve: return Message("rights.approve.explanation")
        }
    }

    /// A sub-login's rights when nobody chose any.
    public static let defaultForUsers: Set<UserRight> = [.view, .register, .submit]

    /// The rights a login holds: a purchasing department always holds all four, a sub-login what was
    /// granted (or the default), the distributor's staff all of them (their role decides).
    public static func held(by role: Role, granted: Set<UserRight>?) -> Set<UserRight> {
        switch role {
        case .resellerUser: return granted ?? defaultForUsers
        case .resellerAdmin, .agent, .admin: return Set(allCases)
        }
    }

    /// Reads the stored or imported list ("view,register"); nil when a name is unknown.
    public static func parse(_ names: [String]) -> Set<UserRight>? {
        var rights: Set<UserRight> = []
        for name in names {
            guard let right = UserRight(rawValue: name.trimmingWhitespace()) else { return nil }
            rights.insert(right)
        }
        return rights
    }

    /// The stored form: the names in a fixed order, comma-separated.
    public static func stored(_ rights: Set<UserRight>) -> String {
        rights.sorted().map(\.rawValue).joined(separator: ",")
    }

    /// The right a reseller needs for `method` on `path` (a page or an `/api/v1/…` address), or nil
    /// when every signed-in reseller may (the start page, their account, the language). One rule for
    /// the pages and the API, checked in one place before any route runs.
    public static func needed(method: String, path: String) -> UserRight? {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if parts.count >= 2, parts[0] == "api", parts[1] == "v1" { parts.removeFirst(2) }
        guard let first = parts.first else { return nil }
        let reads = method == "GET" || method == "HEAD"
        switch first {
        case "search", "lines", "status", "archive", "events":
            return parts.count == 3 && parts[2] == "material" ? .register : .view
        case "requests":
            // Answering the agent and extending an RMA number carry the registration on.
            return reads ? .view : .register
        case "attachments": return reads ? .view : .register
        case "register", "cart":
            return parts.count >= 2 && parts[1] == "submit" ? .submit : .register
        case "approvals": return .approve
        default: return nil
        }
    }
}
