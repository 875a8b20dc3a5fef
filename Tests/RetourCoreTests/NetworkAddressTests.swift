import Testing

@testable import RetourCore

@Suite struct NetworkAddressTests {
    @Test(
        arguments: [
            [127, 0, 0, 1], [10, 1, 2, 3], [172, 16, 0, 1], [172, 31, 255, 255], [192, 168, 1, 1],
            [169, 254, 169, 254],
            [0, 0, 0, 0], [100, 64, 0, 1], [224, 0, 0, 1], [255, 255, 255, 255], [192, 0, 2, 10],
        ] as [[UInt8]])
    func privateIPv4IsRefused(_ address: [UInt8]) {
        #expect(!NetworkAddress.isPublic(address))
        // The same address written as IPv6 is refused as well.
        #expect(!NetworkAddress.isPublic([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] + address))
    }

    @Test(
        arguments: [[8, 8, 8, 8], [172, 32, 0, 1], [192, 169, 0, 1], [100, 128, 0, 1], [1, 1, 1, 1]] as [[UInt8]])
    func publicIPv4IsAllowed(_ address: [UInt8]) {
        #expect(NetworkAddress.isPublic(address))
        #expect(NetworkAddress.isPublic([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] + address))
    }

    @Test func ipv6() {
        let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
        #expect(!NetworkAddress.isPublic(loopback))
        #expect(!NetworkAddress.isPublic(Array(repeating: 0, count: 16)))
        #expect(!NetworkAddress.isPublic([0xfd, 0x12] + Array(repeating: 0, count: 14)))
        #expect(!NetworkAddress.isPublic([0xfe, 0x80] + Array(repeating: 0, count: 14)))
        #expect(NetworkAddress.isPublic([0x2a, 0x00, 0x14, 0x50] + Array(repeating: 1, count: 12)))
        #expect(!NetworkAddress.isPublic([1, 2, 3]))
    }
}

@Suite struct EmbeddedIPv4Tests {
    /// Every way IPv6 can carry an IPv4 address is judged by the IPv4 address it reaches.
    @Test func ipv4InsideIPv6IsJudgedAsIPv4() {
        func v6(_ text: String) -> [UInt8] { IPv6Text.parse(Substring(text)) ?? [] }
        for refused in [
            "::ffff:127.0.0.1", "::127.0.0.1", "::ffff:0:10.0.0.1", "2002:7f00:1::", "2002:c0a8:101::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",  // Teredo
            "64:ff9b::8.8.8.8", "64:ff9b:1::1", "100::1", "::", "::1", "fe80::1", "fd00::1", "ff02::1",
            "2001:db8::1", "3fff::1", "2001:10::1",
        ] {
            #expect(!NetworkAddress.isPublic(v6(refused)), "\(refused)")
        }
        for allowed in ["2002:0808:0808::1", "::ffff:8.8.8.8", "2a00:1450:4001:81c::200e", "2001:4860:4860::8888"] {
            #expect(NetworkAddress.isPublic(v6(allowed)), "\(allowed)")
        }
    }

    @Test func addressesAreWrittenSoThatTheyParseBack() {
        #expect(NetworkAddress.text([8, 8, 4, 4]) == "8.8.4.4")
        let v6 = IPv6Text.parse("2a00:1450::200e")!
        #expect(NetworkAddress.text(v6) == "2a00:1450:0:0:0:0:0:200e")
        #expect(IPv6Text.parse(Substring(NetworkAddress.text(v6)!)) == v6)
    }
}

@Suite struct WebAddressTests {
    @Test func aWholeAddressIsTakenApart() throws {
        let plain = try WebAddress.parse("https://Hooks.Example.com/retour?x=1").get()
        #expect(plain.scheme == "https" && plain.host == "hooks.example.com" && plain.port == 443)
        #expect(!plain.hostIsLiteral)
        #expect(plain.normalized == "https://hooks.example.com:443/retour?x=1")
        #expect(try WebAddress.parse("http://Example.com?a=b").get().normalized == "http://example.com:80/?a=b")
        let ported = try WebAddress.parse("http://example.com:8080").get()
        #expect(ported.port == 8080)
        let literal = try WebAddress.parse("http://[2a00:1450::1]:65535/h").get()
        #expect(literal.host == "2a00:1450::1" && literal.port == 65_535 && literal.hostIsLiteral)
        #expect(literal.normalized == "http://[2a00:1450::1]:65535/h")
        #expect(try WebAddress.parse("http://8.8.8.8/").get().literalBytes == [8, 8, 8, 8])
    }

    /// Ports outside 1–65535 were stored and then crashed the server on delivery (issue 20).
    @Test(arguments: [
        "http://127.0.0.1:99999/h", "http://8.8.8.8:99999/", "http://localhost:99999", "http://example.com:0/",
        "http://example.com:65536/", "http://example.com:-1/", "http://example.com:/", "http://example.com:8o/",
        "http://example.com:000000080/", "http://[::1]:99999/",
        "http://example.com:18446744073709551617/",
    ])
    func aPortOutsideItsRangeIsRefused(_ text: String) {
        #expect(WebAddress.parse(text) == .failure(.badPort), "\(text)")
    }

    @Test(arguments: [
        "", "example.com", "ftp://example.com/", "https://user:pw@example.com/", "https://user@example.com/",
        "https:///path", "https://exa mple.com/", "https://１２７.0.0.1/", "https://ｅxample.com/",
        "http://example.com:１２３/",
        "https://example.com/#frag", "https://[::1%eth0]/", "https://[::1/", "https://[zz::1]/",
        "https://exa..mple.com/", "https://.example.com/", "https://example.com\\@evil.com/",
        "https://e\u{202E}vil.com/", "https://" + String(repeating: "a", count: 10_000) + ".com/",
        "https://[1:2:3:4:5:6:7:8:9]/", "https://[::1::]/", "javascript:alert(1)",
    ])
    func anythingElseIsNotAnAddress(_ text: String) {
        #expect(WebAddress.parse(text) == .failure(.notAnAddress), "\(text.prefix(60))")
    }
}
