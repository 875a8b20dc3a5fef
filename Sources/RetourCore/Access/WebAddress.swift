/// An http(s) address that another system gave Retour to call (a webhook), judged whole before it
/// is stored or used: printable ASCII only (an international host name comes as punycode, so no
/// full-width digit can pass for an ASCII one), no user name or password, no fragment, a host
/// name or an address literal without zone, and a port from 1 to 65535 — nothing that reaches the
/// HTTP client can make it trap.
public struct WebAddress: Sendable, Equatable {
    public static let maximumLength = 2_000

    public enum Refusal: Error, Equatable, Sendable {
        case notAnAddress
        case badPort
    }

    public var scheme: String
    /// Lowercased; an IPv6 literal without its brackets.
    public var host: String
    public var port: Int
    /// The host is an IPv4 or IPv6 literal: nothing to resolve.
    public var hostIsLiteral: Bool
    /// The literal's bytes, when the host is one.
    public var literalBytes: [UInt8]?
    /// Everything after the host and port: "/" at least.
    public var pathAndQuery: String

    /// The address written the one way every later reader takes it: lowercase scheme and host,
    /// an explicit port.
    public var normalized: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost):\(port)\(pathAndQuery)"
    }

    public static func parse(_ text: String) -> Result<WebAddress, Refusal> {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumLength, bytes.allSatisfy({ (0x21...0x7e).contains($0) }),
            !bytes.contains(UInt8(ascii: "#")), !bytes.contains(UInt8(ascii: "\\"))
        else { return .failure(.notAnAddress) }
        let lower = text.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") {
            scheme = "https"
        } else if lower.hasPrefix("http://") {
            scheme = "http"
        } else {
            return .failure(.notAnAddress)
        }
        let rest = Substring(text).dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard !authority.isEmpty, !authority.contains("@") else { return .failure(.notAnAddress) }
        let tail = String(rest.dropFirst(authority.count))
        let pathAndQuery = tail.hasPrefix("/") ? tail : "/" + tail

        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return .failure(.notAnAddress) }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return .failure(.notAnAddress) }
                portText = after.dropFirst()
            }
            guard let literal = IPv6Text.parse(host) else { return .failure(.notAnAddress) }
            return finish(
                scheme: scheme, host: String(host).lowercased(), portText: portText, literal: literal,
                pathAndQuery: pathAndQuery)
        }
        let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        host = parts[0]
        if parts.count == 2 { portText = parts[1] }
        guard isHostName(host) else { return .failure(.notAnAddress) }
        return finish(
            scheme: scheme, host: host.lowercased(), portText: portText, literal: IPv4Text.parse(host),
            pathAndQuery: pathAndQuery)
    }

    private static func finish(
        scheme: String, host: String, portText: Substring?, literal: [UInt8]?, pathAndQuery: String
    ) -> Result<WebAddress, Refusal> {
        var port = scheme == "https" ? 443 : 80
        if let portText {
            // Five digits at most before converting: no number from outside can overflow.
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(portText), (1...65_535).contains(value)
            else { return .failure(.badPort) }
            port = value
        }
        return .success(
            WebAddress(
                scheme: scheme, host: host, port: port, hostIsLiteral: literal != nil, literalBytes: literal,
                pathAndQuery: pathAndQuery))
    }

    /// Letters, digits, hyphens and underscores in dot-separated labels of at most 63 characters.
    private static func isHostName(_ host: Substring) -> Bool {
        guard !host.isEmpty, host.count <= 253 else { return false }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        for (index, label) in labels.enumerated() {
            // A trailing dot (the root) is allowed; no other label may be empty.
            if label.isEmpty { return index == labels.count - 1 && index > 0 }
            guard label.count <= 63,
                label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else { return false }
        }
        return true
    }
}

/// Dotted-decimal IPv4 exactly as written: four numbers 0–255.
enum IPv4Text {
    static func parse(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }
}

/// An IPv6 literal (with `::` and an IPv4 tail), as 16 bytes; a zone (`%eth0`) is refused.
enum IPv6Text {
    static func parse(_ text: Substring) -> [UInt8]? {
        guard !text.isEmpty, text.count <= 45 else { return nil }
        var tail: [UInt8] = []
        var head = text
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = IPv4Text.parse(text[text.index(after: lastColon)...]) else { return nil }
            tail = v4
            head = text[...lastColon]
            // "…:" before the IPv4 part: keep a "::" whole, drop a single separating colon.
            if !head.hasSuffix("::") { head = head.dropLast() }
        }
        let halves = splitAtDoubleColon(String(head))
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var out: [UInt8] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16),
                    group.allSatisfy({ $0.isHexDigit })
                else { return nil }
                out += [UInt8(value >> 8), UInt8(value & 0xff)]
            }
            return out
        }
        guard let left = groups(halves[0]) else { return nil }
        if halves.count == 1 {
            let bytes = left + tail
            return bytes.count == 16 ? bytes : nil
        }
        guard let right = groups(halves[1]) else { return nil }
        let known = left.count + right.count + tail.count
        guard known <= 14 else { return nil }
        return left + Array(repeating: 0, count: 16 - known) + right + tail
    }

    private static func splitAtDoubleColon(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var previous: Character?
        for character in text {
            if character == ":" && previous == ":" {
                current.removeLast()
                parts.append(current)
                current = ""
                previous = nil
                continue
            }
            current.append(character)
            previous = character
        }
        parts.append(current)
        return parts
    }
}
