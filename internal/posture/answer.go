package posture

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/posture/frameworks"
	"github.com/vigil-health/vigil/internal/store"
)

func fieldErr(field string, err error) error { return vigil.OnField(field, err) }

// Answer is what answering one item takes.
type Answer struct {
	// Org is the organisation's ODS code; empty means the caller's own.
	Org string
	// Framework and Item name the item.
	Framework, Item string
	// Grade is the answer on the framework's scale.
	Grade vigil.Grade
	// Evidence, Owner and ReviewDate (YYYY-MM-DD, empty for none) are as the answer holds them.
	Evidence, Owner, ReviewDate string
}

// SetAnswer records an organisation's answer to one item and the score it makes, and
// returns the assessment as it now stands. A refused field is a *vigil.FieldError naming it.
func (s *Service) SetAnswer(ctx context.Context, p vigil.Principal, in Answer) (Assessment, error) {
	code, err := orgFor(p, in.Org, writers)
	if err != nil {
		return Assessment{}, err
	}
	f, err := frameworks.Get(in.Framework)
	if err != nil {
		return Assessment{}, err
	}
	a, err := checkAnswer(f, in)
	if err != nil {
		return Assessment{}, err
	}
	a.Org, a.UpdatedBy = code, p.Email
	var out Assessment
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if err := s.checkReviewDate(ctx, tx, a); err != nil {
			return err
		}
		if err := tx.SetPostureAnswer(ctx, a); err != nil {
			return err
		}
		if out, err = s.assess(ctx, tx, code, f); err != nil {
			return err
		}
		if err := tx.AddPostureScore(ctx, code, out.Result.Score); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "posture.answer", answerTarget(a), map[string]any{"grade": a.Grade,
			"owner": a.Owner, "review_date": dateText(a), "percent": out.Result.Score.Percent, "status": out.Result.Score.Status})
		return err
	})
	return out, err
}

// checkAnswer validates an answer against its framework.
func checkAnswer(f frameworks.Framework, in Answer) (vigil.PostureAnswer, error) {
	it, ok := f.Item(in.Item)
	if !ok {
		return vigil.PostureAnswer{}, vigil.Errorf(vigil.ENOTFOUND, "no item %q in the framework %s", in.Item, f.ID)
	}
	a := vigil.PostureAnswer{Framework: f.ID, Item: it.ID, Grade: in.Grade}
	switch {
	case !f.Scale.Allows(in.Grade):
		return a, fieldErr("grade", vigil.Errorf(vigil.EINVALID, "grade %q is not one of %s", in.Grade, gradeList(f.Scale)))
	case in.Grade == vigil.GradeNotApplicable && it.Target != vigil.GradeNone:
		return a, fieldErr("grade", vigil.Errorf(vigil.EINVALID,
			"this item is in the target profile, so it cannot be not applicable: answer not done or in progress, and give it an owner and a review date"))
	}
	var err error
	if a.Evidence, err = vigil.Text("the evidence", in.Evidence, 2000, false); err != nil {
		return a, fieldErr("evidence", err)
	}
	if a.Owner, err = vigil.Text("the owner", in.Owner, 200, false); err != nil {
		return a, fieldErr("owner", err)
	}
	if a.ReviewDate, err = vigil.ParseDate("the review date", in.ReviewDate); err != nil {
		return a, fieldErr("review_date", err)
	}
	return a, nil
}

// checkReviewDate refuses a review date before today: a review date says when the item
// is looked at next, and one already passed (1999-01-01, a slip of the year) would only
// send its reminder at once. The date the answer already holds stays allowed, so that
// an overdue item can still be saved with its other fields while its review is arranged.
// Today is the UTC day, which is never after the day in the UK.
func (s *Service) checkReviewDate(ctx context.Context, tx *store.Store, a vigil.PostureAnswer) error {
	today := s.now().UTC().Truncate(24 * time.Hour)
	if a.ReviewDate.IsZero() || !a.ReviewDate.Before(today) {
		return nil
	}
	held, err := tx.PostureAnswers(ctx, a.Org, a.Framework)
	if err != nil {
		return err
	}
	for _, h := range held {
		if h.Item == a.Item && h.ReviewDate.Equal(a.ReviewDate) {
			return nil
		}
	}
	return fieldErr("review_date", vigil.Errorf(vigil.EINVALID, "the review date %s has passed: give the date of the next review, today (%s) or later",
		a.ReviewDate.Format(time.DateOnly), today.Format(time.DateOnly)))
}

func gradeList(sc vigil.Scale) string {
	var s string
	for i, g := range sc.Grades() {
		if i > 0 {
			s += ", "
		}
		s += string(g)
	}
	return s
}

func answerTarget(a vigil.PostureAnswer) string {
	return fmt.Sprintf("posture/%s/%s/%s", a.Org, a.Framework, a.Item)
}

func dateText(a vigil.PostureAnswer) string {
	if a.ReviewDate.IsZero() {
		return ""
	}
	return a.ReviewDate.Format("2006-01-02")
}

// AttachEvidence keeps data as the evidence file of one item (replacing any earlier
// one): at most MaxEvidenceBytes, and of a kind vigil.CheckEvidence accepts by its
// content, whatever its name says. A refused file is a *vigil.FieldError on "file".
func (s *Service) AttachEvidence(ctx context.Context, p vigil.Principal, ods, fw, item, name string, data []byte) (vigil.EvidenceFile, error) {
	code, err := orgFor(p, ods, writers)
	if err != nil {
		return vigil.EvidenceFile{}, err
	}
	f, err := frameworks.Get(fw)
	if err != nil {
		return vigil.EvidenceFile{}, err
	}
	it, ok := f.Item(item)
	if !ok {
		return vigil.EvidenceFile{}, vigil.Errorf(vigil.ENOTFOUND, "no item %q in the framework %s", item, f.ID)
	}
	kind, err := vigil.CheckEvidence(data, s.max)
	if err != nil {
		return vigil.EvidenceFile{}, fieldErr("file", err)
	}
	sum := sha256.Sum256(data)
	ef := vigil.EvidenceFile{Name: vigil.EvidenceName(name), ContentType: kind, Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]), UploadedBy: p.Email}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if ef, err = tx.SetEvidenceFile(ctx, code, f.ID, it.ID, ef, data); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "posture.evidence", answerTarget(vigil.PostureAnswer{Org: code, Framework: f.ID, Item: it.ID}),
			map[string]any{"name": ef.Name, "content_type": kind, "size": ef.Size, "sha256": ef.SHA256})
		return err
	})
	return ef, err
}

// Evidence returns an item's evidence file and its bytes, for someone who may read the
// organisation's posture.
func (s *Service) Evidence(ctx context.Context, p vigil.Principal, ods, fw, item string) (vigil.EvidenceFile, []byte, error) {
	code, err := orgFor(p, ods, readers)
	if err != nil {
		return vigil.EvidenceFile{}, nil, err
	}
	var ef vigil.EvidenceFile
	var data []byte
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if _, err := tx.GetOrg(ctx, code); err != nil {
			return err
		}
		ef, data, err = tx.EvidenceFile(ctx, code, fw, item)
		return err
	})
	return ef, data, err
}
