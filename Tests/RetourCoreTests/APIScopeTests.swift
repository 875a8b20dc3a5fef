import Testing

@testable import RetourCore

@Suite struct APIScopeTests {
    @Test func readingNeedsAReadScopeAndReachesOnlyReadableData() {
        #expect(APIScope.permits([.read], method: "GET", path: "/api/v1/lines"))
        #expect(APIScope.permits([.readAll], method: "GET", path: "/api/v1/requests/R-1/credit-note.pdf"))
        #expect(APIScope.permits([.read], method: "GET", path: "/api/v1/events"))
        #expect(!APIScope.permits([.register], method: "GET", path: "/api/v1/requests"))
        #expect(!APIScope.permits([.import], method: "GET", path: "/api/v1/requests"))
        #expect(!APIScope.permits([.read, .register], method: "GET", path: "/api/v1/api-keys"))
        #expect(!APIScope.permits([.read, .register], method: "GET", path: "/api/v1/webhooks"))
        #expect(!APIScope.permits([.read], method: "GET", path: "/api/v1/stats"))
        #expect(APIScope.permits([.readAll], method: "GET", path: "/api/v1/stats"))
        #expect(!APIScope.permits([.read], method: "GET", path: "/search"))
    }

    @Test func writingNeedsTheScopeOfWhatIsWritten() {
        #expect(APIScope.permits([.register], method: "POST", path: "/api/v1/cart/positions"))
        #expect(APIScope.permits([.register], method: "DELETE", path: "/api/v1/cart/positions/4"))
        #expect(APIScope.permits([.register], method: "POST", path: "/api/v1/cart/submit"))
        #expect(APIScope.permits([.register], method: "POST", path: "/api/v1/requests/R-1/messages"))
        #expect(!APIScope.permits([.register], method: "POST", path: "/api/v1/requests/R-1/decision"))
        #expect(!APIScope.permits([.read], method: "POST", path: "/api/v1/cart/positions"))
        #expect(APIScope.permits([.import], method: "POST", path: "/api/v1/import"))
        #expect(!APIScope.permits([.register, .read], method: "POST", path: "/api/v1/import"))
        #expect(!APIScope.permits([.register], method: "POST", path: "/api/v1/api-keys"))
        #expect(!APIScope.permits([.readAll, .import], method: "PUT", path: "/api/v1/import"))
    }

    @Test func eachRoleGrantsItsOwnScopes() {
        #expect(APIScope.grantable(by: .resellerAdmin) == [.read, .register])
        #expect(APIScope.grantable(by: .admin) == [.import, .readAll])
        #expect(APIScope.grantable(by: .resellerUser).isEmpty)
        #expect(APIScope.grantable(by: .agent).isEmpty)
    }
}

@Suite struct SlidingWindowTests {
    /// A burst at the end of one minute and one at the start of the next: the fixed minute let
    /// both through (twice the limit in a few seconds); the sliding window does not.
    @Test func aBurstAcrossTheMinuteIsCountedOnce() {
        let limit = 10
        // 10 requests at 0:59, then the next minute begins.
        #expect(!SlidingWindow(previous: 0, current: 10, elapsed: 59).exceeds(limit))
        #expect(SlidingWindow(previous: 10, current: 1, elapsed: 1).exceeds(limit))
        // Half a minute later half of the old minute still counts.
        #expect(!SlidingWindow(previous: 10, current: 5, elapsed: 30).exceeds(limit))
        #expect(SlidingWindow(previous: 10, current: 6, elapsed: 30).exceeds(limit))
    }

    @Test func theWaitEndsWhenTheNextRequestFits() {
        let window = SlidingWindow(previous: 10, current: 2, elapsed: 10)
        let wait = window.secondsUntilAllowed(10)
        #expect(wait > 1 && wait < 60)
        #expect(!SlidingWindow(previous: 10, current: 3, elapsed: 10 + wait).exceeds(10))
        #expect(SlidingWindow(previous: 10, current: 3, elapsed: 10 + wait - 1).exceeds(10))
        #expect(SlidingWindow(previous: 0, current: 1, elapsed: 0).secondsUntilAllowed(0) == 120)
    }
}

@Suite struct KeyOwnershipTests {
    @Test func aKeyEndsWhenItsMakerChangesCompanyRoleOrIsSwitchedOff() {
        #expect(
            APIScope.keyStands(
                madeAs: .resellerAdmin, for: 7, makerRole: .resellerAdmin, makerCompany: 7, makerActive: true))
        #expect(
            !APIScope.keyStands(
                madeAs: .resellerAdmin, for: 7, makerRole: .resellerAdmin, makerCompany: 8, makerActive: true))
        #expect(
            !APIScope.keyStands(madeAs: .resellerAdmin, for: 7, makerRole: .admin, makerCompany: nil, makerActive: true)
        )
        #expect(
            !APIScope.keyStands(
                madeAs: .resellerAdmin, for: 7, makerRole: .resellerUser, makerCompany: 7, makerActive: true))
        #expect(
            !APIScope.keyStands(
                madeAs: .resellerAdmin, for: 7, makerRole: .resellerAdmin, makerCompany: 7, makerActive: false))
        #expect(APIScope.keyStands(madeAs: .admin, for: nil, makerRole: .admin, makerCompany: nil, makerActive: true))
        #expect(!APIScope.keyStands(madeAs: .admin, for: nil, makerRole: .agent, makerCompany: nil, makerActive: true))
        #expect(!APIScope.keyStands(madeAs: .agent, for: nil, makerRole: .agent, makerCompany: nil, makerActive: true))
    }

    /// Registering needs the lines and their reasons, and replacing a position (issue 20).
    @Test func aRegisterKeyFindsLinesAndReplacesPositions() {
        let register: Set<APIScope> = [.register]
        #expect(APIScope.permits(register, method: "GET", path: "/api/v1/lines"))
        #expect(APIScope.permits(register, method: "GET", path: "/api/v1/lines/12/reasons"))
        #expect(APIScope.permits(register, method: "PUT", path: "/api/v1/cart/positions/3"))
        #expect(!APIScope.permits(register, method: "PUT", path: "/api/v1/policies/3"))
        #expect(!APIScope.permits(register, method: "GET", path: "/api/v1/requests"))
        #expect(!APIScope.permits([.read], method: "PUT", path: "/api/v1/cart/positions/3"))
    }
}
