package threatintel

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/store"
)

// Upload describes an uploaded intel file.
type Upload struct {
	// Source is the source name the indicators are credited to.
	Source string
	// TLP marks indicators the file does not mark itself.
	TLP vigil.TLP
	// Name is the file name, for the report and the audit log.
	Name string
}

// uploadBatch is how many indicators an import stores per transaction, so that memory
// stays bounded whatever the file's size; changedInMemory how many added or changed
// indicators it keeps for the hooks before it leaves them in the store and reads them
// back a page (hookPage) at a time.
const (
	uploadBatch     = 10_000
	changedInMemory = 50_000
	hookPage        = 10_000
)

// Import imports one file the sector centre's p uploads (any supported format, one gzip
// layer and one tar allowed), stores its indicators with their provenance, recompiles the matcher and runs
// the hooks (Early Warning, retro-hunts) on what is new. An upload adds and refreshes: it never withdraws what the
// source held before. The source is registered as an upload feed the first time, so that
// it shows among the feeds with its counts; a pulled feed's name is refused, since its
// next complete pull would withdraw what was uploaded.
// The indicators are stored in batches as they are parsed, so the upload is recorded on
// its feed and audited in one transaction after them. An upload that unpacks to more than
// Deps.MaxIntelBytes stops there with an error wrapping *intel.TooLargeError.
func (s *Service) Import(ctx context.Context, p vigil.Principal, u Upload, r io.Reader) (*intel.Report, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return nil, err
	}
	return s.importUpload(ctx, p, u, r, nil)
}

// importUpload is Import after the check; progress, when set, hears of each batch stored.
func (s *Service) importUpload(ctx context.Context, p vigil.Principal, u Upload, r io.Reader, progress func(vigil.ImportProgress)) (*intel.Report, error) {
	f, err := s.uploadFeed(ctx, u)
	if err != nil {
		return nil, err
	}
	opts := intel.Options{Source: f.Name, TLP: u.TLP, Reliability: f.Reliability, Credibility: f.Credibility, Now: s.now(), Warninglists: s.benign}
	if opts.TLP == "" {
		opts.TLP = f.TLP
	}
	started := s.now()
	in := &readErr{r: r}
	imp, err := s.newImporter(ctx, f, progress)
	if err != nil {
		return nil, err
	}
	rep, loadErr := intel.LoadReaderLimited(in, u.Name, intel.NewLimit(s.maxIntel), opts, imp.add)
	ch, err := imp.finish(false)
	if err != nil {
		return rep, err
	}
	counts := importCounts(rep, ch)
	s.metrics.indicatorsLoaded.Add(float64(rep.Total))
	outcome := uploadOutcome(rep, in.err, loadErr)
	if err := s.recordUpload(ctx, p, u, f, started, counts, outcome); err != nil {
		return rep, err
	}
	if err := s.publish(ctx, imp, ch); err != nil {
		return rep, err
	}
	return rep, outcome
}

// uploadOutcome is the error of an upload that was not read whole (nil when it was),
// saying what was kept and what to do: the uploader gets it, and the feed shows it.
// readErr is the error reading the upload, loadErr the parser's.
func uploadOutcome(rep *intel.Report, readErr, loadErr error) error {
	if unreadable := unreadableUpload(rep); unreadable != nil {
		return unreadable
	}
	var unpacked *intel.TooLargeError
	switch {
	case errors.As(loadErr, &unpacked):
		return fmt.Errorf("the first %d indicators were kept: %w", rep.Total, unpacked)
	case errors.Is(loadErr, intel.ErrNested):
		return vigil.Errorf(vigil.EINVALID, "%v: the first %d indicators were kept; unpack the file and send what is inside",
			loadErr, rep.Total)
	}
	var tooBig *http.MaxBytesError
	if errors.As(readErr, &tooBig) {
		return vigil.Errorf(vigil.EINVALID, "the file is larger than the %d bytes an upload may be: the first %d indicators were kept; split the rest or compress it with gzip", tooBig.Limit, rep.Total)
	}
	if err := errors.Join(readErr, loadErr); err != nil {
		return vigil.Errorf(vigil.EINVALID, "the upload broke off after %d indicators (%v): those were kept; send the whole file again to complete it", rep.Total, err)
	}
	return nil
}

