package exposure

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/vuln"
)

// snapshot is the vulnerability matcher a server holds: immutable once built.
type snapshot struct {
	cache   *vuln.Cache
	kev     vuln.KEV
	epss    vuln.EPSSScores
	version int64                  // the advisories change count it was built at
	sector  []vigil.SectorAdvisory // the analysts' advisories in force and the built-in policy (sector.go)
}

func emptySnapshot() *snapshot {
	return &snapshot{cache: vuln.NewCache(vuln.NewDB(nil)), kev: vuln.KEV{}, epss: vuln.EPSSScores{},
		sector: builtinPolicy.Advisories}
}

// loaded reports whether the snapshot holds any advisory: a check with none would find
// every vulnerability fixed. The built-in policy counts: it applies with no source
// registered, and a package a check cannot match (its ecosystem has no advisories) is
// listed unmatched, which keeps its finding open.
func (sn *snapshot) loaded() bool { return sn.cache.DB().Stats().Advisories > 0 || len(sn.sector) > 0 }

// Version is the advisories change count (store.Versions.Advisories) the matcher holds.
func (s *Service) Version() int64 { return s.snap.Load().version }

// Stats describes the matcher this server holds.
func (s *Service) Stats() vuln.Stats { return s.snap.Load().cache.DB().Stats() }

// Rebuild builds the matcher from the stored advisories, KEV catalogue and EPSS scores
// and swaps it in. Checks in progress keep the one they loaded.
func (s *Service) Rebuild(ctx context.Context) error {
	s.rebuildMu.Lock()
	defer s.rebuildMu.Unlock()
	start := time.Now()
	// The change count is read first: a change committed while the records are read may
	// or may not be in the snapshot, so it claims only the earlier count.
	v, err := s.store.Versions(ctx)
	if err != nil {
		return err
	}
	var advisories []vuln.Advisory
	err = s.store.EachAdvisory(ctx, func(rec []byte) error {
		var a vuln.Advisory
		if err := json.Unmarshal(rec, &a); err != nil {
			return fmt.Errorf("stored advisory: %w", err)
		}
		advisories = append(advisories, a)
		return nil
	})
	if err != nil {
		return err
	}
	sn := &snapshot{cache: vuln.NewCache(vuln.NewDB(advisories)), kev: vuln.KEV{}, epss: vuln.EPSSScores{}, version: v.Advisories}
	if err := s.loadFiles(ctx, sn); err != nil {
		return err
	}
	if err := s.loadSector(ctx, sn); err != nil {
		return err
	}
	s.snap.Store(sn)
	s.log.InfoContext(ctx, "vulnerability matcher rebuilt", slog.Int64("version", v.Advisories),
		slog.Int("advisories", sn.cache.DB().Stats().Advisories), slog.Int("kev", len(sn.kev)),
		slog.Int("epss", len(sn.epss)), slog.Duration("took", time.Since(start)))
	return nil
}

// loadFiles reads the stored KEV and EPSS files into sn; several sources of one kind
// are merged (the earliest KEV due date, the higher EPSS probability).
func (s *Service) loadFiles(ctx context.Context, sn *snapshot) error {
	files, err := s.store.AdvisoryFiles(ctx, 0)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := mergeFile(sn, f); err != nil {
			s.log.WarnContext(ctx, "stored advisory file unreadable; left out", slog.Int64("source", f.Source), slog.Any("error", err))
		}
	}
	return nil
}

func mergeFile(sn *snapshot, f store.AdvisoryFile) error {
	raw, err := gunzip(f.Body)
	if err != nil {
		return err
	}
	switch f.Kind {
	case vigil.AdvisoryKEV:
		kev, err := vuln.ParseKEV(bytes.NewReader(raw))
		if err != nil {
			return err
		}
		for id, e := range kev {
			if old, ok := sn.kev[id]; !ok || e.DueDate < old.DueDate {
				sn.kev[id] = e
			}
		}
	case vigil.AdvisoryEPSS:
		epss, err := vuln.ParseEPSS(bytes.NewReader(raw))
		if err != nil {
			return err
		}
		for id, e := range epss {
			if old, ok := sn.epss[id]; !ok || e.Probability > old.Probability {
				sn.epss[id] = e
			}
		}
	}
	return nil
}

// gzipped compresses a file for the store.
func gzipped(raw []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, _ = w.Write(raw)
	_ = w.Close()
	return b.Bytes()
}

// gunzip reads a gzip stream whole; data that is not gzip is returned as it is.
func gunzip(data []byte) ([]byte, error) {
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		return data, nil
	}
	r, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, maxFileBytes+1))
}

// maxFileBytes caps a KEV or EPSS file once decompressed: today's EPSS file is about
// 10 MB, KEV about 2 MB.
const maxFileBytes = 512 << 20
