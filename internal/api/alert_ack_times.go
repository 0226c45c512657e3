package api

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
)

type alertAckTimesIn struct {
	From time.Time `query:"from" doc:"Alerts raised at or after this time (RFC 3339); 30 days before to when absent."`
	To   time.Time `query:"to" doc:"Alerts raised before this time (RFC 3339); now when absent. The window is at most 366 days."`
}

// AckTimes is how quickly organisations acknowledged the alerts of one severity.
type AckTimes struct {
	// Severity is the alerts' severity.
	Severity vigil.Severity `json:"severity" enum:"low,medium,high,critical"`
	// Raised is how many were raised in the window.
	Raised int `json:"raised"`
	// Acknowledged is how many of them were acknowledged (or resolved) since.
	Acknowledged int `json:"acknowledged"`
	// MedianSeconds is the median time to acknowledge, in seconds.
	MedianSeconds float64 `json:"median_seconds" doc:"Median time from raising to acknowledgement, in seconds (nearest rank); 0 when none was acknowledged."`
	// P90Seconds is the 90th percentile time to acknowledge, in seconds.
	P90Seconds float64 `json:"p90_seconds" doc:"90th percentile of the same times, in seconds (nearest rank)."`
	// WithinDeadline is how many were acknowledged by their deadline.
	WithinDeadline int `json:"within_deadline"`
	// AckOverdue is how many are still open after their acknowledge deadline.
	AckOverdue int `json:"acknowledge_overdue"`
	// FixOverdue is how many are unresolved after their remediation deadline.
	FixOverdue int `json:"remediate_overdue"`
}

type alertAckTimesOut struct {
	Body struct {
		// From and To are the window the figures are for.
		From time.Time `json:"from"`
		To   time.Time `json:"to"`
		// Severities are the figures, most urgent first.
		Severities []AckTimes `json:"severities" nullable:"false"`
	}
}

// alertAckTimes returns the sector's time-to-acknowledge figures, for the centre.
func (a *API) alertAckTimes(ctx context.Context, in *alertAckTimesIn) (*alertAckTimesOut, error) {
	r, err := a.app.Alerts.AckTimes(ctx, principal(ctx), in.From, in.To)
	if err != nil {
		return nil, err
	}
	out := &alertAckTimesOut{}
	out.Body.From, out.Body.To = r.From, r.To
	out.Body.Severities = mapSlice(r.Severities, func(f vigil.AckTimes) AckTimes {
		return AckTimes{Severity: f.Severity, Raised: f.Raised, Acknowledged: f.Acknowledged, MedianSeconds: f.Median.Seconds(),
			P90Seconds: f.P90.Seconds(), WithinDeadline: f.WithinDeadline, AckOverdue: f.AckOverdue, FixOverdue: f.FixOverdue}
	})
	return out, nil
}
