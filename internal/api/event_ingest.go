package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"
	"github.com/vigil-health/vigil/internal/earlywarning"
	"github.com/vigil-health/vigil/internal/warn"
)

type eventIngestIn struct {
	streamedBody
}

// EventsReport is what one events upload did.
type EventsReport struct {
	// Accepted is how many lines were valid events; all of them are stored.
	Accepted int `json:"accepted"`
	// Routed is how many accepted events reached at least one organisation.
	Routed int `json:"routed"`
	// Unrouted is how many matched nobody's assets; analysts see them at GET /unrouted.
	Unrouted int `json:"unrouted"`
	// Alerts is how many new alerts were raised.
	Alerts int `json:"alerts"`
	// Repeats is how many events were counted into an alert already raised that day.
	Repeats int `json:"repeats"`
	// Rejected is how many lines were refused as malformed.
	Rejected int `json:"rejected"`
	// Problems say what is wrong with the first few rejected lines.
	Problems []LineProblem `json:"problems" nullable:"false"`
}

// LineProblem says why one line of an upload was rejected.
type LineProblem struct {
	// Line is the line number, counting from 1.
	Line int `json:"line" example:"7"`
	// Message says what is wrong.
	Message string `json:"message" example:"severity is missing: give one of low, medium, high, critical"`
}

type eventIngestOut struct {
	Body EventsReport
}

// eventIngest takes partners' threat events and routes them to their owners.
func (a *API) eventIngest(ctx context.Context, in *eventIngestIn) (*eventIngestOut, error) {
	res, err := a.app.EarlyWarning.IngestEvents(ctx, principal(ctx), in.req.Body)
	if err != nil {
		return nil, eventsError(ctx, res, err)
	}
	if res.Accepted == 0 {
		return nil, eventsRefused(ctx, res)
	}
	return &eventIngestOut{Body: EventsReport{Accepted: res.Accepted, Routed: res.Routed, Unrouted: res.Unrouted,
		Alerts: res.Alerts, Repeats: res.Repeats, Rejected: res.Rejected, Problems: lineProblems(res.Problems)}}, nil
}

// eventsRefused is the 400 for a body without a single valid event.
func eventsRefused(ctx context.Context, res earlywarning.EventsResult) error {
	msg := "the body holds no events: send one JSON object per line"
	if res.Rejected > 0 {
		msg = fmt.Sprintf("none of the %d lines is a valid event, so nothing was stored: fix the lines listed and send them again", res.Rejected)
	}
	p := newProblem(http.StatusBadRequest, msg, RequestIDFrom(ctx))
	for _, lp := range res.Problems {
		p.Errors = append(p.Errors, &huma.ErrorDetail{Message: lp.Message, Location: "body line " + strconv.Itoa(lp.Line)})
	}
	return p
}

// eventsError explains a failed upload, saying how much of it was stored.
func eventsError(ctx context.Context, res earlywarning.EventsResult, err error) error {
	var bodyCap *http.MaxBytesError
	if errors.As(err, &bodyCap) {
		return newProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than the %d bytes this "+
			"server accepts: the %d events before the cut were stored; send the rest in another upload",
			bodyCap.Limit, res.Accepted), RequestIDFrom(ctx))
	}
	return err
}

func lineProblems(ps []warn.Problem) []LineProblem {
	out := make([]LineProblem, len(ps))
	for i, p := range ps {
		out[i] = LineProblem{Line: p.Line, Message: p.Message}
	}
	return out
}
