package hunt

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/match"
)

// TestMatchedNamesPublishers: a sighting names who published the indicator inside the
// data apart from the feeds that list it, each once, and not a source that published
// its own intel; with no such publisher the output has no publishers key.
func TestMatchedNamesPublishers(t *testing.T) {
	tests := []struct {
		name    string
		sources []vigil.Provenance
		want    string // the publishers as the output writes them; "" for none
	}{
		{"a partner's publisher, once", []vigil.Provenance{{Source: "partner-stix", Publisher: "Partner CERT"},
			{Source: "partner-misp", Publisher: "Partner CERT"}, {Source: "abuse.ch"}}, `"publishers":["Partner CERT"]`},
		{"a source that published its own", []vigil.Provenance{{Source: "abuse.ch", Publisher: "abuse.ch"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(matchedOf(match.Entry{Type: vigil.TypeDomain, Value: "a.example", Sources: tt.sources}))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(b); (tt.want == "" && strings.Contains(got, "publishers")) || !strings.Contains(got, tt.want) {
				t.Errorf("sighting %s, want %q", got, tt.want)
			}
		})
	}
}
