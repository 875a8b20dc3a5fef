/// Whether an address is reachable on the public internet. A webhook may not be pointed at the
/// machine itself or the distributor's own network (server-side request forgery).
public enum NetworkAddress {
    /// `bytes`: 4 (IPv4) or 16 (IPv6) bytes in network order.
    public static func isPublic(_ bytes: [UInt8]) -> Bool {
        if bytes.count == 4 { return isPublicIPv4(bytes) }
        guard bytes.count == 16 else { return false }
        // IPv4 inside IPv6 is judged as the IPv4 address it reaches: mapped (::ffff:a.b.c.d), the
        // deprecated compatible form (::a.b.c.d, which also covers :: and ::1) and SIIT
        // (::ffff:0:a.b.c.d).
        if bytes[0..<8].allSatisfy({ $0 == 0 }) {
            let middle = Array(bytes[8..<12])
            if middle == [0, 0, 0xff, 0xff] || middle == [0, 0, 0, 0] || middle == [0xff, 0xff, 0, 0] {
                return isPublicIPv4(Array(bytes[12..<16]))
            }
            return false
        }
        // 6to4 (2002::/16) carries an IPv4 address in bytes 2–5; the relay would reach it.
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return isPublicIPv4(Array(bytes[2..<6])) }
        // Only global unicast (2000::/3) is public: this leaves out unique local, link local,
        // multicast, discard-only (100::/64) and the NAT64 prefixes (64:ff9b::/96, 64:ff9b:1::/48),
        // which would reach IPv4 addresses behind them.
        guard bytes[0] & 0xe0 == 0x20 else { return false }
        // 2001::/23: protocol assignments, Teredo (2001::/32, an IPv4 address in disguise) among them.
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] & 0xfe == 0 { return false }
        // 2001:db8::/32 and 3fff::/20: documentation.
        if bytes[0..<4] == [0x20, 0x01, 0x0d, 0xb8] { return false }
        if bytes[0] == 0x3f && bytes[1] == 0xff && bytes[2] & 0xf0 == 0 { return false }
        return true
    }

    /// The address as text a connection can be made to: dotted IPv4, or IPv6 as eight groups.
    public static func text(_ bytes: [UInt8]) -> String? {
        if bytes.count == 4 { return bytes.map { String($0) }.joined(separator: ".") }
        guard bytes.count == 16 else { return nil }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    private static func isPublicIPv4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): return false
        case (100, 64...127): return false  // carrier-grade NAT
        case (169, 254): return false  // link local, cloud metadata
        case (172, 16...31), (192, 168): return false
        case (192, 0) where b[2] == 0 || b[2] == 2: return false  // IETF, documentation
        case (192, 88) where b[2] == 99: return false  // the 6to4 relay's anycast
        case (198, 18...19): return false  // benchmarking
        case (198, 51) where b[2] == 100, (203, 0) where b[2] == 113: return false  // documentation
        case (224...255, _): return false  // multicast, reserved, broadcast
        default: return true
        }
    }
}
