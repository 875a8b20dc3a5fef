import Vapor

/// "RMA-statusoverzicht" and "Archief": their lists arrive with the follow-up issue; until then
/// the pages exist and say so, so the navigation is complete.
struct FollowUpPlaceholderController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("status") { req in
            try await req.renderPage(
                "placeholder", title: req.texts["nav.status"], nav: "status",
                content: Text(text: req.texts["status.empty"]))
        }
        routes.get("archive") { req in
            try await req.renderPage(
                "placeholder", title: req.texts["nav.archive"], nav: "archive",
                content: Text(text: req.texts["archive.empty"]))
        }
    }

    struct Text: Encodable {
        var text: String
    }
}
