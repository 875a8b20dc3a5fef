import Foundation
import RetourApplication
import RetourCore
import Vapor

/// A vendor claim as the API and the events write it (contract: "Vendor recovery").
struct VendorClaimView: Content {
    struct Unit: Content {
        var request: String
        var serial: String?
        var quantity: Int
        var disposition: String
        var expectedCredit: String
    }

    var number: String
    var brand: String
    var status: String
    var units: [Unit]
    var vendorRmaNumber: String?
    var sentOn: String?
    var expectedCredit: String
    var receivedCredit: String
    var ageDays: Int

    init(_ claim: VendorClaim) {
        number = claim.number
        brand = claim.brand
        status = claim.status.rawValue
        units = claim.units.map {
            Unit(
                request: $0.request, serial: $0.serial, quantity: $0.quantity, disposition: $0.disposition.rawValue,
                expectedCredit: $0.expectedCredit.decimalString)
        }
        vendorRmaNumber = claim.vendorRmaNumber
        sentOn = claim.sentOn?.iso
        expectedCredit = claim.expectedCredit.decimalString
        receivedCredit = claim.receivedCredit.decimalString
        ageDays = claim.ageDays
    }

    // Absent values are written as null: the contract names every field.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(number, forKey: .number)
        try container.encode(brand, forKey: .brand)
        try container.encode(status, forKey: .status)
        try container.encode(units, forKey: .units)
        try container.encode(vendorRmaNumber, forKey: .vendorRmaNumber)
        try container.encode(sentOn, forKey: .sentOn)
        try container.encode(expectedCredit, forKey: .expectedCredit)
        try container.encode(receivedCredit, forKey: .receivedCredit)
        try container.encode(ageDays, forKey: .ageDays)
    }
}

extension VendorClaimView.Unit {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(request, forKey: .request)
        try container.encode(serial, forKey: .serial)
        try container.encode(quantity, forKey: .quantity)
        try container.encode(disposition, forKey: .disposition)
        try container.encode(expectedCredit, forKey: .expectedCredit)
    }
}

struct VendorClaimPage: Content {
    var claims: [VendorClaimView]
    var page: Int
    var per: Int
    var total: Int
}

/// A unit's disposition in the answer to `POST /requests/{number}/disposition`.
struct DispositionView: Content {
    var serial: String?
    var quantity: Int
    var disposition: String
    var grade: String?
    var note: String?
    var markedOn: String
    var expectedCredit: String?
    var vendorClaim: String?

    init(_ unit: StoredUnit) {
        serial = unit.serial
        quantity = unit.quantity
        disposition = unit.disposition.rawValue
        grade = unit.grade?.rawValue
        note = unit.note
        markedOn = unit.markedOn.iso
        expectedCredit = unit.expectedCredit?.decimalString
        vendorClaim = unit.claimNumber
    }
}
