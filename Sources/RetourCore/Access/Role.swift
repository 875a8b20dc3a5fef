/// Who a user is, named as in the API contract.
public enum Role: String, CaseIterable, Sendable, Codable {
    case resellerUser = "reseller_user"
    case resellerAdmin = "reseller_admin"
    case agent
    case admin

    /// Resellers belong to a company; the distributor's own people do not.
    public var belongsToCompany: Bool { self == .resellerUser || self == .resellerAdmin }

    public var managesSubLogins: Bool { self == .resellerAdmin }

    /// Sees every company's documents (the distributor's staff).
    public var seesAllCompanies: Bool { !belongsToCompany }
}

public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let maximumLength = 72  // bcrypt reads no further

    public static func problems(with password: String, field: String = "password") -> [FieldError] {
        if password.count < minimumLength {
            return [
                FieldError(
                    field,
                    message: Message("role.thePasswordMustBeAtLeast", ["minimumLength": "\(minimumLength)"]))
            ]
        }
        if password.utf8.count > maximumLength {
            return [
                FieldError(
                    field,
                    message: Message("role.thePasswordMayBeAtMost", ["maximumLength": "\(maximumLength)"]))
            ]
        }
        if CommonPasswords.contains(password) {
            return [FieldError(field, message: Message("role.thePasswordIsTooCommon"))]
        }
        return []
    }
}

/// Login throttling as a rule: after `maximumFailures` failed attempts within `window` seconds,
/// further attempts wait until the oldest counted failure leaves the window.
public struct LoginThrottle: Sendable {
    public var maximumFailures: Int
    public var windowSeconds: Int

    public init(maximumFailures: Int = 5, windowSeconds: Int = 15 * 60) {
        self.maximumFailures = maximumFailures
        self.windowSeconds = windowSeconds
    }

    /// `failures` are the times (seconds since any epoch) of recent failed attempts.
    /// Returns nil when a new attempt may be made, else the seconds to wait.
    public func waitSeconds(failures: [Int64], now: Int64) -> Int? {
        let recent = failures.filter { now - $0 < Int64(windowSeconds) }.sorted()
        guard recent.count >= maximumFailures else { return nil }
        let oldestCounted = recent[recent.count - maximumFailures]
        return max(1, Int(oldestCounted + Int64(windowSeconds) - now))
    }

    /// For one account: from `maximumFailures` failures on, each attempt waits after the latest
    /// failure, 2 s, 4 s, 8 s … up to `longestDelaySeconds`. An attacker guessing one reseller's
    /// password only slows down; the reseller is never locked out for the whole window.
    public func growingDelay(failures: [Int64], now: Int64, longestDelaySeconds: Int = 120) -> Int? {
        let recent = failures.filter { now - $0 < Int64(windowSeconds) }.sorted()
        guard recent.count >= maximumFailures, let latest = recent.last else { return nil }
        let doublings = min(recent.count - maximumFailures + 1, 30)
        let delay = min(Int64(longestDelaySeconds), Int64(1) << doublings)
        let until = latest + delay
        return until > now ? Int(until - now) : nil
    }
}
