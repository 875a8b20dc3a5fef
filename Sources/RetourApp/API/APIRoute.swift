import Vapor

/// Every address of the JSON API, one case per address (its methods are registered by the features):
/// the pattern is written here once, the names are those of `../shared/spec/api.md`. `RouteTests`
/// check that the app registers exactly these and `OpenAPITests` that the document describes them.
enum APIRoute: String, RoutePattern, Sendable {
    static let surface = Surface.api

    case openAPI = "/api/v1/openapi.json"
    case token = "/api/v1/auth/token"
    case passwordReset = "/api/v1/auth/password-reset"
    case importDocument = "/api/v1/import"
    case policies = "/api/v1/policies"
    case policiesWhatIf = "/api/v1/policies/what-if"

    case lines = "/api/v1/lines"
    case line = "/api/v1/lines/:id"
    case lineReasons = "/api/v1/lines/:id/reasons"
    case lineMaterial = "/api/v1/lines/:id/material"
    case attachments = "/api/v1/attachments"
    case attachment = "/api/v1/attachments/:id"
    case cart = "/api/v1/cart"
    case cartPositions = "/api/v1/cart/positions"
    case cartPosition = "/api/v1/cart/positions/:id"
    case cartSubmit = "/api/v1/cart/submit"
    case cartBulk = "/api/v1/cart/bulk"
    case cartBulkTemplate = "/api/v1/cart/bulk-template.csv"
    case approvals = "/api/v1/approvals"
    case approval = "/api/v1/approvals/:id"

    case requests = "/api/v1/requests"
    case request = "/api/v1/requests/:number"
    case requestCreditNote = "/api/v1/requests/:number/credit-note.pdf"
    case requestCreditNoteXML = "/api/v1/requests/:number/credit-note.xml"
    case requestReturnForm = "/api/v1/requests/:number/return-form.pdf"
    case requestExtend = "/api/v1/requests/:number/extend"
    case requestMessages = "/api/v1/requests/:number/messages"
    case requestDecision = "/api/v1/requests/:number/decision"
    case requestReceipt = "/api/v1/requests/:number/receipt"
    case requestCredit = "/api/v1/requests/:number/credit"
    case requestClose = "/api/v1/requests/:number/close"
    case requestDisposition = "/api/v1/requests/:number/disposition"
    case requestReplacement = "/api/v1/requests/:number/replacement"

    case vendorClaims = "/api/v1/vendor-claims"
    case vendorClaim = "/api/v1/vendor-claims/:number"
    case vendorClaimSend = "/api/v1/vendor-claims/:number/send"
    case vendorClaimCredit = "/api/v1/vendor-claims/:number/credit"
    case vendorClaimWriteOff = "/api/v1/vendor-claims/:number/write-off"
    case vendorClaimPacket = "/api/v1/vendor-claims/:number/packet.zip"
    case vendorRecovery = "/api/v1/vendor-recovery"
    case stats = "/api/v1/stats"
    case events = "/api/v1/events"

    case apiKeys = "/api/v1/api-keys"
    case apiKey = "/api/v1/api-keys/:id"
    case webhooks = "/api/v1/webhooks"
    case webhook = "/api/v1/webhooks/:id"
    case webhookRotateSecret = "/api/v1/webhooks/:id/rotate-secret"
    case webhookDeliveries = "/api/v1/webhooks/:id/deliveries"
    case webhookDeliveryRetry = "/api/v1/webhooks/:id/deliveries/:delivery/retry"
}
