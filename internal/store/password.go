package store

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/vigil-health/vigil"
	"golang.org/x/crypto/argon2"
)

// Password length limits, in characters.
const (
	MinPasswordLength = 12   // MinPasswordLength is the shortest password accepted.
	MaxPasswordLength = 1024 // MaxPasswordLength bounds the work one login can cause.
)

// argonParams are argon2id's cost parameters; they are written into every hash so that
// raising them later does not invalidate existing passwords.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

// passwordParams follow OWASP's argon2id recommendation (19 MiB, 2 passes, 1 lane):
// about 30 ms per hash on one core.
var passwordParams = argonParams{memory: 19 * 1024, time: 2, threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

var b64 = base64.RawStdEncoding

// checkPassword checks a new password against the length policy and the deny-list of
// common passwords, and refuses one that is a common password padded (commonBase).
func checkPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLength {
		return vigil.Errorf(vigil.EINVALID, "the password is too short: use at least %d characters (a few unrelated words work well)", MinPasswordLength)
	}
	if n > MaxPasswordLength {
		return vigil.Errorf(vigil.EINVALID, "the password is longer than %d characters", MaxPasswordLength)
	}
	if !utf8.ValidString(pw) || strings.IndexFunc(pw, unicode.IsControl) >= 0 {
		return vigil.Errorf(vigil.EINVALID, "the password contains a control character or is not valid UTF-8 text: use letters, digits, spaces and punctuation")
	}
	lower := strings.ToLower(pw)
	switch base := commonBase(lower); {
	case base == lower:
		return vigil.Errorf(vigil.EINVALID, "this password is on the list of the most common passwords, the first ones an attacker tries: choose another (a few unrelated words work well)")
	case base != "":
		return vigil.Errorf(vigil.EINVALID, "this password is %q, one of the most common passwords, with digits, symbols or a run of letters (such as aaaa, abcd or qwerty) before or after it, the first changes an attacker tries: choose another (a few unrelated words work well)", base)
	}
	return nil
}

// commonBase finds the common password that pw (lower-case) is built on: pw itself, or
// what is left of it once digits, symbols and runs of letters are taken from its ends
// (password123456, 2024dragon!!, monkeyqwerty), since guessers try those variants of
// every common password first. A base begins and ends with a letter, as the list's short
// entries do (password, not password12345 of password123456); the longest found is
// returned, or "" when there is none. A common word inside a passphrase is not one: only
// what the padding at the ends frames counts.
func commonBase(pw string) string {
	list := commonPasswords()
	if _, ok := slices.BinarySearch(list, pw); ok {
		return pw
	}
	s := []rune(pw)
	starts, ends := affixCuts(s), affixCuts(reversed(s))
	for _, i := range starts {
		for _, cut := range ends {
			j := len(s) - cut
			if n := j - i; n < minCommonBase || n > maxCommonBase || n == len(s) ||
				!unicode.IsLetter(s[i]) || !unicode.IsLetter(s[j-1]) {
				continue
			}
			if _, ok := slices.BinarySearch(list, string(s[i:j])); ok {
				return string(s[i:j])
			}
		}
	}
	return ""
}

// The lengths, in characters, of a common password a longer one may be built on: the
// list's short entries have four or more (update.sh), and few a person would pad are
// longer than 32.
const (
	minCommonBase = 4
	maxCommonBase = 32
)

// affixCuts lists where s may be cut after what can pad a common password at its start:
// digits, symbols and spaces, each on its own, and runs of three or more letters
// (runLength). Read on s reversed, it gives the cuts before what pads its end.
func affixCuts(s []rune) []int {
	cut := make([]bool, len(s)+1)
	cut[0] = true
	for i, r := range s {
		if !cut[i] {
			continue
		}
		if !unicode.IsLetter(r) {
			cut[i+1] = true
			continue
		}
		for n := runLength(s[i:]); n >= 3; n-- {
			cut[i+n] = true
		}
	}
	var cuts []int
	for i, ok := range cut {
		if ok {
			cuts = append(cuts, i)
		}
	}
	return cuts
}

