package store

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
)

// Cursors are opaque to callers: "v1:" and the last key of the page, base64url-encoded.
// The kind ("org", "alert"…) stops a cursor from one list being used with another.
func encodeCursor(kind, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1:" + kind + ":" + key))
}

func decodeCursor(kind, cursor string) (string, error) {
	if cursor == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	key, ok := strings.CutPrefix(string(b), "v1:"+kind+":")
	if err != nil || !ok || key == "" {
		return "", vigil.Errorf(vigil.EINVALID, "the page cursor is not valid here; start again from the first page")
	}
	return key, nil
}

// decodeIDCursor returns the id in cursor, or 0 for the first page.
func decodeIDCursor(kind, cursor string) (int64, error) {
	key, err := decodeCursor(kind, cursor)
	if err != nil || key == "" {
		return 0, err
	}
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil || id <= 0 {
		return 0, vigil.Errorf(vigil.EINVALID, "the page cursor is not valid here; start again from the first page")
	}
	return id, nil
}
