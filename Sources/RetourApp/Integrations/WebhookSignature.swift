import Crypto
import Foundation

/// `Retour-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, one `v1` per secret
/// that signs (two for a day after a rotation).
enum WebhookSignature {
    static let header = "Retour-Signature"

    static func header(body: String, at time: Int64, secrets: [String]) -> String {
        (["t=\(time)"] + secrets.map { "v1=" + sign(body: body, at: time, secret: $0) }).joined(separator: ",")
    }

    static func sign(body: String, at time: Int64, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(
            for: Data("\(time).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }
}
