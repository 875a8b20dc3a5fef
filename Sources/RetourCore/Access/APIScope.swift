/// What a machine's API key may do. People sign in and act by their role; a key acts for the
/// person who made it, but only within its scopes.
public enum APIScope: String, CaseIterable, Sendable, Codable {
    /// Read the company's lines, requests, documents and events.
    case read
    /// Fill and submit the company's cart, upload its attachments, answer on its requests.
    case register
    /// Load master data and invoices (the ERP).
    case `import`
    /// Read every company's data (the distributor's own systems).
    case readAll = "read_all"

    /// The scopes a role may put on a key: a reseller's purchasing department for its company, an
    /// administrator for the ERP. Agents make no keys.
    public static func grantable(by role: Role) -> Set<APIScope> {
        switch role {
        case .resellerAdmin: return [.read, .register]
        case .admin: return [.import, .readAll]
        case .resellerUser, .agent: return []
        }
    }

    /// A key belongs to the company and the role it was made for: it stands only while its maker
    /// is active and still holds that very role in that very company. Moved to another company,
    /// given another role (promoted included) or switched off, the maker's keys end with it.
    public static func keyStands(
        madeAs role: Role, for company: Int?, makerRole: Role, makerCompany: Int?, makerActive: Bool
    ) -> Bool {
        makerActive && makerRole == role && !grantable(by: role).isEmpty
            && (role.belongsToCompany ? company != nil && makerCompany == company : company == nil)
    }

    /// Whether a key with `scopes` may call `method` on `path` (an `/api/v1/…` path). Everything
    /// not named here — keys, webhooks, users, decisions, rules — is for people only.
    public static func permits(_ scopes: Set<APIScope>, method: String, path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 3, parts[0] == "api", parts[1] == "v1" else { return false }
        let resource = Array(parts.dropFirst(2))
        let readable: Set<String> = ["lines", "requests", "events", "openapi.json"]
        switch method {
        case "GET", "HEAD":
            if resource[0] == "cart" { return scopes.contains(.register) }
            // Registering starts with finding the line and its reasons.
            if resource[0] == "lines" && scopes.contains(.register) { return true }
            if resource[0] == "stats" { return scopes.contains(.readAll) }
            return readable.contains(resource[0]) && !scopes.isDisjoint(with: [.read, .readAll])
        case "PUT":
            return scopes.contains(.register) && resource.count == 3 && resource[0] == "cart"
                && resource[1] == "positions"
        case "POST", "DELETE":
            if resource == ["import"] { return method == "POST" && scopes.contains(.import) }
            guard scopes.contains(.register) else { return false }
            switch resource[0] {
            case "cart", "attachments": return true
            case "requests": return method == "POST" && resource.count == 3 && resource[2] == "messages"
            default: return false
            }
        default:
            return false
        }
    }
}
