#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the demo need, only those missing.
# Runs as root on a fresh Debian 12 machine with Swift 6.3 on PATH.
set -euo pipefail

packages=(
  chromium chromium-driver python3-selenium   # browser tests
  postgresql-15                               # the PostgreSQL test stage
  libsqlite3-dev                              # sqlite3 headers for the embedded database driver
  libqrencode-dev                             # QR codes for the phone upload and return forms
  libcairo2-dev fonts-dejavu-core             # PDF credit notes and return forms
  poppler-utils                               # pdftotext, to read the PDFs back in tests
  libxml2-utils                               # xmllint, to check UBL credit notes against the schema
  pkg-config                                  # finds the C libraries for the build
  python3-aiosmtpd                            # a real SMTP server for the mail tests
  nginx                                       # the cluster stage: three processes behind one proxy
  openjdk-17-jre-headless                     # the W3C Nu checker of the accessibility stage
  curl wrk                                    # the cluster's health checks; make bench
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "Run as root (or install these packages yourself)." >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "Swift 6.3 is not on PATH (expected under /opt/swift)." >&2; exit 1; }
