// Package incidents holds the use cases of incidents: an organisation reports one (the
// guided form, the API or the command line), the sector centre triages it through its
// lifecycle, links it to alerts, indicators and organisations, keeps its evidence files,
// assesses a personal-data breach on the DSPT grid and chases its 72-hour deadline,
// hands the report to the national reporting service, and shares its indicators out
// as STIX 2.1 or MISP and back into vigil's own hunting.
//
// Who sees what: the sector centre every incident; an organisation its own (a member
// who is not a named recipient not those marked TLP:RED); a supplier only its customers'
// incidents an analyst shared with suppliers, without their contact details or files.
// Every method takes the acting vigil.Principal, checks what it may do first, runs one
// store transaction and writes its audit entry inside it.
package incidents

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/schedule"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// FeedBackSource is the intel source an incident's indicators are fed back into.
const FeedBackSource = "vigil-incidents"

// Importer is the intel upload use case that feedback goes through (threatintel).
type Importer func(ctx context.Context, p vigil.Principal, u threatintel.Upload, r io.Reader) (*intel.Report, error)

// Deps is what the Service needs.
type Deps struct {
	// Store is the database.
	Store *store.Store
	// Logger receives errors of background work; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxEvidenceBytes caps one evidence file (vigil.DefaultMaxEvidenceBytes when zero).
	MaxEvidenceBytes int64
	// Centre is the sector centre's name, as exports name their producer.
	Centre string
	// Import feeds indicators back to be hunted for; nil answers unavailable.
	Import Importer
	// Once runs the deadline chase as one server of several; nil runs it here.
	Once schedule.Once
}

// Service holds the use cases; it is safe for concurrent use.
type Service struct {
	store   *store.Store
	log     *slog.Logger
	now     func() time.Time
	maxFile int64
	centre  string
	imp     Importer
	once    schedule.Once
}

// New builds the Service.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Logger, now: d.Now, maxFile: d.MaxEvidenceBytes, centre: d.Centre, imp: d.Import,
		once: schedule.OrHere(d.Once)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxFile <= 0 {
		s.maxFile = vigil.DefaultMaxEvidenceBytes
	}
	if s.centre == "" {
		s.centre = "vigil sector centre"
	}
	return s
}

// MaxEvidenceBytes is the cap on one evidence file, for the doors' body limits.
func (s *Service) MaxEvidenceBytes() int64 { return s.maxFile }

// Who may do what.
var (
	// reporters may report incidents: the centre for any organisation, people of an
	// organisation for their own.
	reporters = vigil.People
	// noteWriters may add to the timeline of an incident they see.
	noteWriters = vigil.AlertWorkers
	// assessors may assess a breach and record it reported: the centre, and an
	// organisation's administrator for its own (the DSPT asks the organisation).
	assessors = vigil.OrgEditors
)

func target(id int64) string { return "incident/" + strconv.FormatInt(id, 10) }

// now is the Service's clock in UTC, truncated to what both engines keep.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// visible reads incident id for p inside tx, or not found when p may not see it.
func visible(ctx context.Context, tx *store.Store, p vigil.Principal, id int64) (vigil.Incident, vigil.Audience, error) {
	aud, err := tx.Audience(ctx, p)
	if err != nil {
		return vigil.Incident{}, aud, err
	}
	inc, err := tx.GetIncident(ctx, id)
	if err != nil {
		return vigil.Incident{}, aud, err
	}
	if !aud.SeesIncident(inc) {
		return vigil.Incident{}, aud, store.IncidentNotFound(id)
	}
	return inc, aud, nil
}

// ownOrSector refuses p unless it is a sector role or belongs to the incident's
// organisation: a supplier reads a shared incident but does not work on it.
func ownOrSector(p vigil.Principal, inc vigil.Incident) error {
	if p.Role.Sector() || p.Org == inc.Org {
		return nil
	}
	return vigil.Errorf(vigil.EFORBIDDEN, "only the sector centre and %s's own people may do this to incident %d", inc.Org, inc.ID)
}

// entry writes a timeline entry and the audit entry of a change, on tx.
func entry(ctx context.Context, tx *store.Store, p vigil.Principal, id int64, kind vigil.IncidentEntryKind, note, action string, detail map[string]any) error {
	if err := tx.AddIncidentEntry(ctx, vigil.IncidentEntry{Incident: id, Kind: kind, By: p.Email, Note: note}); err != nil {
		return err
	}
	_, err := tx.Audit(ctx, p.Email, action, target(id), detail)
	return err
}
