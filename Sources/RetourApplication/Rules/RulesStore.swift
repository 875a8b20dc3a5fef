import Foundation
import RetourCore

/// A published version of the rules, as the rules use cases see it.
public struct PublishedVersion: Sendable, Hashable {
    public var version: Int
    public var effectiveFrom: CalendarDay
    public var note: String?
    public var createdAt: Date

    public init(version: Int, effectiveFrom: CalendarDay, note: String?, createdAt: Date) {
        self.version = version
        self.effectiveFrom = effectiveFrom
        self.note = note
        self.createdAt = createdAt
    }
}

/// What an administrator may change of a brand: its DOA days, warranty months and who handles its
/// warranty and DOA cases.
public struct BrandSettings: Sendable, Hashable {
    public var id: Int
    public var name: String
    /// nil: the brand has no DOA.
    public var doaDays: Int?
    /// nil: the policy's default.
    public var warrantyMonths: Int?
    public var warrantyHandling: Handling
    public var doaHandling: Handling
    /// Whether a manufacturer's service centre is loaded (needed for Direct Service).
    public var hasServiceCentre: Bool

    public init(
        id: Int, name: String, doaDays: Int?, warrantyMonths: Int?, warrantyHandling: Handling,
        doaHandling: Handling, hasServiceCentre: Bool
    ) {
        self.id = id
        self.name = name
        self.doaDays = doaDays
        self.warrantyMonths = warrantyMonths
        self.warrantyHandling = warrantyHandling
        self.doaHandling = doaHandling
        self.hasServiceCentre = hasServiceCentre
    }
}

/// What the rules use cases need from storage; its implementation is the only code that reads or
/// writes the policy versions and brand settings behind it.
public protocol RulesStore: Sendable {
    /// Runs `work` in one write transaction: what it locks stays locked until it returns, and
    /// nothing it wrote is kept if it throws.
    func transaction<T: Sendable>(_ work: @escaping @Sendable (any RulesWork) async throws -> T) async throws -> T
}

/// The steps a rules use case takes inside one transaction.
public protocol RulesWork: Sendable {
    /// The newest version's number (0: none yet), with the versions locked against another
    /// publisher until the transaction ends: two at once would both take the same next number.
    func lockLatestVersion() async throws -> Int
    /// The rules in force on `day` (the standard rules when no version is stored).
    func policy(inForceOn day: CalendarDay) async throws -> Policy
    /// Whether an article of this number was loaded.
    func articleExists(_ number: String) async throws -> Bool
    func addVersion(
        _ version: Int, policy: Policy, effectiveFrom: CalendarDay, note: String?, by actorID: Int, at now: Date
    ) async throws -> PublishedVersion
    /// The brand `id`, its row locked; nil when there is no such brand.
    func lockBrand(_ id: Int) async throws -> BrandSettings?
    func setBrand(_ settings: BrandSettings) async throws
    func audit(_ entry: AuditEntry) async throws
}
