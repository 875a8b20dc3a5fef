import Fluent

/// Every migration, in the order they run.
public let retourMigrations: [any Migration] = [
    CreateMasterData(), CreateSearchIndexes(), SessionRecord.migration, CreatePolicyVersions(), CreateRegistration(),
    CreateFollowUp(), CreateSessionsAndUniqueNumbers(), CreateCaseInsensitiveNumbers(), CreateInformationRequested(),
    CreateSubmissionGroups(), CreateMailAttachments(), CreateJSONColumns(), AddForeignKeys(),
    TypeRemainingJSONColumns(), CreateCompanyFirstIndexes(), CreateStoredFiles(),
    DropUnusedNumberIndexes(), CreateAPIKeys(), CreateIntegrations(), AddUnfinishedAttempts(),
    BindAPIKeysToTheirRole(), CreateInstallation(), AddPasswordFingerprint(),
    CreateAccountLinks(), CreateRightsAndApprovals(), CreateOIDCSignIns(),
    CreateVendorRecovery(), CreateVendorTermsVersions(), AddAdvanceReplacement(),
]
