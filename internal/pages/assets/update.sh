#!/bin/sh
# update.sh refreshes the front-end files the pages embed, from npm, and records their
# versions and checksums in VERSIONS. Nothing is fetched at run time: the server serves
# these copies from the binary. Run it from anywhere with npm and tar installed:
#
#   sh internal/pages/assets/update.sh [nhsuk-frontend-version] [axe-core-version]
#
#   - nhsuk-frontend (MIT): the NHS.UK design system's compiled CSS, its JavaScript (an ES
#     module; vigil.js starts it) and the images its CSS and the page head use.
#   - axe-core (MPL-2.0): the accessibility checker the browser tests run in each page; it
#     is test data (../testdata/axe), never served.
set -eu
nhs=${1:-10.6.1}
axe=${2:-4.11.0}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir n a
ntgz=$(npm pack --silent "nhsuk-frontend@$nhs")
atgz=$(npm pack --silent "axe-core@$axe")
tar -xzf "$ntgz" -C n
tar -xzf "$atgz" -C a
dist=n/package/dist/nhsuk
rm -rf "$here/nhsuk" "$here/images"
mkdir -p "$here/nhsuk" "$here/images"
# The CSS's @font-face rules fetch the Frutiger font from assets.nhs.uk: it is licensed
# for NHS services (vigil is not one), the Content-Security-Policy (font-src 'self')
# refuses it and a closed network cannot reach it. Without them text is set in the
# stack's next font, Arial. The browser tests fail on any request the policy blocks.
sed -E 's/@font-face\{[^}]*\}//g' "$dist/nhsuk-frontend.min.css" > "$here/nhsuk/nhsuk-frontend.min.css"
cp "$dist/nhsuk-frontend.min.js" "$here/nhsuk/"
for img in favicon.ico favicon.svg nhsuk-icon-180.png nhsuk-icon-mask.svg \
	nhsuk-icon-arrow-down.svg nhsuk-icon-arrow-up.svg nhsuk-icon-arrow-up-down.svg nhsuk-icon-cross.svg \
	nhsuk-icon-arrow-left.svg nhsuk-icon-arrow-right.svg nhsuk-icon-search.svg nhsuk-icon-user.svg; do
	cp "$dist/assets/images/$img" "$here/images/" # the CSS asks for /assets/images/
done
mkdir -p "$here/../testdata/axe"
cp a/package/axe.min.js a/package/LICENSE "$here/../testdata/axe/"
cat > "$here/VERSIONS" <<SRC
Front-end files vendored by update.sh; do not edit them by hand.
nhsuk-frontend $nhs  licence $(cd n/package && node -p 'require("./package.json").license' 2>/dev/null || echo MIT) (its README: the codebase under the MIT Licence, (c) NHS England)  sha512 $(sha512sum "$work/$ntgz" | cut -d' ' -f1)
  nhsuk/nhsuk-frontend.min.css (less its @font-face rules), nhsuk/nhsuk-frontend.min.js, images/*
axe-core $axe  licence $(cd a/package && node -p 'require("./package.json").license' 2>/dev/null || echo MPL-2.0)  sha512 $(sha512sum "$work/$atgz" | cut -d' ' -f1)
  ../testdata/axe/axe.min.js (test data for the browser tests, never served)
SRC
