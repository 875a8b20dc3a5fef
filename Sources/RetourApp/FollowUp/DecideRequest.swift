import Fluent
import RetourCore

/// An agent's decision on a request in review — approve, reject or ask for information — as a use
/// case: whoever decides, through the API or the page, meets the same rule: a rejection or a
/// question tells the reseller why.
struct DecideRequest {
    var context: RequestActions.Context
    var decision: RequestAction?
    var message: String?

    @discardableResult
    func run(on record: ReturnRequest, database: any Database) async throws -> ReturnRequest {
        guard let decision, RequestAction.decisions.contains(decision) else {
            throw Refusal.invalid([FieldError("decision", message: Message("app.followup.chooseADecision"))])
        }
        let message = (message ?? "").trimmingWhitespace()
        if decision.needsMessage && message.isEmpty {
            throw Refusal.invalid([FieldError("message", message: Message("app.followup.tellTheResellerWhy"))])
        }
        return try await RequestActions.perform(
            decision, on: record, context: context, message: message.isEmpty ? nil : message, database: database)
    }
}
