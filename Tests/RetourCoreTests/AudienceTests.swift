import Testing

@testable import RetourCore

/// Who may use which group of routes, and whose documents a user sees: rules of the portal, not
/// of the web adapter.
@Suite struct AudienceTests {
    @Test(arguments: [
        (Audience.signedIn, [Role.resellerUser, .resellerAdmin, .agent, .admin]),
        (.reseller, [.resellerUser, .resellerAdmin]),
        (.resellerAdmin, [.resellerAdmin]),
        (.backOffice, [.agent, .admin]),
        (.admin, [.admin]),
        (.keyMakers, [.resellerAdmin, .admin]),
    ])
    func eachGroupAdmitsItsRolesOnly(_ audience: Audience, _ admitted: [Role]) {
        #expect(Role.allCases.filter(audience.admits) == admitted)
    }

    @Test func onlyAnAdministratorCreditsAboveTheGoodsValue() {
        #expect(Role.allCases.filter(\.mayCreditAboveTheGoodsValue) == [.admin])
    }

    @Test func aResellerSeesItsCompanyAndTheStaffEveryCompany() {
        #expect(CompanyScope(role: .resellerUser, companyID: 7) == .company(7))
        #expect(CompanyScope(role: .resellerAdmin, companyID: nil) == nil)
        #expect(CompanyScope(role: .agent, companyID: nil) == .allCompanies)
        #expect(CompanyScope(role: .admin, companyID: 3) == .allCompanies)
        #expect(CompanyScope.company(7).allows(7) && !CompanyScope.company(7).allows(8))
        #expect(CompanyScope.allCompanies.allows(8))
    }
}
