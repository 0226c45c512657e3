package api

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/posture"
)

type postureAnswerIn struct {
	ODS       string `path:"ods" maxLength:"20" doc:"The organisation's ODS code."`
	Framework string `path:"framework" maxLength:"40" doc:"The framework: checklist, dspt or caf."`
	Item      string `path:"item" maxLength:"40" doc:"The item's id in the framework."`
	Body      struct {
		Grade      vigil.Grade `json:"grade" enum:",not_done,in_progress,done,not_applicable,not_achieved,partially_achieved,achieved" doc:"The answer on the framework's scale (yes_no: not_done, in_progress, done, not_applicable; caf: not_achieved, partially_achieved, achieved); empty clears it."`
		Evidence   string      `json:"evidence,omitempty" maxLength:"2000" doc:"What shows it: where the policy is, who checked and when."`
		Owner      string      `json:"owner,omitempty" maxLength:"200" doc:"Who looks after the item."`
		ReviewDate string      `json:"review_date,omitempty" maxLength:"10" doc:"When it is next reviewed, YYYY-MM-DD; a reminder goes out once when it passes."`
	}
}

// postureAnswer records one answer and returns the assessment as it now stands.
func (a *API) postureAnswer(ctx context.Context, in *postureAnswerIn) (*assessmentOutput, error) {
	b := in.Body
	as, err := a.app.Posture.SetAnswer(ctx, principal(ctx), posture.Answer{Org: in.ODS, Framework: in.Framework, Item: in.Item,
		Grade: b.Grade, Evidence: b.Evidence, Owner: b.Owner, ReviewDate: b.ReviewDate})
	if err != nil {
		return nil, err
	}
	return &assessmentOutput{Body: assessmentOut(as)}, nil
}
