package exposure

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/vuln"
)

// Change is what one pull changed, as the source's counts show it.
type Change struct {
	// Records is how many records (OSV) or entries (KEV, EPSS) the source now holds.
	Records int `json:"records"`
	// New, Changed, Withdrawn and Removed count the OSV records that are new, modified,
	// newly withdrawn, or gone from the source; for KEV and EPSS, the entries added,
	// changed and removed.
	New       int `json:"new"`
	Changed   int `json:"changed"`
	Withdrawn int `json:"withdrawn"`
	Removed   int `json:"removed"`
	// Problems counts records that could not be read and were skipped; Problem is the first.
	Problems int    `json:"problems,omitempty"`
	Problem  string `json:"problem,omitempty"`
	// OrgsChecked is how many organisations the change made vigil check again.
	OrgsChecked int `json:"orgs_checked"`

	keys []string // package keys of the OSV records that changed
	all  bool     // KEV or EPSS changed: every organisation with a finding is checked
}

func (c Change) any() bool { return c.New+c.Changed+c.Withdrawn+c.Removed > 0 }

// pullDue pulls every enabled source whose schedule says it is due, each under its lease.
func (s *Service) pullDue(ctx context.Context) {
	list, err := s.store.ListAdvisorySources(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.ErrorContext(ctx, "list advisory sources", slog.Any("error", err))
		}
		return
	}
	for _, a := range list {
		if ctx.Err() != nil {
			return
		}
		if !a.Enabled || !feeds.Due(a.Schedule, a.LastPullAt, s.now()) {
			continue
		}
		if !s.once(ctx, pullJobName(a.ID), 0, func(ctx context.Context) { s.pullScheduled(ctx, a.ID) }) {
			s.log.InfoContext(ctx, "advisory pull skipped: the source is being pulled already", slog.String("source", a.Name))
		}
	}
}

// pullScheduled pulls source id, its lease held, when it is still due: a "pull now" that
// ended since the list was read has pulled it already.
func (s *Service) pullScheduled(ctx context.Context, id int64) {
	a, err := s.store.GetAdvisorySource(ctx, id)
	if err == nil && a.Enabled && feeds.Due(a.Schedule, a.LastPullAt, s.now()) {
		err = s.pull(ctx, a)
	}
	if err != nil && ctx.Err() == nil && vigil.ErrorCode(err) != vigil.ENOTFOUND { // not found: deleted meanwhile
		s.log.ErrorContext(ctx, "advisory pull", slog.Int64("source", id), slog.Any("error", err))
	}
}

// pullJobName is the lease one pull of source id holds, on whichever server, so that
// two pulls of a source never overlap (each would remove what the other stored, and
// check the organisations twice).
func pullJobName(id int64) string { return "advisory-pull-" + strconv.FormatInt(id, 10) }

// pull fetches source a once, stores what changed, records the outcome and, when
// something changed, rebuilds the matcher and checks the organisations concerned. Its
// error is only for the store. A pull cut short (ctx ended: the server stopping) records
// nothing, so that the source stays due and is pulled again by the next server.
func (s *Service) pull(ctx context.Context, a vigil.AdvisorySource) error {
	at := s.now()
	record := func(p vigil.FeedPull) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if p.Err != nil {
			s.log.WarnContext(ctx, "advisory pull failed", slog.String("source", a.Name), slog.Any("error", p.Err))
		}
		p.At = at
		return s.store.RecordAdvisoryPull(ctx, a.ID, p)
	}
	var prev feeds.State
	if len(a.State) > 0 {
		_ = json.Unmarshal(a.State, &prev) // unreadable: pull from scratch
	}
	path, next, unchanged, cleanup, err := s.fetch(ctx, a, prev)
	defer cleanup()
	if err != nil {
		return record(vigil.FeedPull{Err: err})
	}
	if unchanged {
		return record(vigil.FeedPull{State: stateJSON(next)})
	}
	ch, err := s.storeSource(ctx, a, path)
	if err != nil {
		if errors.Is(err, errStore) {
			_ = record(vigil.FeedPull{Err: errors.New("the pulled data could not be stored; see the server log")})
			return err
		}
		return record(vigil.FeedPull{Err: err})
	}
	if ch.any() {
		if err := s.Rebuild(ctx); err != nil {
			return err
		}
		ch.OrgsChecked = s.recheckChanged(ctx, ch)
	}
	counts, _ := json.Marshal(ch)
	return record(vigil.FeedPull{State: stateJSON(next), Counts: counts})
}