// unreadableUpload is the error of an upload nothing could be read from (every input
// broke off before a single value: a file in no intel format, a truncated archive), or
// nil: such an upload is refused rather than reported as an import of nothing, and its
// feed shows why.
func unreadableUpload(rep *intel.Report) error {
	if rep == nil || rep.Failed == 0 || rep.Failed < rep.Files || rep.Total+rep.NotMatchable+rep.Rejected+rep.Warninglisted+rep.Expired > 0 {
		return nil
	}
	why := "not a supported intel format (STIX 2.1, MISP event or feed, CSV, or one indicator per line)"
	for _, pr := range rep.Problems {
		if pr.Kind == intel.ProblemFailed {
			why = pr.Reason
			if pr.File != "" {
				why = pr.File + ": " + why
			}
			break
		}
	}
	return vigil.Errorf(vigil.EINVALID, "nothing in the upload could be read as intel: %s", why)
}

// uploadFeed returns the upload feed named u.Source, registering it when new.
func (s *Service) uploadFeed(ctx context.Context, u Upload) (vigil.Feed, error) {
	name, err := vigil.SourceName(u.Source)
	if err != nil {
		return vigil.Feed{}, err
	}
	f, err := s.store.GetFeedByName(ctx, name)
	switch {
	case err == nil && f.Kind != vigil.FeedUpload:
		return f, vigil.Errorf(vigil.ECONFLICT, "%q is a pulled feed (%s): each complete pull replaces its indicators, so upload under another source name", name, f.Kind)
	case err == nil:
		return f, nil
	case vigil.ErrorCode(err) != vigil.ENOTFOUND:
		return f, err
	}
	f, err = s.store.CreateFeed(ctx, vigil.Feed{Name: name, Kind: vigil.FeedUpload, TLP: u.TLP, Enabled: true})
	if vigil.ErrorCode(err) == vigil.ECONFLICT { // registered by a concurrent upload
		return s.store.GetFeedByName(ctx, name)
	}
	return f, err
}

// recordUpload notes the upload on its feed and in the audit log, in one transaction.
// A failure (unreadable, cut short) shows on the feed as its last pull's error, in the
// words the uploader got.
func (s *Service) recordUpload(ctx context.Context, p vigil.Principal, u Upload, f vigil.Feed, at time.Time, counts json.RawMessage, failure error) error {
	detail := map[string]any{}
	_ = json.Unmarshal(counts, &detail) // none (nil) for an upload refused before it was read
	detail["file"] = u.Name
	return s.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.RecordPull(ctx, f.ID, vigil.FeedPull{At: at, Counts: counts, Err: shownError(failure)}); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, cmp.Or(p.Email, "system"), "intel.upload", "source/"+f.Name, detail)
		return err
	})
}

// shownError is err as a feed's page shows it: a vigil.Error's message without its code.
func shownError(err error) error {
	if e, ok := err.(*vigil.Error); ok {
		return errors.New(e.Message)
	}
	return err
}

// publish recompiles the snapshot after a change and runs the hooks on what changed:
// from memory, or read back from the store a page at a time when there were too many
// to keep.
func (s *Service) publish(ctx context.Context, imp *importer, ch store.SourceChange) error {
	if ch.Added == 0 && ch.Withdrawn == 0 && imp.changedCount == 0 {
		return nil
	}
	if err := s.Recompile(ctx); err != nil {
		return fmt.Errorf("recompile after import: %w", err)
	}
	if imp.changedCount == 0 || len(s.added) == 0 {
		return nil
	}
	page := s.hookPage
	if page <= 0 {
		page = hookPage
	}
	if !imp.overflow {
		s.indicatorsAdded(ctx, imp.changed)
		return nil
	}
	return imp.imp.EachChanged(ctx, page, func(inds []vigil.Indicator) error {
		s.indicatorsAdded(ctx, inds)
		return ctx.Err()
	})
}

// importer stores an import's indicators in batches as the parser emits them, and keeps
// what they added or changed for the hooks while that is small.
type importer struct {
	s            *Service
	ctx          context.Context
	imp          *store.SourceImport
	batch        []vigil.Indicator
	changed      []vigil.Indicator
	changedCount int
	overflow     bool // more changed than changedInMemory: the hooks read them from the store
	progress     func(vigil.ImportProgress)
	done         vigil.ImportProgress
	err          error
}

