package sightings

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/vigil-health/vigil"
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
			runConcurrently(t, uploads, func(i int) error {
				shuffled := shuffle(body, i)
				_, err := e.svc.IngestTelemetry(t.Context(), sensor([]string{"RXA", "RXB"}[i%2]), strings.NewReader(strings.Join(shuffled, "\n")))
				return err
			})
		})
	})
}

// runConcurrently runs n uploads at once and fails the test for any that failed.
func runConcurrently(t *testing.T, n int, upload func(i int) error) {
	t.Helper()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = upload(i) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("upload %d: %v", i, err)
		}
	}
}

// shuffle returns lines in an order of their own for upload i.
func shuffle(lines []string, i int) []string {
	out := append([]string(nil), lines...)
	r := rand.New(rand.NewPCG(uint64(i), 7))
	r.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	return out
}
