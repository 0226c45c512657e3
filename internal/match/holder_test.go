package match

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vigil-health/vigil"
)

func TestHolderZeroValue(t *testing.T) {
	var h Holder
	s := h.Load()
	if s == nil || s.Len() != 0 {
		t.Fatalf("Load() on a zero Holder = %v, want an empty snapshot", s)
	}
	if ids := s.Lookup(vigil.Observable{Type: vigil.TypeIPv4, Value: "1.2.3.4"}, nil); len(ids) != 0 {
		t.Errorf("empty snapshot matched: %v", ids)
	}
	h.Store(nil)
	if h.Load() == nil {
		t.Error("Load() after Store(nil) = nil")
	}
}

// TestHolderSwap swaps snapshots while readers look up: every snapshot generation g
// lists 10.0.0.g and the network 10.1.0.0/16 from source "gen-g", so a reader can check
// that each answer is consistent with the one snapshot it loaded.
func TestHolderSwap(t *testing.T) {
	const generations, readers = 50, 4
	snaps := make([]*Snapshot, generations)
	for g := range snaps {
		b := NewBuilder()
		src := vigil.Provenance{Source: fmt.Sprintf("gen-%d", g)}
		b.Add(vigil.Indicator{Type: vigil.TypeIPv4, Value: fmt.Sprintf("10.0.0.%d", g), Provenance: src})
		b.Add(vigil.Indicator{Type: vigil.TypeCIDR, Value: "10.1.0.0/16", Provenance: src})
		snaps[g] = b.Build()
	}
	var h Holder
	var done atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, readers)
	for r := range readers {
		wg.Go(func() { errs <- readUntil(&h, &done, r) })
	}
	for _, s := range snaps {
		h.Store(s)
		for range 100 {
			_ = h.Load() // give readers time to see each generation
		}
	}
	done.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// readUntil looks up through h until done, checking each snapshot's answers.
func readUntil(h *Holder, done *atomic.Bool, r int) error {
	var ids []ID
	for i := 0; !done.Load(); i++ {
		s := h.Load()
		ids = s.Lookup(vigil.Observable{Type: vigil.TypeIPv4, Value: fmt.Sprintf("10.1.%d.%d", r, i%256)}, ids[:0])
		if s.Len() == 0 {
			if len(ids) != 0 {
				return fmt.Errorf("reader %d: empty snapshot matched %v", r, ids)
			}
			continue
		}
		if len(ids) != 1 {
			return fmt.Errorf("reader %d: got %d matches, want 1", r, len(ids))
		}
		if err := checkGeneration(s, s.Entry(ids[0])); err != nil {
			return fmt.Errorf("reader %d: %w", r, err)
		}
	}
	return nil
}

// checkGeneration checks that the snapshot that matched the network e also lists the
// address of e's generation, from the same source.
func checkGeneration(s *Snapshot, e Entry) error {
	var g int
	if _, err := fmt.Sscanf(e.Sources[0].Source, "gen-%d", &g); err != nil || e.Value != "10.1.0.0/16" {
		return fmt.Errorf("unexpected entry %+v", e)
	}
	ids := s.Lookup(vigil.Observable{Type: vigil.TypeIPv4, Value: fmt.Sprintf("10.0.0.%d", g)}, nil)
	if len(ids) != 1 || s.Entry(ids[0]).Sources[0].Source != e.Sources[0].Source {
		return fmt.Errorf("snapshot of %s does not list 10.0.0.%d from it", e.Sources[0].Source, g)
	}
	return nil
}
