package support

import (
	"context"
	"slices"
	"time"

	"github.com/vigil-health/vigil"
)

// ResponseTimes is how quickly LSOs answered the requests asked in a period: what the
// sector report shows of getting help.
type ResponseTimes struct {
	// Asked counts the requests asked in the period; Answered those the LSO replied to.
	Asked, Answered int
	// Median and P90 are the median and 90th percentile of the time to the LSO's first
	// reply, over the answered requests; zero when none was answered.
	Median, P90 time.Duration
}

// ResponseTimes measures the LSOs' time to first reply for requests asked in [from, to):
// sector roles only.
func (s *Service) ResponseTimes(ctx context.Context, p vigil.Principal, from, to time.Time) (ResponseTimes, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return ResponseTimes{}, err
	}
	ds, err := s.store.SupportResponseTimes(ctx, from, to)
	if err != nil {
		return ResponseTimes{}, err
	}
	rt := ResponseTimes{Asked: len(ds)}
	var answered []time.Duration
	for _, d := range ds {
		if d >= 0 {
			answered = append(answered, d)
		}
	}
	rt.Answered = len(answered)
	if len(answered) > 0 {
		slices.Sort(answered)
		rt.Median, rt.P90 = percentile(answered, 50), percentile(answered, 90)
	}
	return rt, nil
}

// percentile is the nearest-rank q-th percentile of sorted, which is not empty.
func percentile(sorted []time.Duration, q int) time.Duration {
	rank := (q*len(sorted) + 99) / 100 // ceil(q/100 × n), from 1
	return sorted[max(rank, 1)-1]
}
