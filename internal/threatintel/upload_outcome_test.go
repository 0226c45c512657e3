package threatintel_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// addresses is a list of n public addresses, one a line: address(from) and on.
func addresses(from, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(address(from+i) + "\n")
	}
	return b.String()
}

// address is the public address numbered n.
func address(n int) string { return fmt.Sprintf("45.%d.%d.%d", n>>16&255, n>>8&255, n&255) }

// An upload feed shows how its last upload went, also when the upload was cut short or
// refused: an error in the words the uploader got, never "never" or "ok".
func TestUploadFeedShowsACutUpload(t *testing.T) {
	for _, tc := range []struct {
		name    string
		upload  func(c *threatintel.Service, u threatintel.Upload) error
		kept    bool
		message string
	}{
		{name: "cut at the server's cap", kept: true, message: "indicators were kept",
			upload: func(c *threatintel.Service, u threatintel.Upload) error {
				_, err := c.Import(t.Context(), admin, u, strings.NewReader(addresses(0, 30_000)))
				return err
			}},
		{name: "cut at the cap, as a job", kept: true, message: "indicators were kept",
			upload: func(c *threatintel.Service, u threatintel.Upload) error {
				_, err := c.StartUpload(t.Context(), admin, u, strings.NewReader(addresses(0, 30_000)))
				c.WaitJobs()
				return err
			}},
		{name: "larger than an upload may be", message: "larger than the 1000 bytes",
			upload: func(c *threatintel.Service, u threatintel.Upload) error {
				body := http.MaxBytesReader(nil, io.NopCloser(strings.NewReader(addresses(0, 1000))), 1000)
				_, err := c.StartUpload(t.Context(), admin, u, body)
				return err
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				c := threatintel.New(threatintel.Deps{Store: s, MaxIntelBytes: 200_000})
				t.Cleanup(c.StopJobs)
				_ = tc.upload(c, threatintel.Upload{Source: "capped", Name: "big.txt"})
				f, err := s.GetFeedByName(t.Context(), "capped")
				if err != nil || f.Status != vigil.FeedError || !strings.Contains(f.LastError, tc.message) ||
					strings.HasPrefix(f.LastError, vigil.EINVALID) || (f.Indicators > 0) != tc.kept {
					t.Errorf("feed after the upload: status %s, error %q, %d indicators (%v); want an error saying %q, indicators kept: %v",
						f.Status, f.LastError, f.Indicators, err, tc.message, tc.kept)
				}
			})
		})
	}
}
