import Testing

@testable import RetourCore

@Suite struct UserRightTests {
    /// The same address needs the same right on a page and in the API.
    @Test func eachAddressNeedsOneRightOnThePagesAndInTheAPI() {
        let cases: [(String, String, UserRight?)] = [
            ("GET", "/search", .view), ("GET", "/api/v1/lines", .view), ("GET", "/search/lines/4/reasons", .view),
            ("GET", "/status", .view), ("GET", "/archive", .view), ("GET", "/requests/RET-1", .view),
            ("GET", "/api/v1/requests/RET-1/credit-note.pdf", .view), ("GET", "/api/v1/events", .view),
            ("GET", "/attachments/abc", .view), ("POST", "/api/v1/attachments", .register),
            ("GET", "/register/4", .register), ("POST", "/register/4", .register),
            ("GET", "/register/4/material", .register), ("GET", "/api/v1/lines/4/material", .register),
            ("GET", "/cart", .register), ("POST", "/api/v1/cart/positions", .register),
            ("DELETE", "/api/v1/cart/positions/3", .register), ("POST", "/cart/bulk", .register),
            ("POST", "/requests/RET-1/messages", .register), ("POST", "/api/v1/requests/RET-1/extend", .register),
            ("POST", "/cart/submit", .submit), ("POST", "/api/v1/cart/submit", .submit),
            ("GET", "/approvals", .approve), ("POST", "/api/v1/approvals/3", .approve),
            ("GET", "/", nil), ("GET", "/account", nil), ("POST", "/lang/en", nil), ("POST", "/logout", nil),
            ("GET", "/users", nil), ("GET", "/integrations", nil),
        ]
        for (method, path, right) in cases {
            #expect(UserRight.needed(method: method, path: path) == right, "\(method) \(path)")
        }
    }

    @Test func aPurchasingDepartmentHoldsEveryRightASubLoginWhatWasGranted() {
        #expect(UserRight.held(by: .resellerAdmin, granted: [.view]) == Set(UserRight.allCases))
        #expect(UserRight.held(by: .resellerUser, granted: nil) == [.view, .register, .submit])
        #expect(UserRight.held(by: .resellerUser, granted: [.view]) == [.view])
        #expect(UserRight.held(by: .resellerUser, granted: []) == [])
        #expect(UserRight.parse(["view", " submit"]) == [.view, .submit])
        #expect(UserRight.parse(["view", "fly"]) == nil)
        #expect(UserRight.stored([.submit, .view, .approve]) == "view,submit,approve")
    }
}

@Suite struct SubmitApprovalTests {
    @Test func aSubmissionWaitsOnlyForAUserWithoutApproveAndOnlyAsTheRuleSays() {
        let user: Set<UserRight> = [.view, .register, .submit]
        let limit = SubmitApproval.aboveAmount(Money(cents: 50_000))
        #expect(!SubmitApproval.none.requiresApproval(of: Money(cents: 9_999_999), by: user))
        #expect(SubmitApproval.always.requiresApproval(of: Money(cents: 1), by: user))
        #expect(!limit.requiresApproval(of: Money(cents: 50_000), by: user), "at the amount: not above it")
        #expect(limit.requiresApproval(of: Money(cents: 50_001), by: user))
        #expect(!SubmitApproval.always.requiresApproval(of: Money(cents: 1), by: user.union([.approve])))
        #expect(SubmitApproval(kind: .aboveAmount, amount: nil) == nil)
        #expect(SubmitApproval(kind: .aboveAmount, amount: Money(cents: 100))?.amount == Money(cents: 100))
    }

    @Test func onlyAColleagueWithApproveOfTheSameCompanyDecides() {
        #expect(
            SubmitApproval.mayDecide(
                approverID: 2, approverCompany: 7, approverRights: [.approve], submitterID: 1, company: 7))
        #expect(
            !SubmitApproval.mayDecide(
                approverID: 1, approverCompany: 7, approverRights: [.approve], submitterID: 1, company: 7),
            "not one's own")
        #expect(
            !SubmitApproval.mayDecide(
                approverID: 2, approverCompany: 8, approverRights: [.approve], submitterID: 1, company: 7))
        #expect(
            !SubmitApproval.mayDecide(
                approverID: 2, approverCompany: 7, approverRights: [.view, .submit], submitterID: 1, company: 7))
    }
}

@Suite struct IDTokenClaimsTests {
    static let good = IDTokenClaims(
        issuer: "https://idp.example/openid", audiences: ["retour"], expiresAt: 1_000, issuedAt: 900, nonce: "n",
        email: "Piet@PCPartner.nl", emailVerified: true)

    @Test func everyClaimMustHold() {
        func judged(_ change: (inout IDTokenClaims) -> Void, now: Int64 = 950) -> String {
            var claims = Self.good
            change(&claims)
            switch claims.judge(issuer: "https://idp.example/openid/", clientID: "retour", nonce: "n", now: now) {
            case .success(let email): return email
            case .failure(let refusal): return refusal.rawValue
            }
        }
        #expect(judged { _ in } == "piet@pcpartner.nl")
        #expect(judged { $0.issuer = "https://idp.example.evil/openid" } == "wrong_issuer")
        #expect(judged { $0.audiences = ["other", "more"] } == "wrong_audience")
        #expect(judged { $0.audiences = ["other", "retour"] } == "piet@pcpartner.nl")
        #expect(judged({ _ in }, now: 1_059) == "piet@pcpartner.nl", "within the leeway")
        #expect(judged({ _ in }, now: 1_060) == "expired")
        #expect(judged { $0.expiresAt = nil } == "expired")
        #expect(judged { $0.issuedAt = 2_000 } == "issued_in_the_future")
        #expect(judged { $0.nonce = nil } == "wrong_nonce")
        #expect(judged { $0.nonce = "m" } == "wrong_nonce")
        #expect(judged { $0.emailVerified = false } == "no_verified_email")
        #expect(judged { $0.emailVerified = nil } == "no_verified_email")
        #expect(judged { $0.email = "not an address" } == "no_verified_email")
    }
}