// errStore marks a failure of the database rather than of the source.
var errStore = errors.New("store")

// fetch gets the source's data as a local path: downloaded to a temporary file (removed
// by cleanup), or the file or directory on the server itself. unchanged says the source
// has not changed since prev (HTTP 304, or the same size and time of a file).
func (s *Service) fetch(ctx context.Context, a vigil.AdvisorySource, prev feeds.State) (path string, next feeds.State, unchanged bool, cleanup func(), err error) {
	cleanup = func() {}
	if a.Path != "" {
		if err := s.checkPath(a.Path); err != nil {
			return "", prev, false, cleanup, err
		}
		info, err := os.Stat(a.Path)
		if err != nil {
			return "", prev, false, cleanup, fmt.Errorf("read %s: %w", a.Path, errors.Unwrap(err))
		}
		stamp := strconv.FormatInt(info.Size(), 10) + "-" + info.ModTime().UTC().Format("20060102T150405.000000000")
		if info.IsDir() {
			stamp = "" // a directory's time says nothing of the records in it
		}
		next = feeds.State{ETag: stamp}
		return a.Path, next, stamp != "" && stamp == prev.ETag, cleanup, nil
	}
	path, next, unchanged, err = feeds.Download(ctx, s.client, a.Name, a.URL, prev, 0, "")
	if err != nil || unchanged {
		return "", next, unchanged, cleanup, err
	}
	cleanup = func() { _ = os.Remove(path) }
	if a.Kind == vigil.AdvisoryOSV && !strings.HasSuffix(strings.ToLower(a.URL), ".json") {
		// vuln reads a file as a zip by its name
		if err := os.Rename(path, path+".zip"); err != nil {
			return "", next, false, cleanup, err
		}
		path += ".zip"
		cleanup = func() { _ = os.Remove(path) }
	}
	return path, next, false, cleanup, nil
}

// storeSource stores what the source holds now, by kind, and says what changed.
func (s *Service) storeSource(ctx context.Context, a vigil.AdvisorySource, path string) (Change, error) {
	if a.Kind == vigil.AdvisoryOSV {
		return s.storeOSV(ctx, a, path)
	}
	return s.storeFile(ctx, a, path)
}

// storeOSV reads the OSV records at path and writes those new or modified since the
// source's last pull; records gone from it are removed.
func (s *Service) storeOSV(ctx context.Context, a vigil.AdvisorySource, path string) (Change, error) {
	advisories, problems, err := vuln.ReadAdvisories(path)
	if err != nil {
		return Change{}, err
	}
	var ch Change
	if ch.Problems = len(problems); ch.Problems > 0 {
		ch.Problem = problems[0].String()
	}
	if len(advisories) == 0 {
		return ch, fmt.Errorf("no OSV records could be read from %s: %s", a.Where(), ch.Problem)
	}
	stamps, err := s.store.AdvisoryStamps(ctx, a.ID)
	if err != nil {
		return ch, errors.Join(errStore, err)
	}
	put, remove := diffOSV(latest(advisories), stamps, &ch)
	if err := s.store.ApplyAdvisories(ctx, a.ID, put, remove); err != nil {
		return ch, errors.Join(errStore, err)
	}
	return ch, nil
}

// latest keeps, of records with one ID, the one modified last.
func latest(advisories []vuln.Advisory) map[string]vuln.Advisory {
	out := make(map[string]vuln.Advisory, len(advisories))
	for _, a := range advisories {
		if old, ok := out[a.ID]; !ok || a.Modified > old.Modified {
			out[a.ID] = a
		}
	}
	return out
}

