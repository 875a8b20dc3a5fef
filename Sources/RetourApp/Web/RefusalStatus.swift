import RetourCore
import Vapor

/// The one place a refusal becomes an HTTP status: the API answers it as problem details, a page
/// renders with it.
extension Refusal {
    var status: HTTPResponseStatus {
        switch kind {
        case .malformed: return .badRequest
        case .unauthenticated: return .unauthorized
        case .forbidden: return .forbidden
        case .notFound: return .notFound
        case .conflict: return .conflict
        case .invalid: return .unprocessableEntity
        case .unsupportedType: return .unsupportedMediaType
        case .tooManyAttempts: return .tooManyRequests
        case .unavailable: return .serviceUnavailable
        case .tooLarge: return .payloadTooLarge
        case .gone: return .gone
        }
    }
}
