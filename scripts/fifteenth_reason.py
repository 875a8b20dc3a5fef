"""Adds a fifteenth reason to a copy of Retour, exactly as docs/architecture.md's worked example says:
the ReasonID case and its row in Reason.catalogue, its texts in both languages, and one row in
PositionValidatorTests. scripts/fifteenth-reason.sh then builds the copy and runs the core, app and
page tests against it; if anything else must change for a new reason, they fail.

usage: fifteenth_reason.py COPY_DIRECTORY
"""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1])


def edit(path, anchor, addition, before=False):
    """Adds text next to an anchor that must occur exactly once, so a changed file fails loudly."""
    file = root / path
    text = file.read_text()
    if text.count(anchor) != 1:
        sys.exit(f"{path}: expected one '{anchor.strip()}', found {text.count(anchor)}")
    text = text.replace(anchor, addition + anchor if before else anchor + addition)
    file.write_text(text)


# 1. The row: a manufacturer's recall, handled by the agent, goods come back, credited at value.
edit("Sources/RetourCore/Rules/Reason.swift", '    case licenseReturn = "license_return"\n',
     '    case manufacturerRecall = "manufacturer_recall"\n')
edit("Sources/RetourCore/Rules/Reason.swift", "    ]\n\n    private static let byID", """        Reason(
            id: .manufacturerRecall, label: Message("reason.manufacturerRecall"), category: .claim,
            outcome: .inReview, help: Message("reason.chooseThisReasonWhenTheManufacturerRecalls"),
            form: FormSchema(fields: [.comment(required: true), .reference], quantity: .entered, serials: .optional),
            defaults: ReasonPolicy(window: .days(90))),
""", before=True)

# 2. Its texts, in both languages.
texts = {
    "en": {"reason.manufacturerRecall": "Manufacturer recall",
           "reason.chooseThisReasonWhenTheManufacturerRecalls":
               "Choose this reason when the manufacturer recalls the article."},
    "nl": {"reason.manufacturerRecall": "Terugroepactie van de fabrikant",
           "reason.chooseThisReasonWhenTheManufacturerRecalls":
               "Kies deze reden als de fabrikant het artikel terugroept."},
}
for language, added in texts.items():
    file = root / "Resources" / "Translations" / f"{language}.json"
    catalogue = json.loads(file.read_text())
    catalogue.update(added)
    file.write_text(json.dumps(dict(sorted(catalogue.items())), ensure_ascii=False, indent=1) + "\n")

# 3. One row in the validator test: required fields, a complete form, goods come back, worth €100.
edit("Tests/RetourCoreTests/PositionValidatorTests.swift",
     '        (.licenseReturn, ["notActivatedDeclaration"], ["notActivatedDeclaration": true], false, 10_000),\n',
     '        (.manufacturerRecall, ["comment"], ["comment": "Terugroepactie 2026-17"], true, 10_000),\n')
print("fifteenth reason added to", root)
