import RetourCore
import Vapor

/// Refuses, before anything else looks at them, request addresses no browser or client of ours
/// sends: NUL and other control characters, bytes that are not UTF-8 once percent-decoded, and
/// over-long paths. Neither the database (which cannot store NUL) nor the file system (which
/// limits names to 255 bytes) is then asked about them.
struct InputSanityMiddleware: AsyncMiddleware {
    static let longestPath = 2_048
    static let longestSegment = 255
    static let longestQuery = 16_384

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = request.url.path
        let query = request.url.query ?? ""
        guard path.utf8.count <= Self.longestPath, query.utf8.count <= Self.longestQuery,
            path.split(separator: "/").allSatisfy({ $0.utf8.count <= Self.longestSegment }),
            Self.isClean(path), Self.isClean(query)
        else {
            throw Refusal(
                .malformed, detail: Message("app.web.thisAddressHoldsCharactersRetourCannot"))
        }
        return try await next.respond(to: request)
    }

    /// Percent-decoded, the text is UTF-8 without control characters (tabs and line ends included).
    static func isClean(_ raw: String) -> Bool {
        guard let decoded = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
            return raw.isEmpty
        }
        return !decoded.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
