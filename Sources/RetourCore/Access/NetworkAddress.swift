/// Whether an address is reachable on the public internet. A webhook may not be pointed at the
/// machine itself or the distributor's own network (server-side request forgery).
public enum NetworkAddress {
    /// `bytes`: 4 (IPv4) or 16 (IPv6) bytes in network order.
    public static func isPublic(_ bytes: [UInt8]) -> Bool {
        if bytes.count == 4 { return isPublicIPv4(bytes) }
        guard bytes.count == 16 else { return false }
        // IPv4 inside IPv6 (::ffff:a.b.c.d, and the deprecated ::a.b.c.d) is judged as IPv4; that
        // also refuses :: and ::1, which read as 0.0.0.0 and 0.0.0.1.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && (bytes[10..<12] == [0xff, 0xff] || bytes[10..<12] == [0, 0]) {
            return isPublicIPv4(Array(bytes[12..<16]))
        }
        if bytes[0] & 0xfe == 0xfc { return false }  // fc00::/7 unique local
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return false }  // fe80::/10 link local
        if bytes[0] == 0xff { return false }  // multicast
        // 2001:db8::/32 documentation, 64:ff9b::/96 NAT64 (which would reach IPv4 addresses behind it).
        if bytes[0..<4] == [0x20, 0x01, 0x0d, 0xb8] || bytes[0..<4] == [0x00, 0x64, 0xff, 0x9b] { return false }
        return true
    }

    private static func isPublicIPv4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): return false
        case (100, 64...127): return false  // carrier-grade NAT
        case (169, 254): return false  // link local, cloud metadata
        case (172, 16...31), (192, 168): return false
        case (192, 0) where b[2] == 0 || b[2] == 2: return false  // IETF, documentation
        case (198, 18...19): return false  // benchmarking
        case (198, 51) where b[2] == 100, (203, 0) where b[2] == 113: return false  // documentation
        case (224...255, _): return false  // multicast, reserved, broadcast
        default: return true
        }
    }
}
