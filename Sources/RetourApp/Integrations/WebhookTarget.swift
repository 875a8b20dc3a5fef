import Foundation
import RetourCore

#if canImport(Glibc)
    import Glibc
#endif

/// Where a webhook may send: an http(s) address without credentials in it, https only in
/// production, and — unless `RETOUR_WEBHOOK_ALLOW_PRIVATE=1` — a host whose every address is on the
/// public internet, checked when subscribing and again before every delivery (a name may come to
/// point elsewhere).
enum WebhookTarget {
    enum Refusal: Error, Equatable {
        case notAnAddress
        case badPort
        case notHTTPS
        case privateAddress
        case unresolvable
    }

    /// An address judged fit to receive, with the one network address a delivery connects to: the
    /// host is resolved once, here, and the connection is pinned to what was judged, so a name
    /// that answers differently a moment later (DNS rebinding) reaches nothing new.
    struct Judged {
        var address: WebAddress
        /// The network address to connect to, as text.
        var connectTo: String
    }

    static func check(_ text: String, production: Bool, allowPrivate: Bool) -> Refusal? {
        if case .failure(let refusal) = judge(text, production: production, allowPrivate: allowPrivate) {
            return refusal
        }
        return nil
    }

    static func judge(_ text: String, production: Bool, allowPrivate: Bool) -> Result<Judged, Refusal> {
        let address: WebAddress
        switch WebAddress.parse(text) {
        case .success(let parsed): address = parsed
        case .failure(.badPort): return .failure(.badPort)
        case .failure(.notAnAddress): return .failure(.notAnAddress)
        }
        if production && address.scheme != "https" { return .failure(.notHTTPS) }
        let addresses = address.literalBytes.map { [$0] } ?? resolve(address.host)
        if addresses.isEmpty { return .failure(.unresolvable) }
        if !allowPrivate && !addresses.allSatisfy(NetworkAddress.isPublic) { return .failure(.privateAddress) }
        guard let first = addresses.first, let text = NetworkAddress.text(first) else {
            return .failure(.unresolvable)
        }
        return .success(Judged(address: address, connectTo: text))
    }

    static func message(_ refusal: Refusal) -> Message {
        switch refusal {
        case .notAnAddress: return Message("app.webhooks.notAnAddress")
        case .badPort: return Message("app.webhooks.badPort")
        case .notHTTPS: return Message("app.webhooks.httpsOnly")
        case .privateAddress: return Message("app.webhooks.privateAddress")
        case .unresolvable: return Message("app.webhooks.unresolvable")
        }
    }

    /// Every address `host` resolves to, as bytes.
    static func resolve(_ host: String) -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(list) }
        var found: [[UInt8]] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let entry = next {
            if let address = entry.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        found.append(withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) })
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        found.append(withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) })
                    }
                default: break
                }
            }
            next = entry.pointee.ai_next
        }
        return found
    }
}
