import Foundation
import RetourCore

/// The distributor's identity provider: where it is, who Retour is to it, and which roles may only
/// sign in through it.
public struct OIDCSettings: Sendable, Equatable {
    public var issuer: String
    public var clientID: String
    public var clientSecret: String
    /// Roles whose local passwords are switched off (`RETOUR_OIDC_ONLY_ROLES=agent,admin`).
    public var onlyRoles: Set<Role>

    public init(issuer: String, clientID: String, clientSecret: String, onlyRoles: Set<Role> = []) {
        self.issuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.onlyRoles = onlyRoles
    }

    /// nil without `RETOUR_OIDC_ISSUER`; the three settings come together or not at all.
    static func read(_ environment: [String: String]) throws -> OIDCSettings? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let issuer = value("RETOUR_OIDC_ISSUER") else {
            if value("RETOUR_OIDC_ONLY_ROLES") != nil {
                throw ConfigError("RETOUR_OIDC_ONLY_ROLES needs RETOUR_OIDC_ISSUER: without it nobody could sign in")
            }
            return nil
        }
        guard let url = URLComponents(string: issuer), ["http", "https"].contains(url.scheme ?? ""), url.host != nil
        else { throw ConfigError("RETOUR_OIDC_ISSUER must be the provider's http(s) address") }
        guard let clientID = value("RETOUR_OIDC_CLIENT_ID"), let secret = value("RETOUR_OIDC_CLIENT_SECRET") else {
            throw ConfigError("RETOUR_OIDC_ISSUER needs RETOUR_OIDC_CLIENT_ID and RETOUR_OIDC_CLIENT_SECRET")
        }
        var roles: Set<Role> = []
        for name in (value("RETOUR_OIDC_ONLY_ROLES") ?? "").split(separator: ",") {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let role = Role(rawValue: trimmed) else {
                throw ConfigError(
                    "RETOUR_OIDC_ONLY_ROLES: \(trimmed) is no role (\(Role.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            roles.insert(role)
        }
        return OIDCSettings(issuer: issuer, clientID: clientID, clientSecret: secret, onlyRoles: roles)
    }
}
