package sightings

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// Sensors upload at the same time, about the same addresses, in different orders. Every upload succeeds: PostgreSQL's deadlock victims are run again, never
// turned into an error for the client.
func TestConcurrentUploadsAllSucceed(t *testing.T) {
	const uploads, lines = 6, 300
	t.Run("telemetry", func(t *testing.T) {
		eachTeleEngine(t, Deps{TelemetryConcurrency: uploads}, func(t *testing.T, e *teleEnv) {
			var inds []vigil.Indicator
			var body []string
			for i := range lines {
				ip := fmt.Sprintf("203.0.%d.%d", 113+i/250, i%250+1)
				inds = append(inds, listedAs(vigil.TypeIPv4, ip, "abuse.ch", 90, "botnet"))
				body = append(body, `{"event_type":"flow","src_ip":"10.1.2.3","dest_ip":"`+ip+`"}`)
			}
			e.useIndicators(inds...)
			storetest.Concurrently(t, uploads, func(i int) error {
				shuffled := storetest.Shuffled(body, i)
				_, err := e.svc.IngestTelemetry(t.Context(), sensor([]string{"RXA", "RXB"}[i%2]), strings.NewReader(strings.Join(shuffled, "\n")))
				return err
			})
		})
	})
}
