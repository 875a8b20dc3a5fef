/// Why a use case did not do what it was asked, as the one error every use case throws: a kind, a
/// sentence (a `Message`, in either language) and the fields it concerns. The adapters decide what
/// a kind means to their reader — the API an HTTP status and problem details, a page its status and
/// the message at the field (`Web/RefusalStatus.swift`); nothing below them speaks HTTP.
public struct Refusal: Error, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The input cannot be read at all (not JSON, a parameter that is no number).
        case malformed
        /// Nobody is signed in, or the credentials are not good.
        case unauthenticated
        /// Signed in, but this login may not do it.
        case forbidden
        /// Not there — or not this login's to see, which reads the same.
        case notFound
        /// It clashes with what is stored now (already decided, already claimed).
        case conflict
        /// Readable, but the rules refuse it; `errors` names the fields.
        case invalid
        /// A file or body of a kind that is not taken here.
        case unsupportedType
        /// Too many attempts: try again after `retryAfter` seconds.
        case tooManyAttempts
        /// Something Retour depends on is away for a moment.
        case unavailable
        /// Larger than allowed.
        case tooLarge
        /// It was there and is gone for good.
        case gone
    }

    public var kind: Kind
    public var detail: Message
    public var errors: [FieldError]
    /// Seconds after which the client may try again (too many attempts, unavailable).
    public var retryAfter: Int?

    public init(_ kind: Kind, detail: Message, errors: [FieldError] = [], retryAfter: Int? = nil) {
        self.kind = kind
        self.detail = detail
        self.errors = errors
        self.retryAfter = retryAfter
    }

    public static func invalid(_ errors: [FieldError]) -> Refusal {
        Refusal(.invalid, detail: Message("app.api.theInputIsNotValid"), errors: errors)
    }

    /// Text no database stores (a NUL character, invalid UTF-8), answered as the client's mistake —
    /// on SQLite too, which would store it, so that both answer alike.
    public static let unstorableText = Refusal(
        .malformed, detail: Message("app.web.theInputHoldsCharactersThatCannot"))

    /// Refuses `texts` if any holds a NUL character.
    public static func refuseUnstorable(_ texts: String?...) throws {
        if texts.contains(where: { $0?.unicodeScalars.contains("\u{0}") == true }) { throw unstorableText }
    }

    public static func notFound() -> Refusal {
        Refusal(.notFound, detail: Message("app.api.notFound"))
    }
}
