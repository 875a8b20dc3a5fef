import Testing

@testable import RetourCore

@Suite struct APIScopeTests {
    @Test func readingNeedsAReadScopeAndReachesOnlyReadableData() {
        #expect(APIScope.permits([.read], method: "GET", path: "/api/v1/lines"))
        #expect(APIScope.permits([.readAll], method: "GET", path: "/api/v1/requests/R-1/credit-note.pdf"))
        #expect(APIScope.permits([.read], method: "GET", path: "/api/v1/events"))
        #expect(!APIScope.permits([.register], method: "GET", path: "/api/v1/lines"))
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
