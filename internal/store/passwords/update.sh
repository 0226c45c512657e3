#!/bin/sh
# update.sh rebuilds common.txt.gz, the deny-list of common passwords that the store
# embeds (password.go), from the npm package @zxcvbn-ts/language-common, and records
# where it came from in SOURCE. Run it from anywhere with npm, node and gzip installed:
#
#   sh internal/store/passwords/update.sh [version]
#
# The list is zxcvbn's password frequency list (most common first), which that package
# ships under the MIT licence; see SOURCE for the version and the package's checksum.
set -eu
pkg=@zxcvbn-ts/language-common
version=${1:-4.1.3}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
tgz=$(npm pack --silent "$pkg@$version")
tar -xzf "$tgz"
licence=$(node -p 'require("./package/package.json").license')
node -e '
const list = require("./package/src/passwords.json");
const seen = new Set();
for (const p of list) {
  const w = String(p).toLowerCase();
  if (w && !/[\n\r]/.test(w) && !seen.has(w)) { seen.add(w); process.stdout.write(w + "\n"); }
}' > common.txt
gzip -9n < common.txt > "$here/common.txt.gz"
cp package/LICENSE.txt "$here/LICENSE"
cat > "$here/SOURCE" <<SRC
common.txt.gz: the common passwords vigil refuses, one a line, lower-cased, most common first.
source:   npm package $pkg, file src/passwords.json (zxcvbn's password frequency list)
version:  $version
licence:  $licence (LICENSE, copied from the package: Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.; Copyright (c) 2021 @zxcvbn-ts)
sha512:   $(sha512sum "$tgz" | cut -d' ' -f1) ($tgz)
entries:  $(wc -l < common.txt)
made by:  update.sh
SRC
