package cluster

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// AwaitIntel waits until no live server — this one included — still matches telemetry
// with a matcher older than the database's current intel version, or until max has
// passed. Call it after an intel change committed and before its retro-hunt: telemetry
// matched with the old matcher is then written to the index, where the retro-hunt finds
// it, and telemetry matched later is matched with the new one, so nothing falls between.
// It returns an error naming the servers still behind when max passes or ctx ends; the
// caller hunts anyway and logs it (a server that hangs must not stop retro-hunts).
func (s *Service) AwaitIntel(ctx context.Context, max time.Duration) error {
	v, err := s.store.Versions(ctx)
	if err != nil {
		return err
	}
	s.poke()
	deadline := time.Now().Add(max)
	for {
		behind, err := s.behind(ctx, v.Intel)
		if err != nil {
			return err
		}
		if len(behind) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("servers %v still match with an intel version before %d after %s", behind, v.Intel, max)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(awaitTick):
		}
	}
}

// behind lists the live servers whose oldest matcher in use is before want; this
// server is judged by what it holds now, not by its last heartbeat.
func (s *Service) behind(ctx context.Context, want int64) ([]string, error) {
	var out []string
	if inUse(s.intel) < want {
		out = append(out, s.id)
	}
	nodes, err := s.store.Nodes(ctx, s.now().Add(-Stale))
	if err != nil {
		return nil, err
	}
	for _, n := range nodes {
		if n.ID != s.id && n.Intel < want && !slices.Contains(out, n.ID) {
			out = append(out, n.ID)
		}
	}
	return out, nil
}
