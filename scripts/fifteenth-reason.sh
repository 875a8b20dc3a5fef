#!/usr/bin/env bash
# The worked example of docs/architecture.md, checked: a fifteenth reason is added to copies of the
# files the example names (scripts/fifteenth_reason.py: the row, its texts, one validator row), and
# the core, app and page tests run against it. The copies and a copy of `.build` are mounted over the
# originals in a mount namespace of this process only, so the checkout and its build stay untouched
# and only Retour's own modules compile again. The snapshots of pages that list every reason are the
# one expected difference, so they are left out.
set -euo pipefail
cd "$(dirname "$0")/.."
work=var/fifteenth-reason
files=(Sources/RetourCore/Rules/Reason.swift Resources/Translations/en.json Resources/Translations/nl.json
    Tests/RetourCoreTests/PositionValidatorTests.swift)
rm -rf "$work"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tree"
cp --parents -t "$work/tree" "${files[@]}"
python3 scripts/fifteenth_reason.py "$work/tree"

# Builds and tests the package in the current directory; a failed build fails the check (the tests
# would otherwise run the binary of fourteen reasons).
cat > "$work/build-and-test.sh" <<'SCRIPT'
set -euo pipefail
log="$(dirname "$0")/build.log"
echo "building with fifteen reasons"
if ! swift build --build-tests > "$log" 2>&1; then
    grep -E "error:" "$log" || tail -20 "$log"
    exit 1
fi
swift test --skip-build --skip SnapshotTests
SCRIPT

if unshare --mount true 2>/dev/null; then
    echo "copying the build ($(du -sh .build | cut -f1)) so the checkout's own stays as it is"
    cp -a .build "$work/build"
    unshare --mount bash -euo pipefail -c '
        mount --make-rprivate /
        work=$1; shift
        for file in "$@"; do mount --bind "$work/tree/$file" "$file"; done
        mount --bind "$work/build" .build
        bash "$work/build-and-test.sh"
    ' fifteenth "$work" "${files[@]}"
else
    # Without mount namespaces (a container that forbids them): a whole copy of the checkout, built
    # from scratch beside it, which takes the time of a first build.
    echo "no mount namespace here: building a whole copy with fifteen reasons from scratch"
    script="$PWD/$work/build-and-test.sh"
    git ls-files -co --exclude-standard -z | xargs -0 cp --parents --no-clobber -t "$work/tree"
    (cd "$work/tree" && bash "$script")
fi
echo "A fifteenth reason needs only what docs/architecture.md names."
