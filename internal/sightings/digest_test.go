package sightings

import (
	"testing"

	"github.com/vigil-health/vigil"
)

// Sighting alerts reach the organisation the same ways Early Warning alerts do: every one
// goes into the next daily digest, and a new high or critical one is sent at once.
func TestSightingAlertsReachTheDigestAndTheOutbox(t *testing.T) {
	eachTeleEngine(t, Deps{}, func(t *testing.T, e *teleEnv) {
		e.useIndicators(sensorIndicators...)
		res := e.ingest(t, "RXA", false, sensorLines...)
		queue, err := e.store.DigestQueue(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(queue)) != res.Alerts {
			t.Errorf("digest queue holds %d alerts, want the %d sighting alerts raised", len(queue), res.Alerts)
		}
		// The qakbot domain (confidence 90) and the file hash are high; the low-confidence range is not.
		if sent := outboxOf(t, e.store, "RXA", vigil.OutboxImmediate); len(sent) != 2 {
			t.Errorf("RXA has %d immediate messages, want 2 (the high sighting alerts)", len(sent))
		}
	})
}
