package frameworks

import (
	"math"
	"time"

	"github.com/vigil-health/vigil"
)

// ItemResult is one item as scored for an organisation.
type ItemResult struct {
	// Item is the framework's item.
	Item Item `json:"item"`
	// Answer is what the organisation recorded (zero when nothing).
	Answer vigil.PostureAnswer `json:"answer"`
	// Grade is the grade that counts: vigil's when it knows the fact, else the answer's.
	Grade vigil.Grade `json:"grade"`
	// Known is what vigil knows for the item's fact, if it has one.
	Known *vigil.Known `json:"known,omitempty"`
	// ByVigil is true when vigil's knowledge decided the grade.
	ByVigil bool `json:"by_vigil"`
	// Meets is true when the grade reaches the item's target (always for no target).
	Meets bool `json:"meets"`
	// Planned is true when a target item not met has an owner and a review date to come.
	Planned bool `json:"planned"`
	// ReviewDue is true when the review date has passed.
	ReviewDue bool `json:"review_due"`
}

// Result is a framework scored for one organisation.
type Result struct {
	// Score is the score and status.
	Score vigil.PostureScore `json:"score"`
	// Items are the items in the framework's order.
	Items []ItemResult `json:"items"`
}

// Score scores answers to f for one organisation on day now (UTC). A fact vigil knows
// (yes or no) decides its item's grade, so that what vigil can see is kept current
// without anybody typing it; an unknown fact leaves the item to the person's answer.
// Not applicable leaves an item out of the percentage, but a target item answered so
// stays open: the target profile says it applies.
func Score(f Framework, answers []vigil.PostureAnswer, known map[vigil.Fact]vigil.Known, now time.Time) Result {
	byItem := map[string]vigil.PostureAnswer{}
	for _, a := range answers {
		byItem[a.Item] = a
	}
	today := day(now)
	res := Result{Score: vigil.PostureScore{Framework: f.ID, Version: f.Version, At: now}}
	var points float64
	applicable := 0
	for _, it := range f.Items() {
		r := scoreItem(f.Scale, it, byItem[it.ID], known, today)
		if r.Grade != vigil.GradeNotApplicable {
			applicable++
			points += r.Grade.Points()
		}
		if it.Target != vigil.GradeNone {
			switch {
			case r.Meets:
				res.Score.Met++
			case r.Planned:
				res.Score.Planned++
			default:
				res.Score.Open++
			}
		}
		res.Items = append(res.Items, r)
	}
	if applicable > 0 {
		res.Score.Percent = int(math.Round(points * 100 / float64(applicable)))
	}
	res.Score.Status = status(res.Score)
	return res
}

func scoreItem(sc vigil.Scale, it Item, a vigil.PostureAnswer, known map[vigil.Fact]vigil.Known, today time.Time) ItemResult {
	r := ItemResult{Item: it, Answer: a, Grade: a.Grade}
	if it.Fact != "" {
		if k, ok := known[it.Fact]; ok {
			r.Known = &k
			if g := factGrade(sc, k.State); g != vigil.GradeNone {
				r.Grade, r.ByVigil = g, true
			}
		}
	}
	r.Meets = r.Grade.Meets(it.Target) && !(it.Target != vigil.GradeNone && r.Grade == vigil.GradeNotApplicable)
	r.ReviewDue = !a.ReviewDate.IsZero() && day(a.ReviewDate).Before(today)
	r.Planned = !r.Meets && it.Target != vigil.GradeNone && a.Owner != "" && !a.ReviewDate.IsZero() && !r.ReviewDue
	return r
}

// factGrade is the grade a known fact gives on the scale; none for unknown.
func factGrade(sc vigil.Scale, state string) vigil.Grade {
	yes, no := vigil.GradeDone, vigil.GradeNotDone
	if sc == vigil.ScaleCAF {
		yes, no = vigil.GradeAchieved, vigil.GradeNotAchieved
	}
	switch state {
	case vigil.KnownYes:
		return yes
	case vigil.KnownNo:
		return no
	}
	return vigil.GradeNone
}

// status is the DSPT-style status of a score: met when every target item is met,
// approaching when those not met all have an improvement plan (an owner and a review
// date to come), not met otherwise.
func status(s vigil.PostureScore) vigil.PostureStatus {
	switch {
	case s.Open > 0:
		return vigil.StandardsNotMet
	case s.Planned > 0:
		return vigil.StandardsApproaching
	}
	return vigil.StandardsMet
}

// day is t's date at midnight UTC.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
