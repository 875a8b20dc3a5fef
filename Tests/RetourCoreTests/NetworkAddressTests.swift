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
