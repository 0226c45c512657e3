package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"sync/atomic"

	"github.com/vigil-health/vigil"
)

// sealPrefix marks a feed credential sealed with the credential key; values without it
// are read as written (databases from before sealing, or stores without a key).
const sealPrefix = "sealed:v1:"

// credentialKey holds the AEAD that seals feed credentials at rest, shared by a Store
// and the copies Tx makes of it.
type credentialKey struct{ aead atomic.Pointer[cipher.AEAD] }

// SetCredentialKey derives the key that seals feed credentials (usernames, passwords,
// tokens) in the database from the server secret. Without it they are stored as given:
// the server always sets it; offline commands never read credentials.
func (s *Store) SetCredentialKey(secret []byte) {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("vigil feed credentials"))
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		panic("store: AES-256 key: " + err.Error()) // a 32-byte key cannot fail
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic("store: GCM: " + err.Error())
	}
	s.creds.aead.Store(&aead)
}

// seal encrypts a credential for storage; empty stays empty so that "no credential"
// remains visible.
func (s *Store) seal(v string) string {
	p := s.creds.aead.Load()
	if v == "" || p == nil {
		return v
	}
	aead := *p
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return sealPrefix + base64.RawStdEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(v), nil))
}

// unseal decrypts a stored credential. A value that cannot be opened (another server's
// secret, or no key) is returned sealed: it still shows that a credential is set, and a
// pull with it fails with the source's authentication error rather than silently.
func (s *Store) unseal(v string) string {
	p := s.creds.aead.Load()
	rest, ok := strings.CutPrefix(v, sealPrefix)
	if !ok || p == nil {
		return v
	}
	aead := *p
	b, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil || len(b) < aead.NonceSize() {
		return v
	}
	plain, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], nil)
	if err != nil {
		return v
	}
	return string(plain)
}

// unsealFeed opens f's stored credentials.
func (s *Store) unsealFeed(f vigil.Feed) vigil.Feed {
	f.Username, f.Password, f.Token = s.unseal(f.Username), s.unseal(f.Password), s.unseal(f.Token)
	return f
}
