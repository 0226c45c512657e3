package threatintel_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// FuzzImportIntel uploads arbitrary files: an upload never fails with an internal error
// (whatever the parsers accept, the store can hold), and every indicator it stores is
// in the live matcher afterwards.
func FuzzImportIntel(f *testing.F) {
	for _, seed := range []string{
		"# a list\n192.0.2.1\n2001:db8::1\n198.51.100.0/24\nevil.example.\nhttp://EVIL.example:80/a#b\n" +
			"bad@evil.example\n" + strings.Repeat("a", 64) + " ; a hash\n",
		`{"type":"bundle","id":"bundle--1","objects":[{"type":"indicator","spec_version":"2.1","id":"indicator--1",` +
			`"pattern_type":"stix","pattern":"[ipv4-addr:value = '192.0.2.9'] OR [domain-name:value IN ('a.example','b.example')]",` +
			`"valid_from":"2024-01-01T00:00:00Z","labels":["emotet"],"confidence":80}]}`,
		`{"Event":{"info":"x","Orgc":{"name":"CERT"},"Tag":[{"name":"tlp:amber"}],"Attribute":[` +
			`{"type":"ip-dst|port","value":"192.0.2.10|443","to_ids":true},{"type":"filename|md5","value":"a.exe|` +
			strings.Repeat("b", 32) + `","to_ids":true}]}}`,
		"value,type,comment\n192.0.2.11,ip,c2\nphish.example,domain,x\n",
	} {
		f.Add([]byte(seed))
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte("192.0.2.1\nevil.example\n"))
	_ = zw.Close()
	f.Add(gz.Bytes())
	f.Add([]byte("\x00\xff\xfe\n192.0.2.\x00\n"))

	s := storetest.Open(f)
	c := threatintel.New(threatintel.Deps{Store: s})
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		_, err := c.Import(ctx, analyst, threatintel.Upload{Source: "fuzz", Name: "fuzz.txt"}, bytes.NewReader(data))
		if err != nil && vigil.ErrorCode(err) != vigil.EINVALID {
			t.Fatalf("upload of %q: %v", data, err)
		}
		snap := c.Matcher()
		err = s.EachIndicator(ctx, func(si vigil.StoredIndicator) error {
			if len(snap.Lookup(vigil.Observable{Type: si.Type, Value: si.Value}, nil)) == 0 {
				t.Errorf("stored %s %q is not in the matcher", si.Type, si.Value)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Start the next input from an empty store, so that each costs the same.
		if fd, err := s.GetFeedByName(ctx, "fuzz"); err == nil {
			if err := c.DeleteFeed(ctx, analyst, fd.ID); err != nil {
				t.Fatal(err)
			}
		}
	})
}