// letterRuns are the orders in which letters make a run when typed one after another:
// the alphabet and the rows of a UK keyboard, either way.
var letterRuns = []string{"abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm",
	"zyxwvutsrqponmlkjihgfedcba", "poiuytrewq", "lkjhgfdsa", "mnbvcxz"}

// runLength is the length of the run of letters s starts with: one letter repeated
// (aaaa), or letters that follow each other in the alphabet or along a keyboard row
// (abcd, qwerty, lkjh). It is 0 when s starts with fewer than three such letters.
func runLength(s []rune) int {
	longest := 1
	for longest < len(s) && s[longest] == s[0] {
		longest++
	}
	for _, order := range letterRuns {
		at := strings.IndexRune(order, s[0])
		if at < 0 {
			continue
		}
		n := 1
		for n < len(s) && at+n < len(order) && rune(order[at+n]) == s[n] {
			n++
		}
		longest = max(longest, n)
	}
	if longest < 3 {
		return 0
	}
	return longest
}

func reversed(s []rune) []rune {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}

// checkPasswordFor is checkPassword for the account signing in as email: the password
// may not hold the address's own words (its local part's and its domain's first label's
// words of five letters or more, such as "northbrook" of it.lead@northbrook-hospitals),
// the first things a guesser who knows the address tries (NIST SP 800-63B's
// "context-specific words").
func checkPasswordFor(pw, email string) error {
	if err := checkPassword(pw); err != nil {
		return err
	}
	lower := strings.ToLower(pw)
	local, domain, _ := strings.Cut(strings.ToLower(email), "@")
	label, _, _ := strings.Cut(domain, ".")
	for _, word := range strings.FieldsFunc(local+" "+label, func(r rune) bool { return strings.ContainsRune(" .-_+", r) }) {
		if utf8.RuneCountInString(word) >= 5 && strings.Contains(lower, word) {
			return vigil.Errorf(vigil.EINVALID, "the password holds %q from your e-mail address, which a guesser tries first: choose one without it (a few unrelated words work well)", word)
		}
	}
	return nil
}

// commonPasswordsGz is the deny-list: the common passwords of zxcvbn's and the SecLists
// project's lists (the 100,000 most common among them), lower-cased, one a line: those of
// MinPasswordLength or more characters, refused as they are, and the shorter ones of
// zxcvbn's list that a longer password may be built on (commonBase). passwords/update.sh
// makes it and passwords/SOURCE says from what.
//
//go:embed passwords/common.txt.gz
var commonPasswordsGz []byte

// commonPasswords is the deny-list, sorted, read on first use.
var commonPasswords = sync.OnceValue(func() []string {
	zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
	if err != nil {
		panic("store: embedded password list: " + err.Error()) // the build embedded a broken file
	}
	var list []string
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		list = append(list, sc.Text())
	}
	if err := sc.Err(); err != nil {
		panic("store: embedded password list: " + err.Error())
	}
	slices.Sort(list)
	return list
})

// hashPassword returns the PHC-format argon2id hash of pw with a fresh random salt:
// $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH (base64 without padding).
func hashPassword(pw string, p argonParams) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// verifyPassword reports whether pw matches encoded, comparing in constant time, and
// whether the hash used weaker parameters than passwordParams and should be redone.
func verifyPassword(encoded, pw string) (ok, rehash bool, err error) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(len(key)))
	ok = subtle.ConstantTimeCompare(got, key) == 1
	return ok, ok && p != passwordParams, nil
}

var errBadHash = errors.New("stored password hash is not a vigil argon2id hash")

func parseHash(encoded string) (p argonParams, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, nil, nil, errBadHash
	}
	if p.memory < 8*uint32(p.threads) || p.memory > 1<<22 || p.time < 1 || p.time > 64 || p.threads < 1 {
		return p, nil, nil, errBadHash
	}
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// dummyHash is hashed against when a login names an unknown email, so that the answer
// takes as long as for a known one. It is made on first use, not at start-up.
var dummyHash = sync.OnceValue(func() string {
	h, err := hashPassword("vigil timing equaliser", passwordParams)
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return h
})
