import Crypto
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A real HTTP server on loopback that takes webhook deliveries: it checks each signature with the
/// secret it is given, keeps what arrived, answers with the status it is told, and can go down and
/// come back on the same port.
final class WebhookReceiver: @unchecked Sendable {
    struct Delivery: Sendable {
        var body: String
        var signatures: [String]
        var time: Int64
        var headers: [String: String]

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
        var type: String { json["type"] as? String ?? "" }
        var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
    }

    private let state = NIOLockedValueBox<(received: [Delivery], status: HTTPStatus)>(([], .ok))
    private var app: Application?
    private(set) var port = 0

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var received: [Delivery] { state.withLockedValue { $0.received } }

    func answer(_ status: HTTPStatus) { state.withLockedValue { $0.status = status } }

    /// The deliveries whose signature, made with `secret`, is among those sent.
    func signed(with secret: String) -> [Delivery] {
        received.filter { delivery in
            let code = HMAC<SHA256>.authenticationCode(
                for: Data("\(delivery.time).\(delivery.body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
            return delivery.signatures.contains(code.map { String(format: "%02x", $0) }.joined())
        }
    }

    func start() async throws {
        let app = try await Application.make(.testing)
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = port
        app.post("hook") { [state] req async throws -> Response in
            let body = req.body.string ?? ""
            var signatures: [String] = []
            var time: Int64 = 0
            for part in (req.headers.first(name: "Retour-Signature") ?? "").split(separator: ",") {
                let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { continue }
                if pair[0] == "t" { time = Int64(pair[1]) ?? 0 }
                if pair[0] == "v1" { signatures.append(pair[1]) }
            }
            let headers = Dictionary(req.headers.map { ($0.name.lowercased(), $0.value) }) { first, _ in first }
            let status = state.withLockedValue {
                $0.received.append(Delivery(body: body, signatures: signatures, time: time, headers: headers))
                return $0.status
            }
            return Response(status: status)
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: port))
        port = app.http.server.shared.localAddress?.port ?? port
        self.app = app
    }

    /// Goes down: the port refuses connections until `start` again.
    func stop() async throws {
        guard let app else { return }
        await app.server.shutdown()
        try await app.asyncShutdown()
        self.app = nil
    }
}
