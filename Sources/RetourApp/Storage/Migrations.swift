import Fluent
import SQLKit

/// Every migration, in the order they run, numbered; each lives in the folder of the feature whose
/// tables it makes or changes. The first ones made the tables of several features at once and stay
/// whole, because an installation has recorded them under their names.
public let retourMigrations: [any Migration] = [
    CreateMasterData(),  // 01 MasterData/CreateMasterData.swift
    CreateSearchIndexes(),  // 02 Search/CreateSearchIndexes.swift
    SessionRecord.migration,  // 03 Fluent's own table of web sessions
    CreatePolicyVersions(),  // 04 Rules/CreatePolicyVersions.swift
    CreateRegistration(),  // 05 Registration/CreateRegistration.swift
    CreateFollowUp(),  // 06 FollowUp/CreateFollowUp.swift
    CreateSessionsAndUniqueNumbers(),  // 07 Auth/CreateSessionsAndUniqueNumbers.swift
    CreateCaseInsensitiveNumbers(),  // 08 Search/CreateCaseInsensitiveNumbers.swift
    CreateInformationRequested(),  // 09 FollowUp/CreateInformationRequested.swift
    CreateSubmissionGroups(),  // 10 Registration/CreateSubmissionGroups.swift
    CreateMailAttachments(),  // 11 Mail/CreateMailAttachments.swift
    CreateJSONColumns(),  // 12 Registration/CreateJSONColumns.swift
    AddForeignKeys(),  // 13 Storage/AddForeignKeys.swift
    TypeRemainingJSONColumns(),  // 14 Storage/TypeRemainingJSONColumns.swift
    CreateCompanyFirstIndexes(),  // 15 Search/CreateCompanyFirstIndexes.swift
    CreateStoredFiles(),  // 16 Storage/CreateStoredFiles.swift
    DropUnusedNumberIndexes(),  // 17 Search/DropUnusedNumberIndexes.swift
    CreateAPIKeys(),  // 18 APIKeys/CreateAPIKeys.swift
    CreateIntegrations(),  // 19 Integrations/CreateIntegrations.swift
    AddUnfinishedAttempts(),  // 20 Jobs/AddUnfinishedAttempts.swift
    BindAPIKeysToTheirRole(),  // 21 APIKeys/BindAPIKeysToTheirRole.swift
    CreateInstallation(),  // 22 Storage/CreateInstallation.swift
    AddPasswordFingerprint(),  // 23 Users/AddPasswordFingerprint.swift
    CreateAccountLinks(),  // 24 Users/CreateAccountLinks.swift
    CreateRightsAndApprovals(),  // 25 Approvals/CreateRightsAndApprovals.swift
    CreateOIDCSignIns(),  // 26 Auth/CreateOIDCSignIns.swift
    CreateVendorRecovery(),  // 27 Recovery/CreateVendorRecovery.swift
    CreateVendorTermsVersions(),  // 28 Recovery/CreateVendorTermsVersions.swift
    AddAdvanceReplacement(),  // 29 Recovery/AddAdvanceReplacement.swift
    AddPositionReference(),  // 30 FollowUp/AddPositionReference.swift
    CreateDistributorSettings(),  // 31 Admin/CreateDistributorSettings.swift
    CreateFormAnswers(),  // 32 FormAnswers/CreateFormAnswers.swift
    TypeUserLanguage(),  // 33 Users/TypeUserLanguage.swift
]

/// Whether the database holds every migration this build knows: `/readyz` answers ready only then.
func schemaIsCurrent(on db: any Database) async throws -> Bool {
    struct Row: Decodable { var total: Int }
    let row = try await db.sql.raw(
        "SELECT COUNT(*) AS total FROM _fluent_migrations WHERE name = \(bind: retourMigrations.last?.name ?? "")"
    ).first(decoding: Row.self)
    return row?.total == 1
}
