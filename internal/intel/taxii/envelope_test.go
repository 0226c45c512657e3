package taxii

import (
	"encoding/json"
	"io"
	"testing"
)

// FuzzEnvelope feeds untrusted bytes to the envelope decoder: it must never panic, and
// whatever it accepts must come out of Page.Reader as a JSON array of the same objects.
// The seed corpus is in testdata/fuzz/FuzzEnvelope.
func FuzzEnvelope(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := decodeEnvelope(b)
		if err != nil {
			if env.More || env.Next != "" || env.Objects != nil {
				t.Fatalf("a failed decode returned a partial envelope %+v", env)
			}
			return
		}
		out, err := io.ReadAll(Page{Objects: env.Objects}.Reader())
		if err != nil {
			t.Fatal(err)
		}
		var objects []map[string]json.RawMessage
		if err := json.Unmarshal(out, &objects); err != nil {
			t.Fatalf("Reader gave invalid JSON %q for input %q: %v", out, b, err)
		}
		if len(objects) != len(env.Objects) {
			t.Fatalf("Reader gave %d objects, the envelope held %d", len(objects), len(env.Objects))
		}
	})
}