// newImporter starts storing feed f's indicators; once f is deleted, it stores nothing
// more and fails with store.ErrFeedDeleted.
func (s *Service) newImporter(ctx context.Context, f vigil.Feed, progress func(vigil.ImportProgress)) (*importer, error) {
	imp, err := s.store.BeginSourceImport(f.Name)
	if err != nil {
		return nil, err
	}
	imp.OfFeed(f.ID)
	return &importer{s: s, ctx: ctx, imp: imp, progress: progress}, nil
}

func (imp *importer) add(ind vigil.Indicator) {
	imp.batch = append(imp.batch, ind)
	if len(imp.batch) >= uploadBatch {
		imp.flush()
	}
}

// flush stores the batch; after a failure it drops what comes, and finish reports it.
func (imp *importer) flush() {
	if len(imp.batch) == 0 || imp.err != nil {
		imp.batch = imp.batch[:0]
		return
	}
	ch, err := imp.imp.Store(imp.ctx, imp.batch)
	n := len(imp.batch)
	imp.batch = imp.batch[:0]
	if err != nil {
		imp.err = err
		if errors.Is(err, store.ErrFeedDeleted) {
			return // not a fault: the pull or upload ends saying so
		}
		if imp.ctx.Err() == nil { // else the import was cut short, and its caller says so
			imp.s.log.ErrorContext(imp.ctx, "store indicators", slog.String("source", imp.imp.Source()), slog.Any("error", err))
		}
		return
	}
	imp.changedCount += len(ch.Changed)
	limit := imp.s.changedInMemory
	if limit <= 0 {
		limit = changedInMemory
	}
	if !imp.overflow && imp.changedCount > limit {
		imp.overflow, imp.changed = true, nil
	}
	if !imp.overflow {
		imp.changed = append(imp.changed, ch.Changed...)
	}
	imp.done.Stored += n
	imp.done.Added += ch.Added
	imp.done.Refreshed += ch.Refreshed
	if imp.progress != nil {
		imp.progress(imp.done)
	}
}

// finish stores the last batch and ends the import: complete withdraws what the source
// held that no batch did.
func (imp *importer) finish(complete bool) (store.SourceChange, error) {
	imp.flush()
	if imp.err != nil {
		complete = false // never withdraw on the strength of a pull that was not all stored
	}
	ch, err := imp.imp.Finish(imp.ctx, complete)
	if err := errors.Join(imp.err, err); err != nil {
		return ch, err
	}
	return ch, nil
}

// readErr remembers the first error reading r other than EOF: parsers count a read that
// breaks off as a problem in the data, but a body cut short is the upload's fault.
type readErr struct {
	r   io.Reader
	err error
}

func (e *readErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// importCounts is the summary a feed shows of its last import: the counts, and what was
// left out with the reasons and first examples (under the intel.Report's own names), so
// that the feed's page can say why, not only how many.
func importCounts(rep *intel.Report, ch store.SourceChange) json.RawMessage {
	b, _ := json.Marshal(map[string]any{
		"total": rep.Total, "by_type": rep.ByType, "rejected": rep.Rejected, "not_matchable": rep.NotMatchable,
		"warninglisted": rep.Warninglisted, "expired": rep.Expired, "revoked": rep.Revoked,
		"added": ch.Added, "refreshed": ch.Refreshed, "withdrawn": ch.Withdrawn,
		"internal": rep.Internal, "warninglisted_by": rep.WarninglistedBy, "listed_examples": rep.ListedExamples,
		"not_for_detection": rep.NotForDetection, "reasons": rep.ByCount()[:min(len(rep.Reasons), maxCountedReasons)],
		"problems": firstProblems(rep.Problems),
	})
	return b
}

// maxCountedReasons is how many reasons, the most frequent first, a feed keeps of its
// last import; maxCountedProblems how many examples of each kind.
const (
	maxCountedReasons  = 12
	maxCountedProblems = 5
)

// firstProblems is the first maxCountedProblems examples of each kind (a MISP feed's
// events each bring their own).
func firstProblems(ps []intel.Problem) []intel.Problem {
	var out []intel.Problem
	seen := map[string]int{}
	for _, p := range ps {
		if seen[p.Kind] < maxCountedProblems {
			seen[p.Kind]++
			out = append(out, p)
		}
	}
	return out
}