// diffOSV compares the records pulled with the stamps of those stored, counting into ch
// and collecting the package keys of every record that changed, before and after.
func diffOSV(pulled map[string]vuln.Advisory, stamps map[string]store.AdvisoryStamp, ch *Change) ([]store.AdvisoryRecord, []string) {
	var put []store.AdvisoryRecord
	keys := map[string]bool{}
	for id, a := range pulled {
		old, had := stamps[id]
		withdrawn := a.Withdrawn != ""
		if had && old.Modified == a.Modified && old.Withdrawn == withdrawn {
			continue
		}
		switch {
		case !had:
			ch.New++
		case withdrawn && !old.Withdrawn:
			ch.Withdrawn++
		default:
			ch.Changed++
		}
		rec, _ := json.Marshal(a)
		pkgs := vuln.PackageKeys(a)
		put = append(put, store.AdvisoryRecord{ID: id, Modified: a.Modified, Withdrawn: withdrawn, Packages: pkgs, Record: rec})
		for _, k := range append(pkgs, old.Packages...) {
			keys[k] = true
		}
	}
	var remove []string
	for id, old := range stamps {
		if _, ok := pulled[id]; !ok {
			remove = append(remove, id)
			ch.Removed++
			for _, k := range old.Packages {
				keys[k] = true
			}
		}
	}
	ch.Records = len(pulled)
	for k := range keys {
		ch.keys = append(ch.keys, k)
	}
	return put, remove
}

// storeFile reads a KEV catalogue or EPSS file at path and, when it differs from what the
// source held, stores it whole.
func (s *Service) storeFile(ctx context.Context, a vigil.AdvisorySource, path string) (Change, error) {
	raw, err := readCapped(path)
	if err != nil {
		return Change{}, fmt.Errorf("read %s: %w", a.Where(), err)
	}
	if raw, err = gunzip(raw); err != nil {
		return Change{}, fmt.Errorf("read %s: not a readable gzip file: %w", a.Where(), err)
	}
	now, err := parseEntries(a.Kind, raw)
	if err != nil {
		return Change{}, fmt.Errorf("read %s: %w", a.Where(), err)
	}
	old, err := s.storedEntries(ctx, a)
	if err != nil {
		return Change{}, errors.Join(errStore, err)
	}
	ch := Change{Records: len(now), all: true}
	for id, v := range now {
		if was, ok := old[id]; !ok {
			ch.New++
		} else if was != v {
			ch.Changed++
		}
	}
	for id := range old {
		if _, ok := now[id]; !ok {
			ch.Removed++
		}
	}
	if !ch.any() {
		return ch, nil
	}
	err = s.store.PutAdvisoryFile(ctx, store.AdvisoryFile{Source: a.ID, Kind: a.Kind, Body: gzipped(raw), Entries: len(now)})
	if err != nil {
		return ch, errors.Join(errStore, err)
	}
	return ch, nil
}

// parseEntries reads a KEV or EPSS file as comparable entries by CVE.
func parseEntries(kind string, raw []byte) (map[string]any, error) {
	out := map[string]any{}
	switch kind {
	case vigil.AdvisoryKEV:
		kev, err := vuln.ParseKEV(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		for id, e := range kev {
			out[id] = e
		}
	case vigil.AdvisoryEPSS:
		epss, err := vuln.ParseEPSS(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		for id, e := range epss {
			out[id] = e
		}
	}
	if len(out) == 0 {
		return nil, errors.New("it holds no entries")
	}
	return out, nil
}

// storedEntries reads what the source held before this pull.
func (s *Service) storedEntries(ctx context.Context, a vigil.AdvisorySource) (map[string]any, error) {
	files, err := s.store.AdvisoryFiles(ctx, a.ID)
	if err != nil || len(files) == 0 {
		return map[string]any{}, err
	}
	raw, err := gunzip(files[0].Body)
	if err != nil {
		return map[string]any{}, nil // unreadable: store the new one
	}
	old, err := parseEntries(files[0].Kind, raw)
	if err != nil {
		return map[string]any{}, nil
	}
	return old, nil
}

// readCapped reads a file of at most maxFileBytes.
func readCapped(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, errors.Unwrap(err)
	}
	if info.IsDir() {
		return nil, errors.New("it is a directory; give the file")
	}
	if info.Size() > maxFileBytes {
		return nil, fmt.Errorf("it is larger than %d MiB", maxFileBytes>>20)
	}
	return os.ReadFile(path)
}

func stateJSON(st feeds.State) json.RawMessage {
	b, _ := json.Marshal(st)
	return b
}
