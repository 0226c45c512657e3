// Package posture holds the use cases of an organisation's security posture: answering
// the self-assessment frameworks (package frameworks), the score and DSPT-style status
// they give and its history, the evidence vigil already knows filled in for the
// organisation, reminders when review dates pass, and the business continuity plan.
//
// Every method takes the acting vigil.Principal, checks what it may do before touching a
// row, runs in one store transaction and writes its audit entry inside it.
package posture

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/posture/frameworks"
	"github.com/vigil-health/vigil/internal/schedule"
	"github.com/vigil-health/vigil/internal/store"
)

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
	// Once runs the review reminders as one server of several; nil runs them here.
	Once schedule.Once
}

// Service holds the use cases; it is safe for concurrent use.
type Service struct {
	store *store.Store
	log   *slog.Logger
	now   func() time.Time
	max   int64 // bytes of one evidence file
	once  schedule.Once
}

// New builds the Service.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Logger, now: d.Now, max: d.MaxEvidenceBytes, once: schedule.OrHere(d.Once)}
	if s.max <= 0 {
		s.max = vigil.DefaultMaxEvidenceBytes
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// MaxEvidenceBytes is the cap on one evidence file, for the doors' body limits.
func (s *Service) MaxEvidenceBytes() int64 { return s.max }

// Who may do what: an organisation's own people read and answer its assessment and
// plan; sector analysts read every organisation's, sector admins also answer for one
// (helping it by phone). Suppliers and sensors see none of it.
var (
	readers = []vigil.Role{vigil.RoleSectorAdmin, vigil.RoleSectorAnalyst, vigil.RoleOrgAdmin, vigil.RoleOrgMember}
	writers = []vigil.Role{vigil.RoleSectorAdmin, vigil.RoleOrgAdmin, vigil.RoleOrgMember}
)

// orgFor checks that p, one of roles, may reach organisation ods and returns its code:
// an organisation's people only their own, sector roles any (that exists).
func orgFor(p vigil.Principal, ods string, roles []vigil.Role) (string, error) {
	if err := p.Need(roles...); err != nil {
		return "", err
	}
	if ods == "" && p.Org != "" {
		return p.Org, nil
	}
	code, err := vigil.NormalizeODS(ods)
	if err != nil {
		return "", err
	}
	if !p.CanSeeOrg(code) {
		return "", vigil.OrgNotFound(ods)
	}
	return code, nil
}

// Frameworks lists the frameworks an organisation can answer.
func (s *Service) Frameworks(p vigil.Principal) ([]frameworks.Framework, error) {
	if err := p.Need(readers...); err != nil {
		return nil, err
	}
	return frameworks.All(), nil
}

// Assessment is one organisation's answers to one framework, scored.
type Assessment struct {
	// Org is the organisation.
	Org vigil.Org
	// Framework is the framework answered.
	Framework frameworks.Framework
	// Result is the score, status and each item's outcome.
	Result frameworks.Result
	// History is the recorded scores, newest first.
	History []vigil.PostureScore
}

// historyShown bounds the scores an assessment carries.
const historyShown = 20

// Assessment returns organisation ods's assessment on framework fw, scored now with
// what vigil knows of it.
func (s *Service) Assessment(ctx context.Context, p vigil.Principal, ods, fw string) (Assessment, error) {
	code, err := orgFor(p, ods, readers)
	if err != nil {
		return Assessment{}, err
	}
	f, err := frameworks.Get(fw)
	if err != nil {
		return Assessment{}, err
	}
	var a Assessment
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		a, err = s.assess(ctx, tx, code, f)
		if err != nil {
			return err
		}
		a.History, err = tx.PostureScores(ctx, code, f.ID, historyShown)
		return err
	})
	return a, err
}

// Summary returns organisation ods's score on every framework, for its home page.
func (s *Service) Summary(ctx context.Context, p vigil.Principal, ods string) ([]vigil.PostureScore, error) {
	code, err := orgFor(p, ods, readers)
	if err != nil {
		return nil, err
	}
	var out []vigil.PostureScore
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		out = out[:0]
		for _, f := range frameworks.All() {
			a, err := s.assess(ctx, tx, code, f)
			if err != nil {
				return err
			}
			out = append(out, a.Result.Score)
		}
		return nil
	})
	return out, err
}

// assess scores code's answers to f inside tx.
func (s *Service) assess(ctx context.Context, tx *store.Store, code string, f frameworks.Framework) (Assessment, error) {
	org, err := tx.GetOrg(ctx, code)
	if err != nil {
		return Assessment{}, err
	}
	answers, err := tx.PostureAnswers(ctx, code, f.ID)
	if err != nil {
		return Assessment{}, err
	}
	known, err := s.known(ctx, tx, org)
	if err != nil {
		return Assessment{}, err
	}
	return Assessment{Org: org, Framework: f, Result: frameworks.Score(f, answers, known, s.now())}, nil
}

// itemOf returns the item result with this id.
func itemOf(r frameworks.Result, id string) (frameworks.ItemResult, bool) {
	i := slices.IndexFunc(r.Items, func(it frameworks.ItemResult) bool { return it.Item.ID == id })
	if i < 0 {
		return frameworks.ItemResult{}, false
	}
	return r.Items[i], true
}
