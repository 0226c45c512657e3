package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// SecretBytes is the length of the server secret that keys the observable index.
const SecretBytes = 32

// decodeSecret reads a hex secret and checks it is long enough.
func decodeSecret(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, errors.New("must be hexadecimal (make one with: openssl rand -hex 32)")
	}
	if len(b) < SecretBytes {
		return nil, fmt.Errorf("must be at least %d bytes (%d hex digits; make one with: openssl rand -hex 32)", SecretBytes, 2*SecretBytes)
	}
	return b, nil
}

// LoadSecret returns the server secret: VIGIL_SECRET when set, else the hex in
// SecretPath, which it creates (32 random bytes, mode 0600) on first start. created
// says the file was made now. Losing the secret makes the stored observable index
// unreadable for retro-hunts, which is why it is kept beside the database.
func (c *Config) LoadSecret() (secret []byte, created bool, err error) {
	if c.Secret != "" {
		b, err := decodeSecret(c.Secret)
		if err != nil {
			return nil, false, fmt.Errorf("VIGIL_SECRET %w", err)
		}
		return b, false, nil
	}
	path := c.SecretPath()
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return c.createSecret(path)
	}
	if err != nil {
		return nil, false, fmt.Errorf("server secret: %w", err)
	}
	b, err := decodeSecret(string(raw))
	if err != nil {
		return nil, false, fmt.Errorf("server secret %s %w", path, err)
	}
	return b, false, nil
}

// createSecret writes a fresh secret to a temporary file and links it into place, so
// that two servers starting at once on one data dir cannot end up with different
// secrets, or read a half-written one: the loser of the link reads the winner's.
func (c *Config) createSecret(path string) ([]byte, bool, error) {
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, false, fmt.Errorf("server secret: %w", err)
	}
	b := make([]byte, SecretBytes)
	rand.Read(b)
	f, err := os.CreateTemp(c.DataDir, ".secret-*")
	if err != nil {
		return nil, false, fmt.Errorf("server secret: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = f.WriteString(hex.EncodeToString(b) + "\n")
	if err = errors.Join(err, f.Chmod(0o600), f.Sync(), f.Close()); err != nil {
		return nil, false, fmt.Errorf("server secret: %w", err)
	}
	err = os.Link(f.Name(), path)
	if errors.Is(err, os.ErrExist) {
		return c.LoadSecret()
	}
	if err != nil {
		return nil, false, fmt.Errorf("server secret: %w", err)
	}
	return b, true, nil
}
