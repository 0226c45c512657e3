package earlywarning

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// Partners upload at the same time, about the same addresses, in different orders. Every
// upload succeeds: PostgreSQL's deadlock victims are run again, never turned into an
// error for the client.
func TestConcurrentUploadsAllSucceed(t *testing.T) {
	const uploads, lines = 6, 300
	t.Run("events", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, s *store.Store) {
			warnSector(t, s)
			svc := newWarnService(t, s, &fakeNow{warnNow})
			var body []string
			for i := range lines {
				// Half route to an organisation, half to nobody (the unrouted list).
				obs := fmt.Sprintf("192.0.2.%d", i%100+1)
				if i%2 == 1 {
					obs = fmt.Sprintf("100.64.%d.%d", i/250, i%250+1)
				}
				body = append(body, event("scan", obs, warnNow.Add(-time.Hour), vigil.SeverityLow))
			}
			storetest.Concurrently(t, uploads, func(i int) error {
				_, err := svc.IngestEvents(t.Context(), analyst("analyst@centre.example"), strings.NewReader(strings.Join(storetest.Shuffled(body, i), "\n")))
				return err
			})
		})
	})
}
