import Foundation

extension Address {
    /// What is wrong with this address as a return address: each part filled in and not too long,
    /// the country one of the list (by its code). Fields are named `returnAddress.<part>`.
    public var returnAddressProblems: [FieldError] {
        var errors: [FieldError] = []
        for (name, value, maximum) in [("street", street, 200), ("postcode", postcode, 20), ("city", city, 100)] {
            let text = value.trimmingWhitespace()
            if text.isEmpty || text.count > maximum {
                errors.append(
                    FieldError(
                        "returnAddress.\(name)",
                        message: Message("app.registration.fillInThisPartOfThe", ["maximum": "\(maximum)"])))
            }
        }
        if !Country.all.contains(where: { $0.code == country }) {
            errors.append(
                FieldError("returnAddress.country", message: Message("app.registration.chooseACountryFromTheList")))
        }
        return errors
    }
}
