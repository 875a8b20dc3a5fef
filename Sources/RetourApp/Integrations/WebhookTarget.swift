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
    static let maximumLength = 2_000

    enum Refusal: Error, Equatable {
        case notAnAddress
        case notHTTPS
        case privateAddress
        case unresolvable
    }

    static func check(_ text: String, production: Bool, allowPrivate: Bool) -> Refusal? {
        guard text.count <= maximumLength, let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme), let host = url.host, !host.isEmpty, url.user == nil,
            url.password == nil
        else { return .notAnAddress }
        if production && scheme != "https" { return .notHTTPS }
        if allowPrivate { return nil }
        let addresses = resolve(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")))
        if addresses.isEmpty { return .unresolvable }
        return addresses.allSatisfy(NetworkAddress.isPublic) ? nil : .privateAddress
    }

    static func message(_ refusal: Refusal) -> Message {
        switch refusal {
        case .notAnAddress: return Message("app.webhooks.notAnAddress")
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
