import Foundation
import Testing
import Vapor

@testable import RetourApp

extension AppTests {
    /// Addresses are written once, in `PageRoute` and `APIRoute`: the app registers exactly those,
    /// links are built from them, and the views name routes instead of writing addresses.
    @Suite struct RouteTests {
        static func pattern(_ components: [PathComponent]) -> String {
            "/" + components.map(\.description).joined(separator: "/")
        }

        @Test func theAppRegistersExactlyTheRoutesOfBothEnums() async throws {
            try await withRetour { app in
                let registered = Set(app.routes.all.map { Self.pattern($0.path) })
                let declared = Set(
                    PageRoute.allCases.map(\.rawValue) + APIRoute.allCases.map(\.rawValue)
                        + OperationsRoute.allCases.map(\.rawValue))
                #expect(registered.subtracting(declared).isEmpty, "registered, never declared")
                #expect(declared.subtracting(registered).isEmpty, "declared, never registered")
                // Each route carries the surface of its enum.
                for route in app.routes.all {
                    let pattern = Self.pattern(route.path)
                    let surface: Surface? =
                        PageRoute(rawValue: pattern) != nil
                        ? .pages : APIRoute(rawValue: pattern) != nil ? .api : .operations
                    #expect(route.surface == surface, "\(route.method) \(pattern)")
                }
                // The pages' patterns stay out of the API and the API's all start with its version.
                #expect(APIRoute.allCases.allSatisfy { $0.rawValue.hasPrefix("/api/v1/") })
                #expect(!PageRoute.allCases.contains { $0.rawValue.hasPrefix("/api/") })
            }
        }

        /// An address no route answers belongs to the surface whose routes share its first segment.
        @Test func anUnknownAddressIsAnsweredByTheSurfaceItWouldBelongTo() async throws {
            #expect(Surface(unmatchedPath: "/api/v1/nothing") == .api)
            #expect(Surface(unmatchedPath: "/healthz/x") == .operations)
            #expect(Surface(unmatchedPath: "/nothing") == .pages)
            try await withRetour { app in
                let api = try await app.testing().sendRequest(.GET, "/api/v1/nothing")
                #expect(api.status == .notFound)
                #expect(api.headers.contentType?.description.contains("problem+json") == true)
                let page = try await app.testing().sendRequest(.GET, "/nothing")
                #expect(page.status == .notFound)
                #expect(page.headers.contentType?.subType == "html")
                let wrongMethod = try await app.testing().sendRequest(.PATCH, "/healthz")
                #expect(wrongMethod.status == .methodNotAllowed)
            }
        }

        @Test func anAddressIsThePatternFilledAndEscaped() throws {
            #expect(PageRoute.request.path("RET-0000001") == "/requests/RET-0000001")
            #expect(PageRoute.request.path("a/b c") == "/requests/a%2Fb%20c")
            #expect(
                PageRoute.integrationWebhookRetry.path("3", "41") == "/integrations/webhooks/3/deliveries/41/retry")
            #expect(PageRoute.start.path() == "/")
            #expect(APIRoute.requestCreditNote.path("RET-1") == "/api/v1/requests/RET-1/credit-note.pdf")
            #expect(throws: RouteMisuse.self) { try PageRoute.request.path([]) }
            #expect(PageRoute.passwordReset.fixedPrefix == "/password/reset/")
            #expect(SitePath.cartAddress(position: 7, updated: true).path == "/cart/positions/7/address?updated=1")
        }

        /// Every `#route("name", …)` of a view names a page route with as many values as it has
        /// parameters, and no view writes an address of its own (but the static files').
        @Test func theViewsNameRoutesAndWriteNoAddresses() throws {
            let views = try TranslationTests.files("Resources/Views", ending: ".leaf")
            #expect(views.count > 20)
            let tag = try Regex(#"#route\("([A-Za-z]+)"((?:, [A-Za-z0-9_.]+)*)\)"#)
            var named = 0
            for view in views {
                for match in view.matches(of: tag) {
                    let name = String(match.output[1].substring ?? "")
                    let values = (match.output[2].substring ?? "").split(separator: ",").count
                    let route = PageRoute.named(name)
                    #expect(route != nil, "no route \(name)")
                    #expect(route?.parameters.count == values, "#route(\"\(name)\") with \(values) values")
                    named += 1
                }
                let literal = try Regex(#"(href|action|src|formaction|data-src)="/(?!css/|js/)"#)
                #expect(
                    view.firstMatch(of: literal) == nil, "\(view.firstMatch(of: literal).map { String($0.0) } ?? "")")
            }
            #expect(named > 80)
        }

        @Test func aViewThatNamesAnUnknownRouteFailsToRender() throws {
            #expect(try RouteTag.address("request", ["RET-1"]) == "/requests/RET-1")
            #expect(throws: RouteMisuse.self) { try RouteTag.address("nowhere", []) }
            #expect(throws: RouteMisuse.self) { try RouteTag.address("request", []) }
        }
    }
}
